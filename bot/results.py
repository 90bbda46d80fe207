"""A cohort's results, for any transport: per candidate and criterion the last and best levels, a CSV
export (one row per session and criterion) and a self-contained HTML summary with charts.

Names come from the people themselves (a Telegram first name, a cohort's name): in the CSV, a text
cell a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+`, `-`, `@`, a tab or carriage return
first, also after leading spaces) is written with a leading apostrophe, per OWASP's CSV-injection
advice; numbers (ids, score, level) stay numbers. In the HTML every text is escaped.

Input is what `Repository.cohort_scorecards` returns: (candidate, session, scorecard record) triples;
the level that counts is the scorecard's effective one (a trainer's amendment wins).
"""

from __future__ import annotations

import base64
import csv
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from feedback.charts import cohort_levels_chart, cohort_scores_chart, short_code
from feedback.report import criterion_title
from feedback.scorecard import Scorecard
from storage.records import ScorecardRecord, SessionSummary, UserRecord

Row = tuple[UserRecord, SessionSummary, ScorecardRecord]
CSV_COLUMNS = [
    "cohort",
    "candidate",
    "user_id",
    "session_id",
    "scenario_id",
    "started_at",
    "review_status",
    "score_20",
    "criterion",
    "level",
    "status",
]


@dataclass
class CandidateResult:
    """One candidate's scored sessions in a cohort: per criterion its levels, oldest first."""

    name: str
    user_id: int
    sessions: int = 0
    last_score: float | None = None
    scores: list[float | None] = field(default_factory=list)  # out of 20, per session, oldest first
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
        result.scores.append(result.last_score)
        for criterion in data.get("criteria", []):
            result.levels.setdefault(criterion["code"], []).append(criterion.get("level"))
    return list(out.values())


def _level(value: int | None) -> str:
    return "–" if value is None else str(value)


# What starts a formula in Excel, LibreOffice or Google Sheets (with the full-width forms some of them
# also read as such): a text cell starting with one of these is not written as it is.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_cell(value: object) -> object:
    """A CSV cell no spreadsheet runs: text that would start a formula, at its first character or
    after leading whitespace, gets a leading apostrophe (shown as text, not computed). Numbers are
    left as numbers, so a real negative number stays readable."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(cohort: str, rows: Sequence[Row]) -> str:
    """One line per (session, criterion), with the effective level and the review status; every text
    cell made safe to open in a spreadsheet (`spreadsheet_cell`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for user, session, card in rows:
        data = card.effective
        score = (data.get("overall") or {}).get("score_20")
        for criterion in data.get("criteria", []):
            writer.writerow(
                [
                    spreadsheet_cell(cell)
                    for cell in (
                        cohort,
                        user.display_name,
                        user.id,
                        session.id,
                        session.scenario_id,
                        session.started_at.isoformat(),
                        card.review_status,
                        "" if score is None else score,
                        criterion["code"],
                        "" if criterion.get("level") is None else criterion["level"],
                        criterion.get("status", ""),
                    )
                ]
            )
    return buffer.getvalue()


HTML_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Résultats de la cohorte",
        "generated": "Généré le {date} UTC",
        "date": "%d/%m/%Y à %H:%M",
        "counts": "{candidates} candidat(s) · {sessions} séance(s) notée(s)",
        "levels": "Derniers niveaux par critère",
        "scores": "Note sur 20 par candidat",
        "table": "Détail par candidat",
        "levels_alt": "Nombre de candidats à chaque niveau (0 à 3) lors de leur dernière séance, par critère ; "
        "acquis à partir de 2. {detail}",
        "levels_detail": "{code} : {acquired} acquis sur {total}",
        "scores_alt": "Dernière note sur 20 de chaque candidat (barres) et notes des séances précédentes (points) ; "
        "{above} candidat(s) sur {total} à 10/20 ou plus à leur dernière séance.",
        "levels_note": "Niveaux 0 à 3 (2 = acquis) ; « – » : non évaluable.",
        "candidate": "Candidat",
        "sessions": "Séances",
        "last_score": "Dernière note /20",
        "last_best": "dernier / meilleur",
        "empty": "Aucune séance notée pour l'instant.",
    },
    "en": {
        "title": "Cohort results",
        "generated": "Generated on {date} UTC",
        "date": "%Y-%m-%d at %H:%M",
        "counts": "{candidates} candidate(s) · {sessions} scored session(s)",
        "levels": "Latest levels per criterion",
        "scores": "Score out of 20 per candidate",
        "table": "Per candidate",
        "levels_alt": "Number of candidates at each level (0 to 3) in their latest session, per criterion; "
        "acquired from 2. {detail}",
        "levels_detail": "{code}: {acquired} acquired of {total}",
        "scores_alt": "Each candidate's last score out of 20 (bars) and earlier sessions' scores (dots); "
        "{above} of {total} candidate(s) at 10/20 or more in their last session.",
        "levels_note": "Levels 0 to 3 (2 = acquired); “–”: not assessable.",
        "candidate": "Candidate",
        "sessions": "Sessions",
        "last_score": "Last score /20",
        "last_best": "last / best",
        "empty": "No scored session yet.",
    },
}

