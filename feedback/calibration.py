"""Calibration against the people who decide: how the levels the scorer proposes compare with the levels
trainers settle on.

Pure functions, no storage: `pairs_from_scorecards` reads (proposed, final) scorecards (the
`oralblanc.scorecard/1` JSON of a proposal and of what counts after review); `calibrate` turns the
(proposed level, final level) pairs of each criterion into `CriterionCalibration`: how often the trainer
confirmed the proposed level, amended it up or down, and Cohen's κ between proposed and final levels.

A criterion with no level (`insufficient_evidence`) is its own category, below 0 ("no level"): a trainer
who gives it a level amends it up. Only scorecards a trainer has decided (confirmed or amended) are pairs;
those still proposed are counted as `pending`.

Cohen's κ (unweighted, the levels as categories) = (p_o − p_e) / (1 − p_e), p_o the observed agreement and
p_e the agreement expected by chance from each side's marginal frequencies. It is undefined (None) when
p_e = 1 (both sides always gave one and the same level): agreement is then total but says nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

Level = int | None
Pair = tuple[Level, Level]  # (proposed, final)

NO_LEVEL = -1  # the rank of "no level" (insufficient evidence): below 0


def _rank(level: Level) -> int:
    return NO_LEVEL if level is None else int(level)


def cohen_kappa(pairs: Sequence[Pair]) -> float | None:
    """Cohen's κ between the first and second ratings of `pairs` (None when undefined: no pairs, or chance
    agreement of 1)."""
    if not pairs:
        return None
    n = len(pairs)
    a = Counter(_rank(p) for p, _ in pairs)
    b = Counter(_rank(f) for _, f in pairs)
    observed = sum(1 for p, f in pairs if _rank(p) == _rank(f)) / n
    expected = sum(a[k] * b[k] for k in set(a) | set(b)) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


@dataclass(frozen=True)
class CriterionCalibration:
    code: str
    decided: int  # scorecards a trainer confirmed or amended that hold this criterion
    confirmed: int  # the final level is the proposed one
    up: int  # the trainer raised it
    down: int  # the trainer lowered it
    kappa: float | None
    pending: int = 0  # scorecards still waiting for a decision

    @property
    def agreement(self) -> float | None:
        """The share of decided levels the trainers kept as proposed."""
        return self.confirmed / self.decided if self.decided else None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"agreement": self.agreement}


def calibrate(
    pairs: Mapping[str, Sequence[Pair]], pending: Mapping[str, int] | None = None
) -> list[CriterionCalibration]:
    """Per criterion (in the order of `pairs`, then the criteria only pending), the calibration figures."""
    pending = dict(pending or {})
    out = []
    for code in list(pairs) + [c for c in pending if c not in pairs]:
        items = list(pairs.get(code, ()))
        out.append(
            CriterionCalibration(
                code=code,
                decided=len(items),
                confirmed=sum(1 for p, f in items if _rank(p) == _rank(f)),
                up=sum(1 for p, f in items if _rank(f) > _rank(p)),
                down=sum(1 for p, f in items if _rank(f) < _rank(p)),
                kappa=cohen_kappa(items),
                pending=pending.get(code, 0),
            )
        )
    return out


def overall(
    stats: Sequence[CriterionCalibration], pairs: Mapping[str, Sequence[Pair]]
) -> CriterionCalibration:
    """Every criterion together (κ over all the pairs)."""
    every = [p for items in pairs.values() for p in items]
    return CriterionCalibration(
        code="*",
        decided=sum(s.decided for s in stats),
        confirmed=sum(s.confirmed for s in stats),
        up=sum(s.up for s in stats),
        down=sum(s.down for s in stats),
        kappa=cohen_kappa(every),
        pending=sum(s.pending for s in stats),
    )


def _levels(card: Mapping[str, Any]) -> dict[str, Level]:
    return {
        c["code"]: c.get("level") for c in card.get("criteria", []) if isinstance(c, Mapping) and "code" in c
    }


def pairs_from_scorecards(
    items: Iterable[tuple[Mapping[str, Any], Mapping[str, Any] | None]],
) -> tuple[dict[str, list[Pair]], dict[str, int]]:
    """From (proposed scorecard, final scorecard or None while undecided) JSON documents: the (proposed, final)
    level pairs per criterion, and per criterion how many scorecards still wait for a decision."""
    pairs: dict[str, list[Pair]] = {}
    pending: dict[str, int] = {}
    for proposed, final in items:
        before = _levels(proposed)
        if final is None:
            for code in before:
                pending[code] = pending.get(code, 0) + 1
            continue
        after = _levels(final)
        for code, level in before.items():
            pairs.setdefault(code, []).append((level, after.get(code, level)))
    return pairs, pending


def decided(record: Any) -> tuple[Mapping[str, Any], Mapping[str, Any] | None]:
    """(proposed, final or None) of a stored scorecard record (`storage.records.ScorecardRecord`): final is the
    trainer's amendment, or the proposal itself when confirmed; None while it is only proposed."""
    if record.review_status == "amended":
        return record.data, record.effective
    if record.review_status == "confirmed":
        return record.data, record.data
    return record.data, None


