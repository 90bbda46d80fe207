"""The one service every transport calls: start a rehearsal, play a turn, finish.

State lives in the database, never in this process: each call reads the session, and the director's
state is rebuilt by replaying the candidate's stored turns. A candidate's turn is committed before
anything else happens (write-ahead), so nothing they said is lost if what follows fails.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from bot.catalog import Catalog
from feedback.judge import Judge
from feedback.scorecard import Scorecard
from feedback.scorer import SCORER_VERSION, ascore
from personas.actors import Actor, ConversationCue, Cue, ScriptedActor, speak
from personas.chat import TokenSink
from personas.model import Persona
from scenarios.director import Direction, Director
from scenarios.model import Lang, Scenario, Transcript, Turn
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
    ):
        self.repo = repo
        self.catalog = catalog
        self.actor_factory = actor_factory
        self.judge = judge

    async def start(
        self, user_id: int, scenario_id: str, language: Lang, *, mode: str = "text", engine: str = "scripted",
        assignment_id: int | None = None, scenario: Scenario | None = None, state: dict | None = None,
    ) -> Opening:
        """Open a session (for `assignment_id` when it answers one) and record the persona's first words.

        The script is the catalog's current version of `scenario_id`, or `scenario` when given (a jury
        member trying an unpublished upload); the session freezes it. `state`: the transport's own
        data, stored with the session in the same transaction (e.g. the update that opened it)."""
        if scenario is None:
            try:
                scenario = self.catalog.scenario(scenario_id)
            except KeyError as exc:
                raise RehearsalError(str(exc.args[0])) from None
        persona = self.catalog.persona_of(scenario)
        session_id = await self.repo.start_session(
            user_id, scenario, language, mode, engine, assignment_id=assignment_id, state=state
        )
        return Opening(session_id, scenario, persona, language, await self._open(session_id, scenario, language, engine))

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
        _, direction = Director(scenario, language).opening()
        spoken = await self._speak(scenario, persona, engine, Cue(direction, ""))
        await self.repo.add_turn(
            session_id, Turn(speaker="persona", text=spoken.text, lang=direction.language),
            engine=spoken.engine, fell_back=spoken.fell_back,
        )
        return spoken.text

    async def turn(self, session_id: int, text: str, *, on_token: TokenSink | None = None, **turn_meta) -> Reply:
        """Record the candidate's turn, then the persona's answer to it (streamed to `on_token` if given)."""
        record = await self.repo.session(session_id)
        if record.status != "active":
            raise SessionOver(f"session {session_id} is {record.status}")
        director = Director(record.scenario, record.language)
        state = director.replay(_candidate_texts(record))
        if state.ended:
            raise SessionOver(f"session {session_id} has ended")
        await self.repo.add_turn(
            session_id, Turn(speaker="candidate", text=text, lang=state.language, audio=turn_meta.pop("audio", None)),
            **turn_meta,
        )
        state, direction = director.step(state, text)
        return await self._answer(record, direction, text, record.turns, on_token)

    async def resume(self, session_id: int) -> Reply | None:
        """Answer the candidate's last turn if a crash left it unanswered; None when nothing is owed."""
        record = await self.repo.session(session_id)
        if record.status != "active" or not record.turns or record.turns[-1].speaker != "candidate":
            return None
        director = Director(record.scenario, record.language)
        texts = _candidate_texts(record)
        state = director.replay(texts[:-1])
        state, direction = director.step(state, texts[-1])
        return await self._answer(record, direction, texts[-1], record.turns[:-1])

    async def finish(self, session_id: int, status: str = "finished") -> Transcript:
        record = await self.repo.session(session_id)
        if record.status == "active":
            await self.repo.finish_session(session_id, status)
        return await self.repo.transcript(session_id)

    async def scorecard(self, session_id: int) -> Scorecard:
        """The session's scorecard: the stored one (a trainer's amendment wins), else scored and stored now."""
        stored = await self.repo.latest_scorecard(session_id)
        if stored is not None:
            return Scorecard.model_validate(stored.effective)
        record = await self.repo.session(session_id)
        card = await ascore(record.transcript(), record.scenario, self.judge)
        await self.repo.save_scorecard(session_id, card, SCORER_VERSION)
        log.info("session %s scored: %s/20", session_id, card.overall.score_20)
        return card

    async def _answer(
        self,
        record: SessionRecord,
        direction: Direction,
        text: str,
        history: list[Turn],
        on_token: TokenSink | None = None,
    ) -> Reply:
        """The persona's reply to `text`, given the conversation stored before it."""
        persona = self.catalog.persona_of(record.scenario)
        cue = ConversationCue(direction, text, tuple(history))
        spoken = await self._speak(record.scenario, persona, record.engine, cue, on_token)
        await self.repo.add_turn(
            record.id, Turn(speaker="persona", text=spoken.text, lang=direction.language),
            engine=spoken.engine, fell_back=spoken.fell_back,
        )
        if direction.ended:
            await self.repo.finish_session(record.id, "finished")
        return Reply(record.id, spoken.text, direction.language, direction.ended, spoken.engine, spoken.fell_back)

    async def _speak(
        self, scenario: Scenario, persona: Persona, engine: str, cue: Cue, on_token: TokenSink | None = None
    ):
        return await speak(self.actor_factory(scenario, persona, engine), cue, on_token)


def _candidate_texts(record: SessionRecord) -> list[str]:
    return [t.text for t in record.turns if t.speaker == "candidate"]
