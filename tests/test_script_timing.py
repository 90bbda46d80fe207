"""A script never tells the candidate they have more time than the exam gives (issue 19, item 12):
every duration in minutes said in a briefing or a persona's line fits the script's `duration_min`."""

from __future__ import annotations

import re

import pytest

from bot.catalog import load_catalog

NUMBER_WORDS = {
    "dix": 10,
    "quinze": 15,
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "une demi-heure": 30,
    "half an hour": 30,
    "une heure": 60,
    "an hour": 60,
}
MINUTES = re.compile(
    r"\b(\d+|" + "|".join(w for w in NUMBER_WORDS if " " not in w) + r")\s*(?:minutes?|min)\b", re.I
)
HOURS = re.compile(r"\b(une demi-heure|half an hour|une heure|an hour)\b", re.I)


# The time someone says they have ("j'ai", "vous disposez de", "we've got"…), not a cost per hour or
# a distance: the words just before the duration must say so.
AVAILABLE = re.compile(
    r"\b(ai|as|avez|avons|ont|disposez|disposons|dispose|reste|have|has|got|gives?)\b(\W+\w+){0,3}\W*$", re.I
)


def said_minutes(text: str) -> list[int]:
    """The durations, in minutes, a text says someone has."""
    found = []
    for pattern in (MINUTES, HOURS):
        for m in pattern.finditer(text):
            if AVAILABLE.search(text[max(0, m.start() - 40) : m.start()]):
                word = m.group(1).lower()
                found.append(int(word) if word.isdigit() else NUMBER_WORDS[word])
    return found


def test_the_reader_reads_the_time_someone_has() -> None:
    assert said_minutes("J'ai quarante minutes. Vous disposez de 5 min.") == [40, 5]
    assert said_minutes("I have half an hour") == [30]
    assert said_minutes("Vous savez ce que coûte une heure d'onduleuse à l'arrêt ?") == []
    assert said_minutes("a technician 45 minutes away") == []


@pytest.mark.parametrize(
    "scenario", sorted(load_catalog().scenarios.values(), key=lambda s: s.id), ids=lambda s: s.id
)
def test_no_line_promises_more_time_than_the_exam_gives(scenario) -> None:
    texts = [scenario.briefing.fr, scenario.briefing.en]
    for stage in scenario.stages:
        for beat in stage.model_dump(mode="json").values():
            texts.extend(_strings(beat))
    too_long = [(m, text[:80]) for text in texts for m in said_minutes(text) if m > scenario.duration_min]
    assert not too_long, f"{scenario.id} lasts {scenario.duration_min} min: {too_long}"


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []
