"""The director: what the persona does next, from what the candidate just said, then from the script.

Deterministic and pure: `step(state, text)` returns a new state and the `Direction` for the persona's
reply. The state (`DirectorState`) is a small pydantic model, serialisable to JSON, and can always be
rebuilt by replaying the candidate's turns (`replay`), so a session never depends on a process's memory.

Each turn, the director first reacts to the candidate's turn, with one stance:
- offers: figures the candidate offers on a negotiated term (`hidden_brief.terms`) are compared with
  the persona's demand: met (taken, or a push for a counterpart), close (a counterpart is asked) or
  below (countered with the demand); an offer beyond the candidate's mandate is remembered;
- the pending objection: answered (by one of its moves or `answered_by` words), conceded, pressed in
  other words (a reaction to what the candidate did when the script has one), or escalated and left;
- questions asking for a hidden fact, in whatever words (`asked_by`, `topics`): the fact when the
  script allows it, or a reason not to (`withheld`). A question answered this way is not a dodge;
- a participant the candidate addresses joins; the persona answers in the candidate's language when
  the script says so (`follows_language`), until a stage switches language.
Then the script moves on: the stage ends, or the next objection is raised (or acknowledged, when the
candidate pre-empted it), or a follow-up is said. No sentence is said twice in a session: variants are
used in turn, and when a stage has nothing new to say it ends. The rules are documented for jury
members in docs/writing-scenarios.md.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from scenarios.dialogue_state import (
    CLOSED,
    SETTLED,
    ObjectionRecord,
    ObjectionStatus,
    Offer,
    TurnContext,
    Verdict,
    line_keys,
    sentence_key,
    sentences,
    tracked,
)
from scenarios.model import HiddenFact, Lang, Lines, Objection, Scenario, Stage, Term
from scenarios.moves import Move, detect, turn_language
from scenarios.offers import format_figure, offered_figures
from scenarios.topics import matches, normalise

QUESTION_MOVES = frozenset({Move.open_question, Move.closed_question})


class BeatKind(StrEnum):
    stage = "stage"  # entering a stage
    objection = "objection"  # raising an objection
    resolved = "resolved"  # the objection was answered
    unresolved = "unresolved"  # it was not: the persona presses
    fact = "fact"  # a hidden fact is revealed
    follow_up = "follow_up"  # nothing specific to say
    closing = "closing"  # the scenario ends
    preempted = "preempted"  # the objection it would raise was already answered
    conceded = "conceded"  # the candidate gave in on the objection
    escalated = "escalated"  # left unanswered: the persona escalates and moves on
    offer = "offer"  # an offer heard (met, close or below the demand)
    withheld = "withheld"  # a fact asked for too early: a reason not to answer yet
    reaction = "reaction"  # a reply to what the candidate did (a stage's or objection's `reactions`)
    joins = "joins"  # a participant the candidate addressed joins


@dataclass(frozen=True)
class Beat:
    """One thing the persona does in its reply; `lines` are the authored variants, `line` the one chosen."""

    kind: BeatKind
    ref: str
    lines: tuple[str, ...]
    direction: str | None = None
    line: str | None = None  # the variant the director chose (none of its sentences said before)


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
    context: TurnContext = field(default_factory=TurnContext)


class DirectorState(BaseModel):
    model_config = ConfigDict(frozen=True)

    language: Lang
    stage: int = 0
    turns: int = 0
    turns_in_stage: int = 0
    pending: str | None = None
    attempts: int = 0
    raised: tuple[str, ...] = ()
    resolved: tuple[str, ...] = ()  # answered or pre-empted
    unresolved: tuple[str, ...] = ()  # escalated or conceded
    revealed: tuple[str, ...] = ()
    stage_moves: tuple[Move, ...] = ()
    ended: bool = False
    moves_seen: dict[str, int] = Field(default_factory=dict)
    # the dialogue state
    objections: dict[str, ObjectionRecord] = Field(default_factory=dict)
    offers: tuple[Offer, ...] = ()
    withheld: tuple[str, ...] = ()  # facts already refused for now
    participants: tuple[str, ...] = ()  # participants who joined early
    locked: bool = False  # a stage switched the language: it no longer follows the candidate
    said: tuple[str, ...] = ()  # keys of the sentences the persona has said

    @property
    def beyond_mandate(self) -> tuple[Offer, ...]:
        """Offers the candidate made beyond their mandate (for the jury)."""
        return tuple(o for o in self.offers if o.beyond_mandate)

    def status(self, objection_id: str) -> ObjectionStatus | None:
        record = self.objections.get(objection_id)
        return record.status if record else None


@dataclass
class _Turn:
    """What the director works out about one candidate turn."""

    text: str
    moves: frozenset[Move]
    questions: tuple[str, ...]
    offers: list[tuple[Term, float, bool, Verdict]]
    heard: list[str] = field(default_factory=list)
    acts: list[str] = field(default_factory=list)  # what the persona does, in reply order

    def act(self, text: str) -> None:
        if text not in self.acts:
            self.acts.append(text)


class Director:
    def __init__(self, scenario: Scenario, language: Lang):
        self.scenario = scenario
        self.language = language
        self._patterns = {
            fact.id: [re.compile(p, re.IGNORECASE) for lang in ("fr", "en") for p in fact.asked_by.get(lang)]
            for fact in scenario.hidden_brief.facts
        }
        self._addressed = {
            p.id: [re.compile(x, re.IGNORECASE) for lang in ("fr", "en") for x in p.addressed_by.get(lang)]
            for p in scenario.participants
        }
        self._objections = {o.id: (i, o) for i, st in enumerate(scenario.stages) for o in st.objections}

    # --- public API ------------------------------------------------------------------------

    def opening(self) -> tuple[DirectorState, Direction]:
        stage = self.scenario.stages[0]
        state = DirectorState(language=self.language)
        beat, state = self._stage_beat(state, stage, "")
        return state, self._direction(state, [beat], frozenset(), None)

    def step(self, state: DirectorState, text: str) -> tuple[DirectorState, Direction]:
        """Advance on one candidate turn: react to it, then move the script on."""
        if state.ended:
            raise ValueError("the scenario has ended")
        hits = detect(text, state.language)
        moves = frozenset(h.move for h in hits)
        stage = self.scenario.stages[state.stage]
        s = state.model_copy(
            update={
                "turns": state.turns + 1,
                "turns_in_stage": state.turns_in_stage + 1,
                "stage_moves": tuple(dict.fromkeys((*state.stage_moves, *sorted(moves)))),
                "moves_seen": _count(state.moves_seen, moves),
            }
        )
        turn = _Turn(
            text=text,
            moves=moves,
            questions=tuple(dict.fromkeys(h.sentence for h in hits if h.move in QUESTION_MOVES)),
            offers=[],
        )
        beats: list[Beat] = []

        s = self._follow_language(s, text)
        s = self._join(s, turn, beats)
        s = self._hear_offers(s, turn)
        s, facts = self._answer_questions(s, turn)
        s = self._react(s, stage, turn, beats, facts)
        beats.extend(facts)
        s = self._preempt(s, turn)

        if s.turns >= self.scenario.max_turns:
            return self._close(s, beats, turn)
        if s.pending is None and self._stage_over(stage, s):
            return self._next_stage(s, beats, turn)

        if s.pending is None:
            s = self._raise_next(s, stage, turn, beats)
        if not beats:
            s = self._follow_up(s, stage, turn, beats)
            if not beats:  # nothing new to say in this stage: move on
                return self._next_stage(s, beats, turn)
        return s, self._direction(s, beats, moves, turn)

    def replay(self, candidate_texts: list[str]) -> DirectorState:
        """The state after these candidate turns (the same as stepping through them)."""
        state, _ = self.opening()
        for text in candidate_texts:
            if state.ended:
                break
            state, _ = self.step(state, text)
        return state

    # --- listening -----------------------------------------------------------------------------

    def _follow_language(self, s: DirectorState, text: str) -> DirectorState:
        if not self.scenario.follows_language or s.locked:
            return s
        lang = turn_language(text, s.language)
        return s if lang == s.language else s.model_copy(update={"language": lang})

    def _join(self, s: DirectorState, turn: _Turn, beats: list[Beat]) -> DirectorState:
        """A participant the candidate addresses before the script brings them in joins now."""
        for p in self.scenario.participants:
            if p.id in s.participants or self.scenario.stage_index(p.joins_in) <= s.stage:
                continue
            if any(x.search(turn.text) for x in self._addressed[p.id]):
                s = s.model_copy(
                    update={"participants": (*s.participants, p.id), "language": p.language, "locked": True}
                )
                beat, s = self._beat(s, BeatKind.joins, p.id, p.joins, turn)
                if beat is not None:
                    beats.append(beat)
                turn.heard.append(f"The candidate addressed {p.name}, who joins the meeting now.")
                turn.act(f"let {p.name} join and carry on in {'English' if p.language == 'en' else 'French'}")
        return s

    def _hear_offers(self, s: DirectorState, turn: _Turn) -> DirectorState:
        terms = self.scenario.hidden_brief.terms
        if not terms:
            return s
        new: list[Offer] = []
        for sentence in offered_figures(turn.text):
            for figure in sentence.figures:
                term = self._term_for(s, figure.unit, figure.context, sentence.text, sentence.offer_clause)
                if term is None:
                    continue
                if sentence.elliptic and not (
                    any(o.term == term.id for o in (*s.offers, *new)) or term.objection == s.pending
                ):
                    continue  # a bare figure is an offer only as a follow-on of one, or against the demand
                verdict = _verdict(term, figure.value)
                beyond = term.mandate is not None and _better(term, figure.value, term.mandate)
                new.append(
                    Offer(
                        term=term.id,
                        value=figure.value,
                        unit=figure.unit,
                        conditional=sentence.conditional,
                        turn=s.turns,
                        verdict=verdict,
                        beyond_mandate=beyond,
                        sentence=sentence.text,
                    )
                )
                turn.offers.append((term, figure.value, sentence.conditional, verdict))
                turn.offers.sort(key=lambda o: _RANK[o[3]])  # the best offer of the turn is the one answered
                label = term.label.get("en")
                turn.heard.append(
                    f"The candidate offered {format_figure(figure.value, figure.unit, 'en')} ({label})"
                    f"{', conditionally' if sentence.conditional else ''}: {_VERDICT_TEXT[verdict]}."
                )
        return s.model_copy(update={"offers": (*s.offers, *new)}) if new else s

    def _term_for(
        self, s: DirectorState, unit, context: str, sentence: str, offer_clause: str
    ) -> Term | None:
        """The term a figure is about: by the words around it, else the term being discussed. A term not
        heard yet claims the figure only when the offer itself names it: the words of its condition ("si vous
        signez sur trois ans") are what the other side gives, not what is offered."""
        lang_topics = lambda t: (*t.about.get("fr"), *t.about.get("en"))  # noqa: E731
        usable = [
            t
            for t in self.scenario.hidden_brief.terms
            if t.unit is unit
            and (t.from_stage is None or self.scenario.stage_index(t.from_stage) <= s.stage)
            and (
                t.not_about is None or not matches(sentence, (*t.not_about.get("fr"), *t.not_about.get("en")))
            )
        ]
        about = [t for t in usable if matches(context, lang_topics(t))]
        if about:
            return about[0]
        if any(
            matches(offer_clause, lang_topics(t)) for t in self.scenario.hidden_brief.terms if t not in usable
        ):
            return None  # the sentence is about another term (not heard yet)
        pending = [t for t in usable if t.objection is not None and t.objection == s.pending]
        if pending:
            return pending[0]
        ids = {t.id for t in usable}
        last = next((o.term for o in reversed(s.offers) if o.unit is unit and o.term in ids), None)
        if last is not None:
            return next(
                t for t in usable if t.id == last
            )  # "and I can even go to 15%": the term last offered on
        stage = self.scenario.stages[s.stage]
        current = [
            t
            for t in usable
            if (t.objection is None and t.from_stage == stage.id)
            or (t.objection in {o.id for o in stage.objections} and s.status(t.objection) is None)
        ]
        return current[0] if len(current) == 1 else None

    def _answer_questions(self, s: DirectorState, turn: _Turn) -> tuple[DirectorState, list[Beat]]:
        beats: list[Beat] = []
        if not (turn.moves & QUESTION_MOVES):
            return s, beats
        for fact in self.scenario.hidden_brief.facts:
            if fact.id in s.revealed or not self._asks_for(fact, turn):
                continue
            if self._fact_available(fact.from_stage, s):
                beat, s = self._beat(s, BeatKind.fact, fact.id, fact.reveal, turn)
                s = s.model_copy(update={"revealed": (*s.revealed, fact.id)})
                turn.heard.append("The candidate asked the right question: you disclose a fact now.")
                turn.act("disclose the fact the candidate asked for")
                if beat is not None:
                    beats.append(beat)
            elif fact.withheld is not None and fact.id not in s.withheld and not beats:
                beat, s = self._beat(s, BeatKind.withheld, fact.id, fact.withheld, turn)
                s = s.model_copy(update={"withheld": (*s.withheld, fact.id)})
                turn.heard.append("The candidate asked about something you will only discuss later.")
                turn.act("say briefly that this will come later, without disclosing it")
                if beat is not None:
                    beats.append(beat)
        return s, beats

    def _asks_for(self, fact: HiddenFact, turn: _Turn) -> bool:
        if any(p.search(turn.text) for p in self._patterns[fact.id]):
            return True
        if fact.topics is None or not turn.questions:
            return False
        words = (*fact.topics.get("fr"), *fact.topics.get("en"))
        return any(matches(q, words) for q in turn.questions)

    def _answers(self, objection: Objection, turn: _Turn) -> bool:
        if turn.moves & set(objection.resolved_by):
            return True
        if objection.answered_by is not None:
            words = (*objection.answered_by.get("fr"), *objection.answered_by.get("en"))
            return matches(turn.text, words) is not None
        return False

    # --- the stance of the reply ------------------------------------------------------------------

    def _react(
        self, s: DirectorState, stage: Stage, turn: _Turn, beats: list[Beat], facts: list[Beat]
    ) -> DirectorState:
        """One reaction to the turn: the pending objection first, else an offer on the table."""
        if s.pending is not None:
            return self._react_pending(s, turn, beats, facts)
        if turn.offers:
            term, value, _, verdict = turn.offers[0]
            s = self._offer_beat(s, term, value, verdict, turn, beats)
        return s

    def _react_pending(
        self, s: DirectorState, turn: _Turn, beats: list[Beat], facts: list[Beat]
    ) -> DirectorState:
        _, objection = self._objections[s.pending]  # type: ignore[index]
        linked = [o for o in turn.offers if o[0].objection == objection.id]
        offer = linked[0] if linked else None
        lang = s.language
        if offer is not None and offer[3] is Verdict.met:
            term, value, conditional, verdict = offer
            s = self._offer_beat(s, term, value, verdict, turn, beats)
            status = ObjectionStatus.answered if conditional else ObjectionStatus.conceded
            return self._close_objection(s, objection.id, status)
        if offer is None and turn.offers and turn.offers[0][3] is Verdict.below:
            term, value, _, verdict = turn.offers[
                0
            ]  # an offer on another term, short of the demand: countered
            return self._offer_beat(s, term, value, verdict, turn, beats)
        if self._answers(objection, turn):
            beat, s = self._beat(s, BeatKind.resolved, objection.id, objection.when_resolved, turn)
            if beat is None and objection.when_preempted is not None:
                beat, s = self._beat(s, BeatKind.resolved, objection.id, objection.when_preempted, turn)
            if beat is not None:
                beats.append(beat)
            turn.heard.append(f"The candidate answered your objection ({_gist(objection, lang)}).")
            turn.act("acknowledge the answer soberly, in character")
            return self._close_objection(s, objection.id, ObjectionStatus.answered)
        if offer is not None and offer[3] is Verdict.close:
            term, value, _, verdict = offer
            s = self._offer_beat(s, term, value, verdict, turn, beats)
            return self._pressed(s, objection)
        if Move.unconditional_concession in turn.moves and objection.when_conceded is not None:
            beat, s = self._beat(s, BeatKind.conceded, objection.id, objection.when_conceded, turn)
            if beat is not None:
                beats.append(beat)
            turn.heard.append("The candidate gave in without asking anything in return.")
            turn.act("pocket the concession, in character")
            return self._close_objection(s, objection.id, ObjectionStatus.conceded)
        if offer is not None:  # below the demand: countered with it
            term, value, _, verdict = offer
            s = self._offer_beat(s, term, value, verdict, turn, beats)
            return self._pressed(s, objection)
        if turn.offers:  # an offer on another term: heard; the objection waits
            term, value, _, verdict = turn.offers[0]
            return self._offer_beat(s, term, value, verdict, turn, beats)
        if any(
            b.kind is BeatKind.fact for b in facts
        ):  # a question answered is not a dodge: the objection waits
            turn.act("disclose the fact; your objection still stands, but do not press it in this reply")
            return s
        if facts:  # asked too early: the reason not to answer is this turn's pushback
            return self._pressed(s, objection)
        turn.heard.append(f"The candidate did not answer your objection ({_gist(objection, lang)}).")
        s = s.model_copy(update={"attempts": s.attempts + 1})
        record = s.objections[objection.id]
        s = self._set(
            s, objection.id, record.model_copy(update={"presses": record.presses + 1, "turn": s.turns})
        )
        if s.attempts < objection.max_attempts:
            reaction = next((r for r in objection.reactions if turn.moves & set(r.to)), None)
            beat = None
            if reaction is not None:
                beat, s = self._beat(
                    s, BeatKind.reaction, objection.id, reaction.says, turn, objection.direction
                )
            if beat is None:
                beat, s = self._beat(
                    s, BeatKind.unresolved, objection.id, objection.when_unresolved, turn, objection.direction
                )
            if beat is not None:
                beats.append(beat)
                turn.act("press the objection again, in other words than before")
                return s
        # max attempts reached, or nothing new to press with: escalate and move on
        if objection.when_escalated is not None:
            beat, s = self._beat(
                s, BeatKind.escalated, objection.id, objection.when_escalated, turn, objection.direction
            )
        else:
            beat, s = self._beat(
                s, BeatKind.unresolved, objection.id, objection.when_unresolved, turn, objection.direction
            )
        if beat is not None:
            beats.append(beat)
        turn.act("say you remain unconvinced, then move on (do not press this objection again)")
        return self._close_objection(s, objection.id, ObjectionStatus.escalated)

    def _pressed(self, s: DirectorState, objection: Objection) -> DirectorState:
        """An offer that does not answer the objection is countered; it counts as one attempt."""
        s = s.model_copy(update={"attempts": s.attempts + 1})
        record = s.objections[objection.id]
        s = self._set(
            s, objection.id, record.model_copy(update={"presses": record.presses + 1, "turn": s.turns})
        )
        if s.attempts >= objection.max_attempts:
            return self._close_objection(s, objection.id, ObjectionStatus.escalated)
        return s

    def _offer_beat(
        self, s: DirectorState, term: Term, value: float, verdict: Verdict, turn: _Turn, beats: list[Beat]
    ) -> DirectorState:
        lines = {
            Verdict.met: term.when_met,
            Verdict.close: term.when_close or term.when_below,
            Verdict.below: term.when_below,
        }[verdict]
        values = {
            "offer": {lg: format_figure(value, term.unit, lg) for lg in ("fr", "en")},
            "demand": {lg: format_figure(term.demand, term.unit, lg) for lg in ("fr", "en")},
        }
        beat, s = self._beat(s, BeatKind.offer, f"{term.id}:{verdict.value}", lines, turn, values=values)
        if (
            beat is None and verdict is not Verdict.met
        ):  # countered in every way already: say it once more, shortly
            beat, s = self._beat(
                s, BeatKind.offer, f"{term.id}:{verdict.value}", term.when_below, turn, values=values
            )
        if beat is not None:
            beats.append(beat)
        turn.act(_OFFER_ACT[verdict])
        return s

    def _preempt(self, s: DirectorState, turn: _Turn) -> DirectorState:
        """An objection of this stage or a later one, answered before it is raised, is pre-empted; one whose
        term the candidate already met is pre-empted (a conditional offer) or conceded."""
        for term, _, conditional, verdict in turn.offers:
            if term.objection is not None and verdict is Verdict.met and s.status(term.objection) is None:
                status = ObjectionStatus.preempted if conditional else ObjectionStatus.conceded
                s = self._close_objection(s, term.objection, status, raised=False)
        for stage_index, objection in self._objections.values():
            if stage_index < s.stage or objection.topics is None or s.status(objection.id) is not None:
                continue
            words = (*objection.topics.get("fr"), *objection.topics.get("en"))
            if matches(turn.text, words) and self._answers(objection, turn):
                s = self._close_objection(s, objection.id, ObjectionStatus.preempted, raised=False)
                turn.heard.append(
                    f"The candidate answered in advance a point you meant to raise ({_gist(objection, s.language)})."
                )
        return s

    # --- the script moving on ---------------------------------------------------------------------

    def _raise_next(self, s: DirectorState, stage: Stage, turn: _Turn, beats: list[Beat]) -> DirectorState:
        for objection in stage.objections:
            if objection.id in s.raised:
                continue
            if s.turns_in_stage < objection.after_turns:
                return s
            status = s.status(objection.id)
            if status is None:
                beat, s = self._beat(
                    s, BeatKind.objection, objection.id, objection.says, turn, objection.direction
                )
                s = s.model_copy(
                    update={"pending": objection.id, "attempts": 0, "raised": (*s.raised, objection.id)}
                )
                s = self._set(
                    s, objection.id, ObjectionRecord(status=ObjectionStatus.raised, turn=s.turns, raised=True)
                )
                if beat is not None:
                    beats.append(beat)
                    turn.act("raise your objection")
                return s
            # settled before it was raised: acknowledged (pre-empted) or passed over (conceded)
            s = s.model_copy(update={"raised": (*s.raised, objection.id)})
            if status is ObjectionStatus.conceded and objection.when_conceded is not None:
                beat, s = self._beat(s, BeatKind.conceded, objection.id, objection.when_conceded, turn)
                if beat is not None:
                    beats.append(beat)
                    turn.act("pocket what the candidate already gave, in character")
                    return s
            if status is ObjectionStatus.preempted:
                lines = objection.when_preempted or objection.when_resolved
                beat, s = self._beat(s, BeatKind.preempted, objection.id, lines, turn)
                if beat is not None:
                    beats.append(beat)
                    turn.act("acknowledge that the candidate already answered the point you meant to raise")
                    return s
        return s

    def _follow_up(self, s: DirectorState, stage: Stage, turn: _Turn, beats: list[Beat]) -> DirectorState:
        reaction = next((r for r in stage.reactions if turn.moves & set(r.to)), None)
        if reaction is not None:
            beat, s = self._beat(s, BeatKind.reaction, stage.id, reaction.says, turn, stage.direction)
            if beat is not None:
                beats.append(beat)
                turn.act("react to what the candidate just did, then let them go on")
                return s
        beat, s = self._beat(s, BeatKind.follow_up, stage.id, stage.follow_ups, turn, stage.direction)
        if beat is not None:
            beats.append(beat)
            turn.act("react briefly to what the candidate said and let them go on")
        return s

    def _next_stage(
        self, s: DirectorState, beats: list[Beat], turn: _Turn
    ) -> tuple[DirectorState, Direction]:
        if s.pending is not None:
            s = self._close_objection(s, s.pending, ObjectionStatus.escalated)
        if s.stage + 1 >= len(self.scenario.stages):
            return self._close(s, beats, turn)
        nxt = self.scenario.stages[s.stage + 1]
        s = s.model_copy(update={"stage": s.stage + 1, "turns_in_stage": 0, "stage_moves": ()})
        if nxt.switch_language is not None:
            s = s.model_copy(update={"language": nxt.switch_language, "locked": True})
        held = [b for b in beats if b.kind is BeatKind.withheld]
        beat, s = self._stage_beat(s, nxt, turn.text)
        beats.append(beat)
        for b in held:  # asked just before its stage opened: answered now, once the stage is open
            fact = next(f for f in self.scenario.hidden_brief.facts if f.id == b.ref)
            if self._fact_available(fact.from_stage, s):
                reveal, s = self._beat(s, BeatKind.fact, fact.id, fact.reveal, turn)
                s = s.model_copy(update={"revealed": (*s.revealed, fact.id)})
                beats.remove(b)
                if reveal is not None:
                    beats.append(reveal)
        turn.act("move the meeting on to the next point")
        return s, self._direction(s, beats, turn.moves, turn)

    def _close(self, s: DirectorState, beats: list[Beat], turn: _Turn) -> tuple[DirectorState, Direction]:
        if s.pending is not None:
            s = self._close_objection(s, s.pending, ObjectionStatus.escalated)
        s = s.model_copy(update={"ended": True})
        beat, s = self._beat(s, BeatKind.closing, self.scenario.id, self.scenario.closing, turn)
        if beat is None:
            lines = tuple(self.scenario.closing.get(s.language))
            beat = Beat(BeatKind.closing, self.scenario.id, lines, line=lines[0])
        beats.append(beat)
        turn.act("end the meeting")
        return s, self._direction(s, beats, turn.moves, turn)

    # --- rules ------------------------------------------------------------------------------

    def _fact_available(self, from_stage: str | None, s: DirectorState) -> bool:
        """From its stage on, or once a participant the script brings in at that stage has joined."""
        if from_stage is None or self.scenario.stage_index(from_stage) <= s.stage:
            return True
        return any(p.joins_in == from_stage and p.id in s.participants for p in self.scenario.participants)

    def _stage_over(self, stage: Stage, s: DirectorState) -> bool:
        end = stage.ends_when
        if end.max_turns is not None and s.turns_in_stage >= end.max_turns:
            return True
        if s.turns_in_stage < end.min_turns:
            return False
        if any(o.id not in s.raised and s.status(o.id) not in CLOSED for o in stage.objections):
            return False
        return bool(set(end.moves_any) & set(s.stage_moves))

    def _close_objection(
        self, s: DirectorState, objection_id: str, status: ObjectionStatus, raised: bool = True
    ) -> DirectorState:
        record = s.objections.get(objection_id)
        update: dict = {}
        if s.pending == objection_id:
            update.update(pending=None, attempts=0)
        if status in SETTLED:
            update["resolved"] = (*s.resolved, objection_id)
        else:
            update["unresolved"] = (*s.unresolved, objection_id)
        s = s.model_copy(update=update)
        was_raised = record.raised if record is not None else False
        presses = record.presses if record is not None else 0
        return self._set(
            s,
            objection_id,
            ObjectionRecord(status=status, turn=s.turns, raised=was_raised or raised, presses=presses),
        )

    @staticmethod
    def _set(s: DirectorState, objection_id: str, record: ObjectionRecord) -> DirectorState:
        return s.model_copy(update={"objections": {**s.objections, objection_id: record}})

    def _stage_beat(self, s: DirectorState, stage: Stage, text: str) -> tuple[Beat, DirectorState]:
        lines: Lines = stage.says
        joined = [p for p in self.scenario.participants if p.joins_in == stage.id and p.id in s.participants]
        if joined and joined[0].stage_says is not None:
            lines = joined[0].stage_says
        elif (
            stage.says_when_settled is not None
            and stage.objections
            and all(s.status(o.id) in CLOSED for o in stage.objections)
        ):
            lines = stage.says_when_settled
        turn = _Turn(text=text, moves=frozenset(), questions=(), offers=[])
        beat, s = self._beat(s, BeatKind.stage, stage.id, lines, turn, stage.direction)
        if beat is None:  # a stage opens once: say its first line even if a sentence of it was said before
            variants = tuple(lines.get(s.language))
            beat = Beat(
                BeatKind.stage, stage.id, variants, _text(stage.direction, s.language), line=variants[0]
            )
        return beat, s

    # --- choosing what is said --------------------------------------------------------------------

    def _beat(
        self,
        s: DirectorState,
        kind: BeatKind,
        ref: str,
        lines: Lines,
        turn: _Turn,
        direction=None,
        values: dict[str, dict[str, str]] | None = None,
    ) -> tuple[Beat | None, DirectorState]:
        """A beat with a variant none of whose sentences was said before (else only its new sentences);
        None when every sentence of every variant has been said."""
        lang = s.language
        variants = tuple(_fill(line, values, lang) for line in lines.get(lang))
        key = "|".join(
            (
                self.scenario.id,
                str(self.scenario.version),
                str(s.turns),
                kind.value,
                ref,
                _normalise(turn.text),
            )
        )
        start = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % len(variants)
        said = set(s.said)
        order = [variants[(start + i) % len(variants)] for i in range(len(variants))]
        chosen: list[str] | None = None
        for line in order:  # a variant entirely new
            parts = sentences(line)
            if parts and not any(k in said for k in line_keys(parts)):
                chosen = parts
                break
        if chosen is None:
            for line in order:  # else the new sentences of a variant (interjections kept)
                parts = sentences(line)
                fresh = [p for p in parts if not tracked(p) or sentence_key(p) not in said]
                if any(tracked(p) for p in fresh):
                    chosen = fresh
                    break
        if chosen is None:
            return None, s
        s = s.model_copy(update={"said": (*s.said, *line_keys(chosen))})
        return Beat(kind, ref, variants, _text(direction, lang), line=" ".join(chosen)), s

    def _direction(
        self, s: DirectorState, beats: list[Beat], moves: frozenset[Move], turn: _Turn | None
    ) -> Direction:
        return Direction(
            language=s.language,
            stage_id=self.scenario.stages[s.stage].id,
            beats=tuple(beats),
            moves=moves,
            revealed=s.revealed,
            ended=s.ended,
            turn=s.turns,
            context=self._context(s, turn),
        )

    def _context(self, s: DirectorState, turn: _Turn | None) -> TurnContext:
        lang = s.language
        settled, open_ = [], []
        for objection_id, record in s.objections.items():
            _, objection = self._objections[objection_id]
            if record.status in SETTLED:
                settled.append(f"{_gist(objection, lang)} ({record.status.value})")
            elif record.status is ObjectionStatus.raised and not (
                record.turn == s.turns and record.presses == 0
            ):
                open_.append(f"{_gist(objection, lang)} (pressed {record.presses} time(s))")
        offers = []
        for term in self.scenario.hidden_brief.terms:
            made = [o for o in s.offers if o.term == term.id]
            if made:
                last = made[-1]
                offers.append(
                    f"{term.label.get('en')}: the candidate's latest offer is {format_figure(last.value, term.unit, 'en')}"
                    f"{' (conditional)' if last.conditional else ''}, {_VERDICT_TEXT[last.verdict]}"
                )
        act = "; then ".join(turn.acts) if turn else "open the meeting"
        if not act:
            act = "answer what the candidate just said, in character"
        return TurnContext(
            heard=tuple(turn.heard) if turn else (),
            act=act,
            settled=tuple(settled),
            open=tuple(open_),
            offers=tuple(offers),
        )


_RANK = {Verdict.met: 0, Verdict.close: 1, Verdict.below: 2}
_VERDICT_TEXT = {
    Verdict.met: "it meets your demand",
    Verdict.close: "acceptable with a counterpart, short of your demand",
    Verdict.below: "short of your demand",
}
_OFFER_ACT = {
    Verdict.met: "take the offer (you may push for a counterpart or more), in character",
    Verdict.close: "acknowledge the offer and ask what the candidate wants in return, or for a little more",
    Verdict.below: "say the offer is short of your demand and restate your demand",
}


def _verdict(term: Term, value: float) -> Verdict:
    if not _better(term, term.demand, value):  # value is at least as good as the demand
        return Verdict.met
    if term.accept is not None and not _better(term, term.accept, value):
        return Verdict.close
    return Verdict.below


def _better(term: Term, a: float, b: float) -> bool:
    """Whether `a` is strictly better than `b` for the persona."""
    return a > b if term.persona_wants == "more" else a < b


def _gist(objection: Objection, lang: Lang) -> str:
    first = sentences(objection.says.get(lang)[0].replace("«", '"').replace("»", '"'))
    text = " ".join(first[:2]) if first else objection.id
    return text if len(text) <= 160 else text[:157] + "..."


def _fill(line: str, values: dict[str, dict[str, str]] | None, lang: Lang) -> str:
    if not values:
        return line
    for name, by_lang in values.items():
        line = line.replace("{" + name + "}", by_lang[lang])
    return line


def _text(value, lang: Lang) -> str | None:
    return value.get(lang) if value is not None else None


def _normalise(text: str) -> str:
    return " ".join(normalise(text).split())


def _count(seen: dict[str, int], moves: frozenset[Move]) -> dict[str, int]:
    out = dict(seen)
    for move in moves:
        out[move.value] = out.get(move.value, 0) + 1
    return out


__all__ = ["Beat", "BeatKind", "Direction", "Director", "DirectorState"]
