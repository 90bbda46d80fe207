"""The one service every transport calls: start a rehearsal, play a turn, finish.

State lives in the database, never in this process: each call reads the session (or is handed the
record its caller just read), and the director's state is stored with the session, in the same
transaction as the persona's turn that follows it (`Repository.add_turn(director_state=...)`), so a
turn advances it by the new turn only. A stored state of another format (`DIRECTOR_STATE_FORMAT`),
one that does not match the stored turns, or none (a session older than this) is rebuilt by
replaying the candidate's turns: replay stays the recovery and migration path. A candidate's turn is
committed before anything else happens (write-ahead), so nothing they said is lost if what follows
fails. Scoring runs where `scorer` says (a process pool in the bot: `bot.scoring`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from bot.catalog import Catalog
from bot.core.sessions import NotFound, SessionSummary, SessionView
from bot.scoring import InlineScorer, Scorer
from feedback.judge import Judge
from feedback.scorecard import Scorecard
from feedback.scorer import SCORER_VERSION
from personas.actors import Actor, ConversationCue, Cue, ScriptedActor, speak
from personas.chat import TokenSink
from personas.model import Persona
from scenarios.director import Direction, Director, DirectorState
from scenarios.model import Lang, Scenario, Transcript, Turn
from storage.records import SessionMode, SessionStatus
from storage.repository import AsyncRepository, SessionRecord

log = logging.getLogger(__name__)

ActorFactory = Callable[[Scenario, Persona, str], Actor]


class RehearsalError(Exception):
    """A request the session cannot take (unknown scenario, session already over…)."""


class SessionOver(RehearsalError):
    pass


@dataclass(frozen=True)
class Opening:
    session_id: int
    scenario: Scenario
    persona: Persona
    language: Lang
    text: str  # the persona's first words


@dataclass(frozen=True)
class Reply:
    session_id: int
    text: str
    language: Lang
    ended: bool
    engine: str
    fell_back: bool


def scripted_actor(scenario: Scenario, persona: Persona, engine: str) -> Actor:
    return ScriptedActor(scenario)


class Rehearsal:
    def __init__(
        self,
        repo: AsyncRepository,
        catalog: Catalog,
        actor_factory: ActorFactory = scripted_actor,
        judge: Judge | None = None,
        scorer: Scorer | None = None,
    ):
        self.repo = repo
        self.catalog = catalog
        self.actor_factory = actor_factory
        self.judge = judge
        self.scorer: Scorer = scorer or InlineScorer()
        # Set by a queue worker that does not take the `scoring` queue (`bot.queue.handoff`): the
        # session is scored by a scoring job; None back (nobody took it) means score it here.
        self.score_elsewhere: Callable[[int], Awaitable[Scorecard | None]] | None = None

    async def start(
        self,
        user_id: int,
        scenario_id: str,
        language: Lang,
        *,
        mode: SessionMode = "text",
        engine: str = "scripted",
        assignment_id: int | None = None,
        scenario: Scenario | None = None,
        state: dict | None = None,
    ) -> Opening:
        """Open a session (for `assignment_id` when it answers one) and record the persona's first words.

        The script is the catalog's current version of `scenario_id`, or `scenario` when given (a jury
        member trying an unpublished upload); the session freezes it. `state`: the transport's own
        data, stored with the session in the same transaction (e.g. the update that opened it)."""
        if scenario is None:
            scenario = self.script(scenario_id)
        persona = self.catalog.persona_of(scenario)
        session_id = await self.repo.start_session(
            user_id, scenario, language, mode, engine, assignment_id=assignment_id, state=state
        )
        return Opening(
            session_id, scenario, persona, language, await self._open(session_id, scenario, language, engine)
        )

    def script(self, scenario_id: str) -> Scenario:
        """The catalog's current version of `scenario_id` (RehearsalError naming the known ones if none)."""
        try:
            return self.catalog.scenario(scenario_id)
        except KeyError as exc:
            raise RehearsalError(str(exc.args[0])) from None

    async def reopen(self, session_id: int) -> Opening:
        """The opening of a session already started (a start interrupted before its first words were
        sent): the stored first words, or, if a crash came before they were stored, said now."""
        record = await self.repo.session(session_id)
        persona = self.catalog.persona_of(record.scenario)
        if record.turns and record.turns[0].speaker == "persona":
            text = record.turns[0].text
        else:
            text = await self._open(session_id, record.scenario, record.language, record.engine)
        return Opening(session_id, record.scenario, persona, record.language, text)

    async def _open(self, session_id: int, scenario: Scenario, language: Lang, engine: str) -> str:
        persona = self.catalog.persona_of(scenario)
        state, direction = director_for(scenario, language).opening()
        spoken = await self._speak(scenario, persona, engine, Cue(direction, ""))
        await self.repo.add_turn(
            session_id,
            Turn(speaker="persona", text=spoken.text, lang=direction.language),
            engine=spoken.engine,
            fell_back=spoken.fell_back,
            director_state=stored_state(state, 1),
        )
        return spoken.text

    async def turn(
        self, session: int | SessionRecord, text: str, *, on_token: TokenSink | None = None, **turn_meta: Any
    ) -> Reply:
        """Record the candidate's turn, then the persona's answer to it (streamed to `on_token` if given).

        `session`: its id, or the record the caller has just read (not read again; it may hold only
        the last turns, see `TURN_PATH_TURNS`)."""
        record = (
            session
            if isinstance(session, SessionRecord)
            else await self.repo.session(session, last_turns=TURN_PATH_TURNS)
        )
        if record.status != "active":
            raise SessionOver(f"session {record.id} is {record.status}")
        director = director_for(record.scenario, record.language)
        record, state = await self._state(director, record, record.next_turn_number - 1)
        if state.ended:
            raise SessionOver(f"session {record.id} has ended")
        number = await self.repo.add_turn(
            record.id,
            Turn(speaker="candidate", text=text, lang=state.language, audio=turn_meta.pop("audio", None)),
            **turn_meta,
        )
        if number != record.next_turn_number:  # the record was not the latest: answer from what is stored
            log.info("session %s: turns were added since it was read; reading it again", record.id)
            owed = await self._answer_last(await self.repo.session(record.id), on_token)
            assert owed is not None
            return owed
        state, direction = director.step(state, text)
        return await self._answer(record, state, direction, text, number + 1, on_token)

    async def resume(self, session: int | SessionRecord) -> Reply | None:
        """Answer the candidate's last turn if a crash left it unanswered; None when nothing is owed."""
        record = (
            session
            if isinstance(session, SessionRecord)
            else await self.repo.session(session, last_turns=TURN_PATH_TURNS)
        )
        return await self._answer_last(record)

    async def _answer_last(self, record: SessionRecord, on_token: TokenSink | None = None) -> Reply | None:
        if record.status != "active" or not record.turns or record.turns[-1].speaker != "candidate":
            return None
        director = director_for(record.scenario, record.language)
        last = record.next_turn_number - 1
        record, state = await self._state(director, record, last - 1)
        text = record.turns[-1].text
        state, direction = director.step(state, text)
        return await self._answer(record, state, direction, text, last + 1, on_token)

    async def _state(
        self, director: Director, record: SessionRecord, upto: int
    ) -> tuple[SessionRecord, DirectorState]:
        """The director's state after the turns numbered up to `upto`, with the record to answer from:
        read again in full when it holds only the last turns and they do not suffice (no usable stored
        state), or when the actor may read the whole conversation (any engine but the scripted one)."""
        if not record.complete and record.engine != "scripted":
            record = await self.repo.session(record.id)
        state = director_state(director, record, upto)
        if state is None:
            record = await self.repo.session(record.id)
            state = director_state(director, record, upto)
            assert state is not None
        return record, state

    # --- the reads and settings around a turn (what a door shows, or decides on) -------------------

    async def session(self, session_id: int, *, last_turns: int | None = None) -> SessionView:
        """A session as stored (only its last `last_turns` turns when given); `NotFound` if none."""
        return await self.repo.session(session_id, last_turns=last_turns)

    async def own_session(self, user_id: int, session_id: int) -> SessionView | None:
        """One of this person's sessions; None when there is no such session or it is someone else's."""
        try:
            record = await self.repo.session(session_id)
        except NotFound:
            return None
        return record if record.user_id == user_id else None

    async def active_session(self, user_id: int, *, last_turns: int | None = None) -> SessionView | None:
        """The session this person is playing (only its last `last_turns` turns when given), if any."""
        return await self.repo.active_session(user_id, last_turns=last_turns)

    async def sessions_of(self, user_id: int) -> list[SessionSummary]:
        """This person's sessions, oldest first (index + 1 is the number shown to them)."""
        return await self.repo.sessions_for_user(user_id)

    async def released(self, session_id: int) -> bool:
        """False for a mock-exam session whose scorecard no trainer has confirmed or amended yet: its
        report is held back from the candidate until then (a jury member's trial is not held back).
        The same rule as the personal-data export's (`Repository.scorecard_released`)."""
        return await self.repo.scorecard_released(session_id)

    async def set_state(self, session_id: int, state: dict[str, Any]) -> None:
        """Replace the transport's own data stored with the session (its chat, its preferences)."""
        await self.repo.set_session_state(session_id, state)

    async def active_states(self) -> list[tuple[int, int, dict[str, Any]]]:
        """(session id, user id, transport state) of every session in progress (the exam clock)."""
        return await self.repo.active_session_states()

    async def finish(self, session_id: int, status: SessionStatus = "finished") -> Transcript:
        """Close the session (if still active); its transcript."""
        return (await self.close(session_id, status)).transcript()

    async def close(self, session_id: int, status: SessionStatus = "finished") -> SessionView:
        """Close the session (if still active); the session as read just before (every turn), to be
        scored without reading it again (`scorecard(record=...)`)."""
        record = await self.repo.session(session_id)
        if record.status == "active":
            await self.repo.finish_session(session_id, status)
        return record

    async def scorecard(self, session_id: int, *, record: SessionView | None = None) -> Scorecard:
        """The session's scorecard: the stored one (a trainer's amendment wins), else scored and stored now
        (from `record`, the finished session's turns, when the caller has just read them)."""
        stored = await self.repo.latest_scorecard(session_id)
        if stored is not None:
            return Scorecard.model_validate(stored.effective)
        if self.score_elsewhere is not None:
            card = await self.score_elsewhere(session_id)
            if card is not None:
                return card
        if record is None or record.id != session_id or not record.complete:
            record = await self.repo.session(session_id)
        card = await self.scorer.score(record.transcript(), record.scenario, self.judge)
        await self.repo.save_scorecard(session_id, card, SCORER_VERSION)
        log.info("session %s scored: %s/20", session_id, card.overall.score_20)
        return card

    async def _answer(
        self,
        record: SessionRecord,
        state: DirectorState,
        direction: Direction,
        text: str,
        number: int,
        on_token: TokenSink | None = None,
    ) -> Reply:
        """The persona's reply to `text`, given the conversation stored before it (the record's turns
        before `text`), stored as turn `number` with the director's `state` after it (one transaction)."""
        persona = self.catalog.persona_of(record.scenario)
        history = [t for i, t in enumerate(record.turns) if record.first_turn + i < number - 1]
        cue = ConversationCue(direction, text, tuple(history))
        spoken = await self._speak(record.scenario, persona, record.engine, cue, on_token)
        await self.repo.add_turn(
            record.id,
            Turn(speaker="persona", text=spoken.text, lang=direction.language),
            engine=spoken.engine,
            fell_back=spoken.fell_back,
            director_state=stored_state(state, number),
        )
        if direction.ended:
            await self.repo.finish_session(record.id, "finished")
        return Reply(
            record.id, spoken.text, direction.language, direction.ended, spoken.engine, spoken.fell_back
        )

    async def _speak(
        self, scenario: Scenario, persona: Persona, engine: str, cue: Cue, on_token: TokenSink | None = None
    ):
        return await speak(self.actor_factory(scenario, persona, engine), cue, on_token)


