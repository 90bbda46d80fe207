"""Assignments: a trainer assigns a scenario to one of their cohorts (practice, or a mock exam with a
number of attempts), with an optional due date that is not in the past; every member is told through
the outbox. A member who joins later is told of the assignments they may still do (`tell_open`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.catalog import Catalog
from bot.core import cohorts
from bot.core.outbox import AssignmentMade, Outbox
from bot.core.principal import Principal, Refused
from scenarios.model import Scenario
from storage.records import AssignmentMode, AssignmentRecord, CohortRecord
from storage.repository import AsyncRepository

log = logging.getLogger(__name__)

EXAM_ATTEMPTS = 1  # sessions a candidate may start for an exam assignment, unless said otherwise
MAX_ATTEMPTS = 20
# a due date as typed: 2027-01-15, or 15/01/2027 (also 15.01.2027 or 15-01-2027)
DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}([/.-])\d{1,2}\1\d{4}")


def parse_due(value: str) -> datetime | None:
    """The end of the day (UTC) `value` names, YYYY-MM-DD or DD/MM/YYYY; None if there is no such day."""
    for layout in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            day = datetime.strptime(value, layout)
        except ValueError:
            continue
        return day.replace(hour=23, minute=59, tzinfo=UTC)
    return None


@dataclass(frozen=True)
class Assigned:
    scenario: Scenario
    cohort: CohortRecord
    mode: str
    attempts: int
    due: datetime | None
    told: int  # members the outbox reached


async def assign(
    repo: AsyncRepository,
    me: Principal,
    catalog: Catalog,
    scenario_id: str,
    cohort_ref: str,
    outbox: Outbox,
    *,
    due: datetime | None = None,
    exam: bool = False,
    attempts: int = EXAM_ATTEMPTS,
) -> Assigned:
    """Assign a scenario to one of the principal's cohorts and tell every member. Refused:
    `bad_attempts` (1 to MAX_ATTEMPTS), `due_past`, `unknown_scenario`, `unknown_cohort`, `ambiguous_cohort`."""
    me.require("trainer")
    if exam and not 1 <= attempts <= MAX_ATTEMPTS:
        raise Refused("bad_attempts", max=MAX_ATTEMPTS)
    if due is not None and due.date() < datetime.now(UTC).date():
        raise Refused("due_past", date=due.date().isoformat())
    scenario = catalog.scenarios.get(scenario_id)
    if scenario is None:
        raise Refused("unknown_scenario", id=scenario_id)
    target = await cohorts.one(repo, me, cohort_ref)
    mode: AssignmentMode = "exam" if exam else "practice"
    await repo.assign(
        scenario.id,
        scenario_version=scenario.version,
        cohort_id=target.id,
        due_at=due,
        mode=mode,
        created_by=me.user_id,
        attempts=attempts if exam else None,
    )
    log.info("scenario %s assigned to cohort %s by user %s", scenario.id, target.id, me.user_id)
    notice = AssignmentMade(scenario, mode, attempts, due, target.id)
    told = 0
    for member in await repo.members(target.id):
        told += bool(await outbox.notify(member, notice))
    return Assigned(scenario, target, mode, attempts, due, told)


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


async def open_for(
    repo: AsyncRepository, me: Principal, cohort_id: int, catalog: Catalog, before: datetime
) -> Sequence[AssignmentRecord]:
    """The cohort's assignments made `before` that the principal may still do: scenario in the
    catalog, not past due, not started."""
    if me.user_id is None:
        return []
    today = datetime.now(UTC).date()
    out = []
    for a in await repo.assignments_for_user(me.user_id):
        due = _aware(a.due_at)
        if a.cohort_id != cohort_id or a.created_at > before or a.scenario_id not in catalog.scenarios:
            continue
        if (due is not None and due.date() < today) or await repo.attempts_used(me.user_id, a.id):
            continue
        out.append(a)
    return out


async def tell_open(
    repo: AsyncRepository, me: Principal, cohort_id: int, catalog: Catalog, outbox: Outbox
) -> int:
    """Tell a member who just joined of the cohort's assignments made before they joined (those made
    since reached them at once) that they have not started and whose due date has not passed."""
    if me.user_id is None:
        return 0
    joined = await repo.joined_at(cohort_id, me.user_id)
    if joined is None:
        return 0
    member = me.user or await repo.user(me.user_id)
    told = 0
    for a in await open_for(repo, me, cohort_id, catalog, joined):
        notice = AssignmentMade(
            catalog.scenarios[a.scenario_id], a.mode, a.attempts, _aware(a.due_at), cohort_id
        )
        told += bool(await outbox.notify(member, notice))
    return told


async def of_cohort(
    repo: AsyncRepository, me: Principal, cohort_ref: str
) -> tuple[CohortRecord, list[AssignmentRecord]]:
    """One of the principal's cohorts and the assignments made to it, oldest first."""
    cohort = await cohorts.one(repo, me, cohort_ref)
    return cohort, list(await repo.cohort_assignments(cohort.id))


# --- the candidate's side: what they were assigned, and how they may start a scenario -----------------


async def modes_for(repo: AsyncRepository, user_id: int, catalog: Catalog) -> dict[str, str]:
    """Scenario id → assignment mode (exam wins over practice) of this person's assignments whose
    scenario the catalog holds."""
    out: dict[str, str] = {}
    for a in await repo.assignments_for_user(user_id):
        if a.scenario_id in catalog.scenarios:
            out[a.scenario_id] = "exam" if "exam" in (a.mode, out.get(a.scenario_id)) else a.mode
    return out


@dataclass(frozen=True)
class Entry:
    """How a person starts a scenario: as a mock exam or for practice, under which assignment."""

    exam: bool
    assignment_id: int | None


async def entry(repo: AsyncRepository, user_id: int, scenario: Scenario) -> Entry:
    """How this person may start `scenario`: a mock exam when the script is an exam or they were
    assigned it as one (under the latest assignment of that mode); refused (`no_attempts_left`, with
    `used` and `allowed`) when that assignment's attempts, or the exam script's own, are used up."""
    assignments = [a for a in await repo.assignments_for_user(user_id) if a.scenario_id == scenario.id]
    exam = scenario.exam or any(a.mode == "exam" for a in assignments)
    assignment = max(
        (a for a in assignments if a.mode == ("exam" if exam else "practice")),
        key=lambda a: a.id,
        default=None,
    )
    limits = []  # (used, allowed): the assignment's attempts, and the exam script's own
    if assignment is not None and assignment.attempts is not None:
        limits.append((await repo.attempts_used(user_id, assignment.id), assignment.attempts))
    if scenario.exam and scenario.attempts is not None:
        played = await repo.sessions_for_user(user_id)
        limits.append((sum(1 for s in played if s.scenario_id == scenario.id), scenario.attempts))
    for used, allowed in limits:
        if used >= allowed:
            raise Refused("no_attempts_left", used=used, allowed=allowed)
    return Entry(exam, assignment.id if assignment else None)
