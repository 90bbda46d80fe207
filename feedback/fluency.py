"""Fluency measures of one spoken turn, from its word timings (pure Python, no audio needed).

Definitions (temporal measures of L2 fluency, after de Jong et al. and Kormos & Dénes):

- the turn's *span* runs from the first word's start to the last word's end; recording slack before
  and after the speech is not counted;
- a *pause* is a silent gap of at least `pause_threshold_s` (250 ms) between two words;
- *filled pauses* ("euh", "heu", "um", "uh", "erm", "hum", ...) are counted apart and left out of
  the word count (they are phonation, so their time is speaking time, and they do not end a run);
- speech rate = words per minute over the span; articulation rate = words per minute over the span
  less its pauses; mean length of run = words between two pauses, averaged over the runs;
- response latency is passed through when the caller knows it (time from the prompt's end to the
  candidate's first word).

Nothing here infers emotion, stress or personality from the voice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, Field

PAUSE_THRESHOLD_S = 0.25

FILLED_PAUSES = frozenset({"euh", "heu", "um", "uh", "erm", "hum", "uhm", "hm", "euhm"})
"""Hesitation sounds, French and English, after lower-casing and collapsing repeated letters."""

_NON_LETTERS = re.compile(r"[^\w']+", re.UNICODE)
_REPEATS = re.compile(r"(\w)\1+", re.UNICODE)


class FluencyMeasures(BaseModel):
    """Temporal fluency of one turn; rates are `None` when the turn has no measurable span."""

    word_count: int = Field(description="Words, filled pauses excluded.")
    span_s: float = Field(description="First word's start to last word's end, in seconds.")
    speaking_time_s: float = Field(description="Span less the pauses, in seconds.")
    speech_rate_wpm: float | None = Field(None, description="Words per minute over the span.")
    articulation_rate_wpm: float | None = Field(
        None, description="Words per minute over the speaking time (pauses excluded)."
    )
    pause_count: int = Field(0, description="Silent gaps of at least the pause threshold.")
    mean_pause_s: float | None = Field(None, description="Mean pause length; None without pauses.")
    total_pause_s: float = 0.0
    mean_run_words: float | None = Field(None, description="Mean number of words between pauses.")
    filled_pause_count: int = 0
    filled_pauses_per_100_words: float | None = None
    response_latency_s: float | None = Field(None, description="Given by the caller, when known.")
    pause_threshold_s: float = PAUSE_THRESHOLD_S


def _field(word: Mapping[str, Any] | Any, name: str) -> Any:
    return word[name] if isinstance(word, Mapping) else getattr(word, name)


def is_filled_pause(token: str) -> bool:
    """Whether `token` is a hesitation sound such as "euh", "Um," or "ummm"."""
    cleaned = _NON_LETTERS.sub("", token.lower())
    return bool(cleaned) and (cleaned in FILLED_PAUSES or _REPEATS.sub(r"\1", cleaned) in FILLED_PAUSES)


def fluency_measures(
    words: Iterable[Mapping[str, Any] | Any],
    *,
    response_latency_s: float | None = None,
    pause_threshold_s: float = PAUSE_THRESHOLD_S,
) -> FluencyMeasures:
    """Measure a turn from its words: mappings `{"w", "start", "end"}` or objects with those
    attributes (seconds). Words are taken in order of start time; overlaps count as no gap."""
    timed: list[tuple[str, float, float]] = []
    for word in words:
        text = str(_field(word, "w")).strip()
        start, end = float(_field(word, "start")), float(_field(word, "end"))
        if text:
            timed.append((text, start, max(start, end)))
    timed.sort(key=lambda item: item[1])
    latency = None if response_latency_s is None else round(max(0.0, response_latency_s), 3)
    if not timed:
        return FluencyMeasures(
            word_count=0,
            span_s=0.0,
            speaking_time_s=0.0,
            response_latency_s=latency,
            pause_threshold_s=pause_threshold_s,
        )

    filled = [is_filled_pause(text) for text, _, _ in timed]
    word_count = len(timed) - sum(filled)
    pauses: list[float] = []
    runs: list[int] = [0]
    last_end = timed[0][2]
    for (_text, start, end), is_filler in zip(timed, filled, strict=True):
        gap = start - last_end
        if gap >= pause_threshold_s:
            pauses.append(gap)
            runs.append(0)
        if not is_filler:
            runs[-1] += 1
        last_end = max(last_end, end)
    span = last_end - timed[0][1]
    total_pause = sum(pauses)
    speaking = max(0.0, span - total_pause)
    runs = [r for r in runs if r > 0]

    def per_minute(seconds: float) -> float | None:
        return round(word_count * 60.0 / seconds, 1) if seconds > 0 else None

    return FluencyMeasures(
        word_count=word_count,
        span_s=round(span, 3),
        speaking_time_s=round(speaking, 3),
        speech_rate_wpm=per_minute(span),
        articulation_rate_wpm=per_minute(speaking),
        pause_count=len(pauses),
        mean_pause_s=round(total_pause / len(pauses), 3) if pauses else None,
        total_pause_s=round(total_pause, 3),
        mean_run_words=round(sum(runs) / len(runs), 2) if runs else None,
        filled_pause_count=sum(filled),
        filled_pauses_per_100_words=round(100.0 * sum(filled) / word_count, 1) if word_count else None,
        response_latency_s=latency,
        pause_threshold_s=pause_threshold_s,
    )