# --- the director's state, stored and advanced ---------------------------------------------------------

DIRECTOR_STATE_FORMAT = 1
"""The format of the stored state: change it when `DirectorState` changes meaning, so that sessions
stored before are replayed (a state of another format is never read)."""

TURN_PATH_TURNS = 4
"""How many of a session's last turns a turn reads (the stored state follows the last persona turn,
so one or two suffice; more are read only when needed): a turn costs the same at turn 5 and 200."""


def stored_state(state: DirectorState, number: int) -> dict[str, Any]:
    """What the session stores of the director's state (JSON), with the turn `number` it is meant to be
    stored with: if another turn took that number meanwhile, the stored state is not used."""
    return {"format": DIRECTOR_STATE_FORMAT, "turn": number, "state": state.model_dump(mode="json")}


def director_state(director: Director, record: SessionRecord, upto: int) -> DirectorState | None:
    """The director's state after the turns numbered up to `upto`: the stored one, advanced by the
    candidate turns stored after it (none, usually); when there is no usable stored state (none, of
    another format, stored with another turn than it was meant for, not valid), rebuilt by replaying
    every candidate turn. None when that needs turns the record does not hold (read only the last)."""
    stored, at, first = record.director_state, record.director_turn, record.first_turn
    if (
        stored is not None
        and stored.get("format") == DIRECTOR_STATE_FORMAT
        and at is not None
        and stored.get("turn") == at
        and 0 < at <= upto
        and at >= first - 1
    ):
        try:
            state: DirectorState | None = DirectorState.model_validate(stored.get("state"))
        except ValidationError:
            state = None
        if state is not None:
            for turn in record.turns[at - first + 1 : upto - first + 1]:
                if turn.speaker == "candidate" and not state.ended:
                    state, _ = director.step(state, turn.text)
            return state
    if not record.complete:
        return None
    if stored is not None:
        log.warning("session %s: stored director state unusable; replaying the session", record.id)
    return director.replay([t.text for t in record.turns[:upto] if t.speaker == "candidate"])


_DIRECTORS_MAX = 64
_directors: dict[tuple[int, str], tuple[Scenario, Director]] = {}
_directors_lock = threading.Lock()


def director_for(scenario: Scenario, language: Lang) -> Director:
    """A director of this script (the very object: scripts are validated once per process and frozen)
    in this language; its patterns are compiled once, not on every turn."""
    key = (id(scenario), language)
    with _directors_lock:
        hit = _directors.get(key)
        if hit is not None and hit[0] is scenario:
            return hit[1]
    director = Director(scenario, language)
    with _directors_lock:
        if len(_directors) >= _DIRECTORS_MAX:
            _directors.pop(next(iter(_directors)))
        _directors[key] = (scenario, director)  # the scenario is kept: its id cannot be reused meanwhile
    return director