HTML_CSS = (
    "body{font-family:'DejaVu Sans','Helvetica Neue',Arial,sans-serif;color:#1f2a44;font-size:10pt;"
    "max-width:980px;margin:0 auto;padding:0 12px}h1{font-size:18pt;margin:12px 0 2px}"
    "h2{font-size:13pt;margin:22px 0 8px;border-bottom:2px solid #2f6fdf;padding-bottom:3px}"
    ".sub,.note{color:#5b6780}.note{font-size:8.5pt}img.chart{max-width:100%}"
    "table{border-collapse:collapse}td,th{border:1px solid #d9dee8;padding:4px 8px;text-align:center}"
    "th.name{text-align:left}th .note{font-weight:normal}"
    ".l0{background:#fde2e1;color:#a3231f}.l1{background:#feecd6;color:#9a5a0b}"
    ".l2{background:#dff3e4;color:#1c6b34}.l3{background:#d7e6ff;color:#1b4fa8}.lx{color:#5b6780}"
)


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="chart" alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def to_html(cohort: str, rows: Sequence[Row], lang: str = "fr", now: datetime | None = None) -> str:
    """A self-contained page in `lang` (fr, else en): counts, a chart of the candidates' latest levels per
    criterion, one of their scores out of 20, then per candidate and criterion the last and best levels."""
    lang = "fr" if lang == "fr" else "en"
    w = HTML_WORDS[lang]
    results = by_candidate(rows)
    codes = list(dict.fromkeys(code for r in results for code in r.levels))
    when = (now or datetime.now(UTC)).astimezone(UTC).strftime(w["date"])
    parts = [
        f"<h1>{html.escape(w['title'])} — {html.escape(cohort)}</h1>",
        f"<p class='sub'>{html.escape(w['generated'].format(date=when))}<br>"
        + html.escape(w["counts"].format(candidates=len(results), sessions=sum(r.sessions for r in results)))
        + "</p>",
    ]
    if not results:
        parts.append(f"<p>{html.escape(w['empty'])}</p>")
    else:
        latest = {code: [r.last(code) for r in results if code in r.levels] for code in codes}
        if codes:
            detail = (" ; " if lang == "fr" else "; ").join(
                w["levels_detail"].format(
                    code=short_code(code),
                    total=len(values),
                    acquired=sum(1 for v in values if v is not None and v >= 2),
                )
                for code, values in latest.items()
            ) + "."
            parts += [
                f"<h2>{html.escape(w['levels'])}</h2>",
                _img(cohort_levels_chart(latest, lang), w["levels_alt"].format(detail=detail)),
            ]
        lasts = [r.last_score for r in results]
        parts += [
            f"<h2>{html.escape(w['scores'])}</h2>",
            _img(
                cohort_scores_chart([(r.name, r.scores) for r in results], lang),
                w["scores_alt"].format(
                    above=sum(1 for s in lasts if s is not None and s >= 10), total=len(results)
                ),
            ),
            f"<h2>{html.escape(w['table'])}</h2>",
            _table(results, codes, w, lang),
            f"<p class='note'>{html.escape(w['levels_note'])}</p>",
        ]
        from feedback.calibration import (
            from_records,
            html_table,
        )  # how trainers' decisions compare with the proposals

        parts.append(html_table(*from_records(card for _, _, card in rows), lang))
    return (
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>"
        f"<title>oralblanc — {html.escape(cohort)}</title><style>{HTML_CSS}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>\n"
    )


def _table(results: Sequence[CandidateResult], codes: Sequence[str], w: dict[str, str], lang: str) -> str:
    head = "".join(
        f"<th title='{html.escape(c)}'>{html.escape(short_code(c))}<br><span class='note'>"
        f"{html.escape(criterion_title(c, lang))}<br>{html.escape(w['last_best'])}</span></th>"
        for c in codes
    )
    body = []
    for r in results:
        cells = []
        for c in codes:
            if c not in r.levels:
                cells.append("<td class='lx'>–</td>")
                continue
            last = r.last(c)
            cls = "lx" if last is None else f"l{last}"
            cells.append(f"<td class='{cls}'>{_level(last)} / {_level(r.best(c))}</td>")
        score = "–" if r.last_score is None else f"{r.last_score:g}"
        body.append(
            f"<tr><th class='name'>{html.escape(r.name)}</th><td>{r.sessions}</td><td>{score}</td>{''.join(cells)}</tr>"
        )
    return (
        f"<table><tr><th class='name'>{html.escape(w['candidate'])}</th><th>{html.escape(w['sessions'])}</th>"
        f"<th>{html.escape(w['last_score'])}</th>{head}</tr>" + "".join(body) + "</table>"
    )


def match_criterion(card: Scorecard, ref: str) -> str | None:
    """The criterion code `ref` names: in full, by its tail (`C1.CR1`, `CR1`), or as shown (`B2 CR1`);
    None when it names none or several."""
    wanted = ref.upper().replace(" ", "")
    found = [
        c.code
        for c in card.criteria
        if c.code.upper() == wanted
        or c.code.upper().endswith("." + wanted)
        or short_code(c.code).upper().replace(" ", "") == wanted
    ]
    return found[0] if len(found) == 1 else None
