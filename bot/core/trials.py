"""A jury member trying a script outside Telegram (the web console's "Try"): the same rule as
Telegram's /try (`scripts.script_to_try`: their latest upload, or the live version when newer), in
exam mode (the scenario's time limit), text turns only, through `bot.rehearsal`.

The session is marked a trial in its transport state (`{"telegram": {"trial": true, ...}}`, the key
the repository reads, as /try does; `trial_state` builds it, for the terminal's `oralblanc jury try`
too), so it is left out of a script's transcript lists and its scorecard is never held back for a
trainer. It has no chat: the bot's clock that ends overdue exams in their chat leaves it alone; a
line sent after the deadline ends it instead of being taken.

Every use case checks the jury role, and that the session is the principal's own trial (anyone
else's session, or one of theirs that is not a trial, is answered as one that does not exist:
`unknown_session`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.catalog import Catalog
from bot.core import scripts
from bot.core.principal import Principal, Refused
from bot.publishing import TrialSource
from bot.rehearsal import Rehearsal, SessionOver
from feedback.scorecard import Scorecard
from scenarios.model import Lang, Scenario, Turn
from storage.records import NotFound, SessionRecord
from storage.repository import AsyncRepository

__all__ = [
    "MAX_LINE",
    "Said",
    "Started",
    "TrialView",
    "deadline_of",
    "exam_state",
    "end_trial",
    "start_trial",
    "trial",
    "trial_state",
    "trial_turn",
]

log = logging.getLogger(__name__)

STATE_KEY = "telegram"  # the part of a session's state the repository reads as the transport's settings
MAX_LINE = 4000  # characters of one line (about a Telegram message)


def _prefs(record: SessionRecord) -> dict[str, Any]:
    prefs = record.state.get(STATE_KEY)
    return dict(prefs) if isinstance(prefs, dict) else {}


def deadline_of(record: SessionRecord) -> datetime | None:
    """When a trial (or any session marked with a deadline, see `trial_state`) must end; None if none."""
    value = _prefs(record).get("deadline")
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _time_is_up(record: SessionRecord, now: datetime | None = None) -> bool:
    deadline = deadline_of(record)
    return deadline is not None and (now or datetime.now(UTC)) > deadline


def exam_state(scenario: Scenario, *, now: datetime | None = None, **transport: Any) -> dict[str, Any]:
    """The state a session of `scenario` in exam mode starts with (`Rehearsal.start(state=...)`): the
    deadline its time limit sets from `now`, stored with the session so that a pause does not lift it;
    `transport`: the door's own settings (e.g. `chat_id`, `terminal=True`)."""
    deadline = (now or datetime.now(UTC)) + timedelta(minutes=scenario.duration_min)
    return {STATE_KEY: {**transport, "exam": True, "deadline": deadline.isoformat()}}


def trial_state(scenario: Scenario, *, now: datetime | None = None, **transport: Any) -> dict[str, Any]:
    """The state a jury member's trial of `scenario` starts with: marked a trial, in exam mode with its
    deadline (`exam_state`). A trial is left out of the script's transcripts and its scorecard is not
    held back for a trainer."""
    return exam_state(scenario, now=now, **transport, trial=True)


@dataclass(frozen=True)
class Started:
    session_id: int
    scenario: Scenario
    source: TrialSource  # "uploaded" or "live"
    opening: str  # the persona's first words


async def start_trial(
    repo: AsyncRepository,
    me: Principal,
    rehearsal: Rehearsal,
    live: Catalog,
    scenario_id: str,
    language: Lang,
    *,
    engine: str = "scripted",
) -> Started:
    """Start a trial of `scenario_id` (the version `scripts.script_to_try` picks) in exam mode, text
    only. A session the jury member still has open (a trial left, or one on Telegram) is abandoned,
    as /try does (jury). `engine`: who plays the persona (the settings' `effective_engine`)."""
    chosen = await scripts.script_to_try(repo, me, live, scenario_id)
    assert me.user_id is not None
    active = await repo.active_session(me.user_id)
    if active is not None:
        await rehearsal.finish(active.id, "abandoned")
        log.info("session %s abandoned for a trial by jury member %s", active.id, me.user_id)
    scenario = chosen.scenario
    opening = await rehearsal.start(
        me.user_id,
        scenario.id,
        language,
        mode="text",
        scenario=scenario,
        engine=engine,
        state=trial_state(scenario, voice=False, web=True),
    )
    log.info(
        "trial %s of %s v%s (%s) started by jury member %s",
        opening.session_id,
        scenario.id,
        scenario.version,
        chosen.source,
        me.user_id,
    )
    return Started(opening.session_id, scenario, chosen.source, opening.text)


