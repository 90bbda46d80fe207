"""The director: which stage, objection and hidden fact come next, from what the candidate does.

Deterministic and pure: `step(state, text)` returns a new state and the `Direction` for the persona's
reply. The state is small and serialisable, and can always be rebuilt by replaying the candidate's
turns (`replay`), so a session never depends on a process's memory. The rules are documented for
jury members in docs/writing-scenarios.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from scenarios.model import Lang, Objection, Scenario, Stage
from scenarios.moves import Move, detect_moves

QUESTION_MOVES = frozenset({Move.open_question, Move.closed_question})


class BeatKind(StrEnum):
    stage = "stage"  # entering a stage
    objection = "objection"  # raising an objection
    resolved = "resolved"  # the objection was answered
    unresolved = "unresolved"  # it was not
    fact = "fact"  # a hidden fact is revealed
    follow_up = "follow_up"  # nothing specific to say
    closing = "closing"  # the scenario ends


@dataclass(frozen=True)
class Beat:
    """One thing the persona does in its reply; `lines` are the authored variants."""

    kind: BeatKind
    ref: str
    lines: tuple[str, ...]
    direction: str | None = None


@dataclass(frozen=True)
class Direction:
    """What the persona must do this turn, in which language."""

    language: Lang
    stage_id: str
    beats: tuple[Beat, ...]
    moves: frozenset[Move]
    revealed: tuple[str, ...]
    ended: bool
    turn: int  # the number of candidate turns so far


class DirectorState(BaseModel):
    model_config = ConfigDict(frozen=True)

    language: Lang
    stage: int = 0
    turns: int = 0
    turns_in_stage: int = 0
    pending: str | None = None
    attempts: int = 0
    raised: tuple[str, ...] = ()
    resolved: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()
    revealed: tuple[str, ...] = ()
    stage_moves: tuple[Move, ...] = ()
    ended: bool = False
    moves_seen: dict[str, int] = Field(default_factory=dict)


class Director:
    def __init__(self, scenario: Scenario, language: Lang):
        self.scenario = scenario
        self.language = language
        self._patterns = {
            fact.id: [re.compile(p, re.IGNORECASE) for lang in ("fr", "en") for p in fact.asked_by.get(lang)]
            for fact in scenario.hidden_brief.facts
        }

    # --- public API ------------------------------------------------------------------------

    def opening(self) -> tuple[DirectorState, Direction]:
        stage = self.scenario.stages[0]
        state = DirectorState(language=self.language)
        return state, self._direction(state, [self._stage_beat(stage, state.language)], frozenset())

    def step(self, state: DirectorState, text: str) -> tuple[DirectorState, Direction]:
        """Advance on one candidate turn."""
        if state.ended:
            raise ValueError("the scenario has ended")
        moves = frozenset(detect_moves(text, state.language))
        stage = self.scenario.stages[state.stage]
        beats: list[Beat] = []
        s = state.model_copy(
            update={
                "turns": state.turns + 1,
                "turns_in_stage": state.turns_in_stage + 1,
                "stage_moves": tuple(dict.fromkeys((*state.stage_moves, *sorted(moves)))),
                "moves_seen": _count(state.moves_seen, moves),
            }
        )
        lang = s.language

        if s.pending is not None:
            objection = _objection(stage, s.pending)
            if moves & set(objection.resolved_by):
                beats.append(Beat(BeatKind.resolved, objection.id, tuple(objection.when_resolved.get(lang))))
                s = s.model_copy(update={"pending": None, "attempts": 0, "resolved": (*s.resolved, objection.id)})
            else:
                attempts = s.attempts + 1
                beats.append(
                    Beat(BeatKind.unresolved, objection.id, tuple(objection.when_unresolved.get(lang)), _text(objection.direction, lang))
                )
                if attempts >= objection.max_attempts:
                    s = s.model_copy(update={"pending": None, "attempts": 0, "unresolved": (*s.unresolved, objection.id)})
                else:
                    s = s.model_copy(update={"attempts": attempts})

        if moves & QUESTION_MOVES:
            for fact in self.scenario.hidden_brief.facts:
                if fact.id in s.revealed or not self._fact_available(fact.from_stage, s.stage):
                    continue
                if any(p.search(text) for p in self._patterns[fact.id]):
                    beats.append(Beat(BeatKind.fact, fact.id, tuple(fact.reveal.get(lang))))
                    s = s.model_copy(update={"revealed": (*s.revealed, fact.id)})

        if s.turns >= self.scenario.max_turns:
            return self._close(s, beats, moves)
        if s.pending is None and self._stage_over(stage, s):
            if s.stage + 1 >= len(self.scenario.stages):
                return self._close(s, beats, moves)
            nxt = self.scenario.stages[s.stage + 1]
            s = s.model_copy(
                update={
                    "stage": s.stage + 1,
                    "turns_in_stage": 0,
                    "stage_moves": (),
                    "language": nxt.switch_language or s.language,
                }
            )
            beats.append(self._stage_beat(nxt, s.language))
            return s, self._direction(s, beats, moves)

        if s.pending is None:
            objection = self._next_objection(stage, s)
            if objection is not None:
                beats.append(Beat(BeatKind.objection, objection.id, tuple(objection.says.get(lang)), _text(objection.direction, lang)))
                s = s.model_copy(update={"pending": objection.id, "attempts": 0, "raised": (*s.raised, objection.id)})
        if not beats:
            beats.append(Beat(BeatKind.follow_up, stage.id, tuple(stage.follow_ups.get(lang)), _text(stage.direction, lang)))
        return s, self._direction(s, beats, moves)

    def replay(self, candidate_texts: list[str]) -> DirectorState:
        """The state after these candidate turns (the same as stepping through them)."""
        state, _ = self.opening()
        for text in candidate_texts:
            if state.ended:
                break
            state, _ = self.step(state, text)
        return state

    # --- rules ------------------------------------------------------------------------------

    def _fact_available(self, from_stage: str | None, stage_index: int) -> bool:
        return from_stage is None or self.scenario.stage_index(from_stage) <= stage_index

    def _next_objection(self, stage: Stage, s: DirectorState) -> Objection | None:
        for objection in stage.objections:
            if objection.id not in s.raised:
                return objection if s.turns_in_stage >= objection.after_turns else None
        return None

    def _stage_over(self, stage: Stage, s: DirectorState) -> bool:
        end = stage.ends_when
        if end.max_turns is not None and s.turns_in_stage >= end.max_turns:
            return True
        if s.turns_in_stage < end.min_turns:
            return False
        if any(o.id not in s.raised for o in stage.objections):
            return False
        return bool(set(end.moves_any) & set(s.stage_moves))

    def _close(self, s: DirectorState, beats: list[Beat], moves: frozenset[Move]) -> tuple[DirectorState, Direction]:
        if s.pending is not None:
            s = s.model_copy(update={"pending": None, "unresolved": (*s.unresolved, s.pending)})
        s = s.model_copy(update={"ended": True})
        beats.append(Beat(BeatKind.closing, self.scenario.id, tuple(self.scenario.closing.get(s.language))))
        return s, self._direction(s, beats, moves)

    def _stage_beat(self, stage: Stage, lang: Lang) -> Beat:
        return Beat(BeatKind.stage, stage.id, tuple(stage.says.get(lang)), _text(stage.direction, lang))

    def _direction(self, s: DirectorState, beats: list[Beat], moves: frozenset[Move]) -> Direction:
        return Direction(
            language=s.language,
            stage_id=self.scenario.stages[s.stage].id,
            beats=tuple(beats),
            moves=moves,
            revealed=s.revealed,
            ended=s.ended,
            turn=s.turns,
        )


def _objection(stage: Stage, objection_id: str) -> Objection:
    return next(o for o in stage.objections if o.id == objection_id)


def _text(value, lang: Lang) -> str | None:
    return value.get(lang) if value is not None else None


def _count(seen: dict[str, int], moves: frozenset[Move]) -> dict[str, int]:
    out = dict(seen)
    for move in moves:
        out[move.value] = out.get(move.value, 0) + 1
    return out
