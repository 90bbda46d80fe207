"""What the persona has heard so far: the director's dialogue state, serialisable (pydantic / JSON).

Each objection has a status (raised, answered, pre-empted, conceded, escalated); each offer the candidate
made is kept with the term it is about and how it compares with the persona's demand (met, close, below)
and the candidate's mandate; the sentences the persona has said are kept as short keys so that none is
said twice in a session. `TurnContext` is the part of it the free-speaking persona is told each turn.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from scenarios.model import Unit
from scenarios.topics import normalise


class ObjectionStatus(StrEnum):
    raised = "raised"  # said, waiting for an answer
    answered = "answered"  # answered after it was raised
    preempted = "preempted"  # answered before it was raised
    conceded = "conceded"  # the candidate simply gave in
    escalated = "escalated"  # left unanswered: the persona escalated and moved on


CLOSED = frozenset(
    {ObjectionStatus.answered, ObjectionStatus.preempted, ObjectionStatus.conceded, ObjectionStatus.escalated}
)
SETTLED = frozenset({ObjectionStatus.answered, ObjectionStatus.preempted})


class ObjectionRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: ObjectionStatus
    turn: int  # the candidate turn of the last change
    raised: bool = False  # the persona has said it (or acknowledged it was pre-empted)
    presses: int = 0  # times the persona pressed it


class Verdict(StrEnum):
    met = "met"  # reaches the persona's demand
    close = "close"  # reaches what it settles for, not the demand
    below = "below"  # short of it


class Offer(BaseModel):
    model_config = ConfigDict(frozen=True)

    term: str
    value: float
    unit: Unit
    conditional: bool
    turn: int
    verdict: Verdict
    beyond_mandate: bool = False
    sentence: str = ""  # the candidate's sentence (for the jury)


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])[\"»”)]*\s+")
_PUNCT = re.compile(r"[^\w%€]+")


def sentences(line: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_SPLIT.split(line.strip()) if s.strip()]


MIN_WORDS = 3
"""Sentences shorter than this ("OK.", "Bien.", "Go on.") are interjections: they are not tracked one by
one, but a line made only of them is tracked as a whole (so "Continuez." is not said twice either)."""


def sentence_key(sentence: str) -> str:
    """A short, stable key of a sentence, blind to case, accents, spaces and punctuation."""
    norm = _PUNCT.sub(" ", normalise(sentence)).strip()
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:10]


def tracked(sentence: str) -> bool:
    return len(_PUNCT.sub(" ", sentence).split()) >= MIN_WORDS


def line_keys(parts: list[str]) -> list[str]:
    """The keys that say whether these sentences were said: each sentence that counts, or the whole line
    when it is made only of interjections."""
    keys = [sentence_key(p) for p in parts if tracked(p)]
    return keys or ([sentence_key(" ".join(parts))] if parts else [])


@dataclass(frozen=True)
class TurnContext:
    """The dialogue state as the free-speaking persona is told it (English, short statements)."""

    heard: tuple[str, ...] = ()  # what the candidate just did, as the director understood it
    act: str = ""  # what the persona does now, in one phrase
    settled: tuple[str, ...] = ()  # objections answered or pre-empted: never raise them again as unanswered
    open: tuple[str, ...] = ()  # objection still pending
    offers: tuple[str, ...] = ()  # the offers on the table against the persona's demand
