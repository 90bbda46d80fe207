"""Topic words: does a sentence talk about this, whatever its wording?

A script lists topic words per language ("volume", "prévoir", "saison prochaine", "L441-10"). A word
matches a word of the sentence with the same stem: accents and case are ignored, common French and
English endings are dropped (volumes/volume, prévoyez/prévoir, forecasting/forecast), and a stem of at
least five letters also matches one up to two letters longer that starts with it (prévo/prévoy). A phrase matches when all its words
are in the sentence, in any order. Short function words are ignored. Deterministic, standard library.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "le la les un une des du de d l et ou en au aux a pour par sur avec dans vous nous je tu il elle on"
    " ce ces cet cette qu que qui quoi est sont the an and or of to in on at for with by you we i it is are"
    " be your our my me us".split()
)
_SUFFIXES = (
    "issements",
    "issement",
    "ements",
    "ement",
    "ations",
    "ation",
    "itions",
    "ition",
    "ions",
    "ion",
    "euses",
    "euse",
    "eurs",
    "eur",
    "ables",
    "able",
    "ances",
    "ance",
    "ences",
    "ence",
    "ites",
    "ite",
    "aient",
    "ais",
    "ait",
    "ees",
    "ee",
    "es",
    "ez",
    "ons",
    "ent",
    "er",
    "ir",
    "ing",
    "ed",
    "ly",
    "s",
    "e",
)
_MIN_PREFIX = 5
_MAX_EXTRA = 2


def normalise(text: str) -> str:
    text = text.lower().replace("œ", "oe").replace("æ", "ae").replace("’", "'")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    if word.isdigit() or len(word) <= 4:
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def stems(text: str) -> tuple[str, ...]:
    """The stems of the content words of `text`, in order."""
    return tuple(stem(w) for w in _WORD.findall(normalise(text)) if w not in _STOP)


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return (
        len(short) >= _MIN_PREFIX
        and len(long_) - len(short) <= _MAX_EXTRA
        and long_.startswith(short)
        and not short.isdigit()
    )


@lru_cache(maxsize=4096)
def _topic(topic: str) -> tuple[str, ...]:
    return stems(topic)


def matches(text: str, topics: Iterable[str]) -> str | None:
    """The first topic of `topics` that `text` talks about, or None."""
    words = stems(text)
    if not words:
        return None
    for topic in topics:
        wanted = _topic(topic)
        if wanted and all(any(_same(w, have) for have in words) for w in wanted):
            return topic
    return None