async def _own_trial(
    repo: AsyncRepository, me: Principal, session_ref: str | int, scenario_id: str | None = None
) -> SessionRecord:
    me.require("jury")
    ref = str(session_ref)
    try:
        record = await repo.session(int(ref)) if ref.isdigit() else None
    except NotFound:
        record = None
    if (
        record is None
        or not me.is_self(record.user_id)
        or not _prefs(record).get("trial")
        or (scenario_id is not None and record.scenario_id != scenario_id)
    ):
        raise Refused("unknown_session", ref=ref)
    return record


@dataclass(frozen=True)
class TrialView:
    """A trial as its page shows it: the conversation so far and, once over, its scorecard."""

    session_id: int
    scenario: Scenario
    persona_name: str
    language: Lang
    status: str  # active, finished, abandoned
    turns: list[Turn]
    deadline: datetime | None
    card: Scorecard | None

    @property
    def active(self) -> bool:
        return self.status == "active"


async def trial(
    repo: AsyncRepository,
    me: Principal,
    catalog: Catalog,
    session_ref: str | int,
    scenario_id: str | None = None,
) -> TrialView:
    """One of the principal's own trials (of `scenario_id` when given), with its stored scorecard."""
    record = await _own_trial(repo, me, session_ref, scenario_id)
    persona = catalog.personas.get(record.scenario.persona)
    stored = await repo.latest_scorecard(record.id)
    card = Scorecard.model_validate(stored.effective) if stored is not None else None
    return TrialView(
        record.id,
        record.scenario,
        persona.name if persona else record.scenario.persona,
        record.language,
        record.status,
        list(record.turns),
        deadline_of(record),
        card,
    )


@dataclass(frozen=True)
class Said:
    """What a line brought: the persona's answer (None when the line was not taken: time was up),
    and whether the trial is over now (then `card` is its scorecard)."""

    answer: str | None
    ended: bool
    time_up: bool
    card: Scorecard | None


async def trial_turn(
    repo: AsyncRepository,
    me: Principal,
    rehearsal: Rehearsal,
    session_ref: str | int,
    text: str,
    scenario_id: str | None = None,
) -> Said:
    """The jury member's line in their trial, and the persona's answer. Refused: `empty_line`,
    `line_too_long` (`max`), `session_over` (the trial has ended). A line sent after the exam's
    time limit is not taken: the trial ends and is scored."""
    record = await _own_trial(repo, me, session_ref, scenario_id)
    line = text.strip()
    if not line:
        raise Refused("empty_line")
    if len(line) > MAX_LINE:
        raise Refused("line_too_long", max=MAX_LINE)
    if record.status != "active":
        raise Refused("session_over", ref=record.id)
    if _time_is_up(record):
        log.info("trial %s: exam time limit reached", record.id)
        return Said(None, True, True, await _conclude(rehearsal, record.id))
    try:
        reply = await rehearsal.turn(record.id, line)
    except SessionOver:
        raise Refused("session_over", ref=record.id) from None
    if reply.ended:
        return Said(reply.text, True, False, await _conclude(rehearsal, record.id))
    return Said(reply.text, False, False, None)


async def _conclude(rehearsal: Rehearsal, session_id: int) -> Scorecard:
    await rehearsal.finish(session_id)
    return await rehearsal.scorecard(session_id)


async def end_trial(
    repo: AsyncRepository,
    me: Principal,
    rehearsal: Rehearsal,
    session_ref: str | int,
    scenario_id: str | None = None,
) -> Scorecard:
    """End the principal's trial (if it is still going) and score it; a trial already scored answers
    its stored scorecard. Refused `session_over` for a trial that was abandoned."""
    record = await _own_trial(repo, me, session_ref, scenario_id)
    if record.status not in ("active", "finished"):
        raise Refused("session_over", ref=record.id)
    card = await _conclude(rehearsal, record.id)
    log.info("trial %s ended by jury member %s: %s/20", record.id, me.user_id, card.overall.score_20)
    return card
