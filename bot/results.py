"""A cohort's results, for any transport: per candidate and criterion the last and best levels, a CSV
export (one row per session and criterion) and a small HTML summary.

Input is what `Repository.cohort_scorecards` returns: (candidate, session, scorecard record) triples;
the level that counts is the scorecard's effective one (a trainer's amendment wins).
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from feedback.charts import short_code
from feedback.scorecard import Scorecard
from storage.records import ScorecardRecord, SessionSummary, UserRecord

Row = tuple[UserRecord, SessionSummary, ScorecardRecord]
CSV_COLUMNS = [
    "cohort", "candidate", "user_id", "session_id", "scenario_id", "started_at", "review_status", "score_20",
    "criterion", "level", "status",
]


@dataclass
class CandidateResult:
    """One candidate's scored sessions in a cohort: per criterion its levels, oldest first."""

    name: str
    user_id: int
    sessions: int = 0
    last_score: float | None = None
    levels: dict[str, list[int | None]] = field(default_factory=dict)

    def last(self, code: str) -> int | None:
        return self.levels[code][-1]

    def best(self, code: str) -> int | None:
        scored = [level for level in self.levels[code] if level is not None]
        return max(scored) if scored else None


def by_candidate(rows: Sequence[Row]) -> list[CandidateResult]:
    """Results grouped by candidate (in the order of `rows`, which is by candidate then session)."""
    out: dict[int, CandidateResult] = {}
    for user, _session, card in rows:
        result = out.setdefault(user.id, CandidateResult(user.display_name, user.id))
        data = card.effective
        result.sessions += 1
        result.last_score = (data.get("overall") or {}).get("score_20")
        for criterion in data.get("criteria", []):
            result.levels.setdefault(criterion["code"], []).append(criterion.get("level"))
    return list(out.values())


def _level(value: int | None) -> str:
    return "–" if value is None else str(value)


def to_csv(cohort: str, rows: Sequence[Row]) -> str:
    """One line per (session, criterion), with the effective level and the review status."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for user, session, card in rows:
        data = card.effective
        score = (data.get("overall") or {}).get("score_20")
        for criterion in data.get("criteria", []):
            writer.writerow([
                cohort, user.display_name, user.id, session.id, session.scenario_id, session.started_at.isoformat(),
                card.review_status, "" if score is None else score, criterion["code"],
                "" if criterion.get("level") is None else criterion["level"], criterion.get("status", ""),
            ])
    return buffer.getvalue()


def to_html(cohort: str, rows: Sequence[Row]) -> str:
    """A self-contained HTML page: per candidate, per criterion, the last and best levels."""
    results = by_candidate(rows)
    codes = list(dict.fromkeys(code for r in results for code in r.levels))
    head = "".join(f"<th>{html.escape(c)}<br>last / best</th>" for c in codes)
    body = []
    for r in results:
        cells = "".join(
            f"<td>{_level(r.last(c))} / {_level(r.best(c))}</td>" if c in r.levels else "<td>–</td>" for c in codes
        )
        score = "–" if r.last_score is None else f"{r.last_score:g}"
        body.append(f"<tr><th>{html.escape(r.name)}</th><td>{r.sessions}</td><td>{score}</td>{cells}</tr>")
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>oralblanc — "
        f"{html.escape(cohort)}</title><style>table{{border-collapse:collapse}}td,th{{border:1px solid #999;"
        "padding:4px 8px;text-align:center}}</style></head><body>"
        f"<h1>{html.escape(cohort)}</h1><table><tr><th>candidate</th><th>sessions</th><th>last /20</th>{head}</tr>"
        + "".join(body) + "</table></body></html>"
    )


def match_criterion(card: Scorecard, ref: str) -> str | None:
    """The criterion code `ref` names: in full, by its tail (`C1.CR1`, `CR1`), or as shown (`B2 CR1`);
    None when it names none or several."""
    wanted = ref.upper().replace(" ", "")
    found = [
        c.code for c in card.criteria
        if c.code.upper() == wanted or c.code.upper().endswith("." + wanted)
        or short_code(c.code).upper().replace(" ", "") == wanted
    ]
    return found[0] if len(found) == 1 else None
