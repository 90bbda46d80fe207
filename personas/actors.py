"""Who speaks the persona's lines.

`ScriptedActor` says the authored lines of the director's beats: the variant the director chose (it
keeps the sentences already said in its state, so none is said twice), or, for a beat built without
one, a variant chosen with a stable hash of the script version, the turn and the candidate's words.
The same script and the same inputs always give the same transcript; different inputs hear different
variants.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from scenarios.director import Direction
from scenarios.model import Scenario


@dataclass(frozen=True)
class Cue:
    """Everything an actor may use to speak one reply."""

    direction: Direction
    candidate_text: str  # the turn being answered ("" for the opening)


@dataclass(frozen=True)
class Spoken:
    text: str
    engine: str
    fell_back: bool = False


class Actor(Protocol):
    async def speak(self, cue: Cue) -> Spoken: ...


class ScriptedActor:
    engine = "scripted"

    def __init__(self, scenario: Scenario):
        self.scenario = scenario

    def line(self, cue: Cue) -> str:
        """The authored reply for this cue (also the fallback of free-speaking actors)."""
        parts = []
        for beat in cue.direction.beats:
            if beat.line is not None:  # chosen by the director (never a sentence said before)
                parts.append(beat.line.strip())
                continue
            key = "|".join(
                (
                    self.scenario.id,
                    str(self.scenario.version),
                    str(cue.direction.turn),
                    beat.kind.value,
                    beat.ref,
                    _normalise(cue.candidate_text),
                )
            )
            index = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % len(beat.lines)
            parts.append(beat.lines[index].strip())
        return " ".join(parts)

    async def speak(self, cue: Cue) -> Spoken:
        return Spoken(self.line(cue), self.engine)


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


# --- the free-speaking actor -------------------------------------------------------------------------

import asyncio  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402

from personas.chat import ChatError, ChatModel, ChatReply, TokenSink  # noqa: E402
from personas.guard import Guard, Verdict  # noqa: E402
from personas.model import Persona  # noqa: E402
from personas.prompt import Prompt, PromptOptions, build_prompt  # noqa: E402
from personas.reply_size import char_budget, overlong_token, too_long  # noqa: E402
from scenarios.model import Turn  # noqa: E402

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConversationCue(Cue):
    """A cue with the conversation so far (free-speaking actors use it; scripted ones ignore it)."""

    history: tuple[Turn, ...] = ()


class LlmActor:
    """Same stage directions as the scripted actor, free wording; the director stays the source of truth.

    Each reply is checked by `personas.guard.Guard` sentence by sentence, and against the size
    limits of `personas.reply_size` (reading stops as soon as a reply is over its character budget);
    a refused draft is regenerated once, then the scripted line is said instead. On timeout, server
    failure, an empty or refused reply, the scripted line is said too, and `Spoken.fell_back` records
    it. With `on_token`, accepted sentences are streamed as they come; the concatenation of what was
    streamed is always exactly `Spoken.text`.
    """

    engine = "llm"
    streams = True

    def __init__(
        self,
        scenario: Scenario,
        persona: Persona,
        chat: ChatModel,
        *,
        options: PromptOptions = PromptOptions(),
        turn_deadline: float = 30.0,
        regenerations: int = 1,
        on_token: TokenSink | None = None,
    ):
        self.scenario = scenario
        self.persona = persona
        self.chat = chat
        self.options = options
        self.turn_deadline = turn_deadline
        self.regenerations = regenerations
        self.on_token = on_token
        self.scripted = ScriptedActor(scenario)

    async def speak(self, cue: Cue, on_token: TokenSink | None = None) -> Spoken:
        sink = on_token or self.on_token
        said = _Said(sink)
        history = tuple(getattr(cue, "history", ()))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.turn_deadline
        reasons: tuple[str, ...] = ()
        try:
            async with asyncio.timeout_at(deadline):
                for _attempt in range(1 + self.regenerations):
                    prompt = build_prompt(
                        self.scenario,
                        self.persona,
                        cue.direction,
                        cue.candidate_text,
                        history,
                        options=self.options,
                        rejected=reasons,
                    )
                    guard = Guard.for_turn(
                        self.scenario,
                        self.persona,
                        cue.direction,
                        cue.candidate_text,
                        history,
                        prompt.private,
                    )
                    verdict = await self._attempt(prompt, guard, said, deadline)
                    if verdict.ok:
                        return Spoken(said.text, self.engine)
                    reasons = verdict.reasons
                    log.info("persona reply rejected (turn %s): %s", cue.direction.turn, "; ".join(reasons))
                    if said.text:
                        break  # part of it is already out: finish with the scripted line
            reason = "rejected by the guard: " + "; ".join(reasons)
        except TimeoutError:
            reason = f"turn deadline of {self.turn_deadline:g}s"
        except ChatError as exc:
            reason = f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # failure never reaches the candidate
            log.exception("persona actor failed")
            reason = f"{type(exc).__name__}: {exc}"
        return self._fall_back(cue, said, reason)

    async def _attempt(self, prompt: Prompt, guard: Guard, said: _Said, deadline: float) -> Verdict:
        draft = _Draft(
            guard,
            said,
            max_words=int(self.options.reply_words * 1.5),
            max_chars=char_budget(self.options.reply_words),
            speaker=self.persona.name,
        )
        try:
            if said.sink is not None:
                reply = await self.chat(
                    prompt.messages, max_tokens=prompt.max_tokens, on_token=draft.feed, deadline=deadline
                )
            else:
                reply = await self.chat(prompt.messages, max_tokens=prompt.max_tokens, deadline=deadline)
                if not reply.refused:
                    draft.feed(reply.text)
            if reply.refused:
                return Verdict(False, ("it refused to answer instead of speaking as your character",))
            draft.finish(reply)
        except _Stop:
            pass
        if draft.verdict.ok:
            draft.commit()
        return draft.verdict

    def _fall_back(self, cue: Cue, said: _Said, reason: str) -> Spoken:
        line = self.scripted.line(cue)
        said.emit(line)
        log.warning(
            "persona %s, scenario %s, turn %s: fell back to the scripted line (%s)",
            self.persona.id,
            self.scenario.id,
            cue.direction.turn,
            reason,
        )
        return Spoken(said.text, self.engine, fell_back=True)


async def speak(actor: Actor, cue: Cue, on_token: TokenSink | None = None) -> Spoken:
    """Let any actor speak; `on_token` (if given) receives exactly the text of the reply, streamed when
    the actor can, in one piece otherwise."""
    if on_token is None:
        return await actor.speak(cue)
    if getattr(actor, "streams", False):
        return await actor.speak(cue, on_token=on_token)  # type: ignore[call-arg]
    spoken = await actor.speak(cue)
    on_token(spoken.text)
    return spoken


class _Stop(Exception):
    """Stops reading a reply (a sentence was refused, or the reply is long enough)."""


class _Said:
    """What the candidate has been sent so far in this turn."""

    def __init__(self, sink: TokenSink | None):
        self.sink = sink
        self.text = ""

    def emit(self, sentence: str) -> None:
        piece = f" {sentence}" if self.text else sentence
        self.text += piece
        if self.sink is not None:
            self.sink(piece)


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"»”)]*\s+|\n+")
_STAGE_BUSINESS = re.compile(r"\*[^*]{1,80}\*|^\([^)]{1,80}\)\s*")
_QUOTES = '"«»“”'


class _Draft:
    """One attempt's reply, cut into sentences, each checked before it is said.

    Streaming: accepted sentences go out at once. Not streaming: they are held and go out together
    once the whole reply is accepted (`commit`), so a refused draft is never seen.

    Size: the reply stops at a sentence end once it has `max_words` words or `max_chars` characters
    (what was accepted stands); a first sentence over `max_chars`, or a token no one can say
    (`reply_size.overlong_token`), refuses the draft. Reading stops as soon as the text waiting for a
    sentence end passes `max_chars`, or everything fed twice that, so a reply is never read much
    further than its budget.
    """

    def __init__(self, guard: Guard, said: _Said, max_words: int, max_chars: int, speaker: str):
        names = "|".join(re.escape(n) for n in dict.fromkeys((speaker, speaker.split()[0])))
        self.label = re.compile(rf"^\s*[*_]*(?:{names})[*_]*\s*:[*_]*\s*", re.IGNORECASE)
        self.guard = guard
        self.said = said
        self.streaming = said.sink is not None
        self.max_words = max_words
        self.max_chars = max_chars
        self.fed = 0  # characters received, whatever they were
        self.buffer = ""
        self.accepted: list[str] = []
        self.verdict = Verdict(True)
        self.first = True

    def feed(self, chunk: str) -> None:
        self.buffer += chunk
        self.fed += len(chunk)
        while True:
            match = _SENTENCE_END.search(self.buffer)
            if match is None:
                break
            sentence, self.buffer = self.buffer[: match.start()], self.buffer[match.end() :]
            self._take(sentence)
        if len(self.buffer) > self.max_chars or self.fed > 2 * self.max_chars:
            self._overflow()

    def _overflow(self) -> None:
        """Over budget with no sentence end in sight: stop reading; keep what was accepted, unless
        what is left holds a token no one can say."""
        reason = overlong_token(self.buffer)
        if reason is None and self.accepted:
            raise _Stop  # long enough
        self.verdict = Verdict(False, (reason or too_long(max(len(self.buffer), self.fed), self.max_chars),))
        raise _Stop

    def finish(self, reply: ChatReply) -> None:
        tail, self.buffer = self.buffer, ""
        if reply.finish_reason == "length" and self.accepted:
            tail = ""  # cut mid-sentence: drop the unfinished sentence
        self._take(tail, last=True)
        if not self.accepted:
            self.verdict = Verdict(False, ("it was empty",))

    def commit(self) -> None:
        if not self.streaming:
            for sentence in self.accepted:
                self.said.emit(sentence)

    def _take(self, sentence: str, last: bool = False) -> None:
        sentence = self._clean(sentence, last)
        if not sentence:
            return
        words = sum(len(s.split()) for s in self.accepted)
        if self.accepted and words + len(sentence.split()) > self.max_words:
            raise _Stop  # long enough
        unsayable = overlong_token(sentence)
        if unsayable is not None:
            self.verdict = Verdict(False, (unsayable,))
            raise _Stop
        chars = sum(len(s) + 1 for s in self.accepted) + len(sentence)
        if chars > self.max_chars:
            if self.accepted:
                raise _Stop  # long enough
            self.verdict = Verdict(False, (too_long(chars, self.max_chars),))
            raise _Stop
        before = [self.said.text] if self.streaming else self.accepted
        text = " ".join([*(t for t in before if t), sentence])
        verdict = self.guard.check(text)
        if not verdict.ok:
            self.verdict = verdict
            raise _Stop
        self.accepted.append(sentence)
        if self.streaming:
            self.said.emit(sentence)

    def _clean(self, sentence: str, last: bool) -> str:
        sentence = " ".join(sentence.split())
        if self.first and sentence:
            sentence = self.label.sub("", sentence, count=1).lstrip(_QUOTES + " ")
            self.first = False
        sentence = _STAGE_BUSINESS.sub("", sentence).strip()
        if last:
            sentence = sentence.rstrip(_QUOTES + " ")
        return sentence
