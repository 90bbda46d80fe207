"""A cohort's results for its trainer: per candidate and criterion the last and best levels, and the
exports (CSV, one row per session and criterion; a self-contained HTML summary). The computations are
`bot.results`' (spreadsheet-safe CSV, escaped HTML); this module decides who may read which cohort.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import results as tables
from bot.core import cohorts
from bot.core.principal import Principal
from bot.results import CandidateResult, Row
from storage.records import CohortRecord
from storage.repository import AsyncRepository

__all__ = ["CandidateResult", "CohortResults", "cohort_results"]


@dataclass(frozen=True)
class CohortResults:
    """The scored sessions of a cohort's members, by candidate then session."""

    cohort: CohortRecord
    rows: list[Row]

    def by_candidate(self) -> list[CandidateResult]:
        return tables.by_candidate(self.rows)

    def to_csv(self) -> str:
        return tables.to_csv(self.cohort.name, self.rows)

    def to_html(self, lang: str = "fr") -> str:
        """The HTML summary (charts: a second or so; run it off the event loop)."""
        return tables.to_html(self.cohort.name, self.rows, lang)


async def cohort_results(repo: AsyncRepository, me: Principal, cohort_ref: str) -> CohortResults:
    """The results of one of the principal's cohorts (trainers: their own; admins: any)."""
    cohort = await cohorts.one(repo, me, cohort_ref)
    return CohortResults(cohort, list(await repo.cohort_scorecards(cohort.id)))