WORDS = {
    "fr": {
        "title": "Calibration : niveaux proposés et décisions des formateurs",
        "criterion": "Critère",
        "decided": "décidés",
        "confirmed": "confirmés",
        "up": "relevés",
        "down": "abaissés",
        "kappa": "κ de Cohen",
        "pending": "en attente",
        "all": "Tous critères",
        "none": "Aucune note décidée par un formateur pour l'instant.",
        "note": "κ : accord entre niveau proposé et niveau retenu au-delà du hasard (1 = parfait, 0 = hasard) ; "
        "« — » quand il n'est pas défini.",
    },
    "en": {
        "title": "Calibration: proposed levels and trainers' decisions",
        "criterion": "Criterion",
        "decided": "decided",
        "confirmed": "confirmed",
        "up": "raised",
        "down": "lowered",
        "kappa": "Cohen's κ",
        "pending": "pending",
        "all": "All criteria",
        "none": "No scorecard decided by a trainer yet.",
        "note": "κ: agreement between proposed and final levels beyond chance (1 = perfect, 0 = chance); "
        '"—" when undefined.',
    },
}


def fmt_kappa(kappa: float | None, lang: str = "en") -> str:
    if kappa is None:
        return "—"
    text = f"{kappa:.2f}"
    return text.replace(".", ",") if lang == "fr" else text


def html_table(
    stats: Sequence[CriterionCalibration], total: CriterionCalibration | None, lang: str = "fr"
) -> str:
    """The calibration as an HTML section (escaped), for the cohort's export."""
    import html

    w = WORDS["fr" if lang == "fr" else "en"]
    if not any(s.decided for s in stats):
        return f"<h2>{html.escape(w['title'])}</h2><p>{html.escape(w['none'])}</p>"
    head = "".join(
        f"<th>{html.escape(w[k])}</th>"
        for k in ("criterion", "decided", "confirmed", "up", "down", "kappa", "pending")
    )

    def row(s: CriterionCalibration, name: str) -> str:
        share = f" ({round(100 * s.agreement)} %)" if s.agreement is not None else ""
        return (
            f"<tr><td>{html.escape(name)}</td><td>{s.decided}</td><td>{s.confirmed}{share}</td><td>{s.up}</td>"
            f"<td>{s.down}</td><td>{fmt_kappa(s.kappa, lang)}</td><td>{s.pending}</td></tr>"
        )

    rows = [row(s, s.code) for s in stats]
    if total is not None and len(stats) > 1:
        rows.append(row(total, w["all"]))
    return (
        f"<h2>{html.escape(w['title'])}</h2><table class='calibration'><tr>{head}</tr>{''.join(rows)}</table>"
        f"<p class='note'>{html.escape(w['note'])}</p>"
    )


def from_records(records: Iterable[Any]) -> tuple[list[CriterionCalibration], CriterionCalibration]:
    """Calibration of stored scorecard records (each counted once)."""
    seen: set[int] = set()
    items = []
    for r in records:
        if getattr(r, "id", None) in seen:
            continue
        seen.add(r.id)
        items.append(decided(r))
    pairs, pending = pairs_from_scorecards(items)
    stats = calibrate(pairs, pending)
    return stats, overall(stats, pairs)
