"""feedback.fluency: temporal fluency measures on hand-built word timings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from feedback.fluency import FluencyMeasures, fluency_measures, is_filled_pause


def timeline(*items: tuple[str, float, float]) -> list[dict]:
    return [{"w": w, "start": s, "end": e} for w, s, e in items]


def test_fluent_turn_without_pauses():
    # 6 words, back to back, 0.4 s each: 2.4 s span, no pause
    words = timeline(
        *[(w, i * 0.4, i * 0.4 + 0.4) for i, w in enumerate("we can review the delivery terms".split())]
    )
    m = fluency_measures(words)
    assert m.word_count == 6
    assert m.span_s == pytest.approx(2.4)
    assert m.speech_rate_wpm == pytest.approx(150.0)
    assert m.articulation_rate_wpm == pytest.approx(150.0)
    assert m.pause_count == 0 and m.mean_pause_s is None and m.total_pause_s == 0
    assert m.mean_run_words == pytest.approx(6.0)
    assert m.filled_pause_count == 0 and m.filled_pauses_per_100_words == 0
    assert m.response_latency_s is None


def test_pauses_runs_and_rates():
    words = timeline(
        ("Bonjour", 0.0, 0.5),
        ("madame", 0.5, 1.0),
        # 1.0 s pause
        ("je", 2.0, 2.2),
        ("comprends", 2.2, 2.8),
        ("votre", 2.9, 3.1),  # 0.1 s gap: not a pause
        # 0.5 s pause
        ("position", 3.6, 4.0),
    )
    m = fluency_measures(words)
    assert m.word_count == 6
    assert m.span_s == pytest.approx(4.0)
    assert m.pause_count == 2
    assert m.total_pause_s == pytest.approx(1.5)
    assert m.mean_pause_s == pytest.approx(0.75)
    assert m.speaking_time_s == pytest.approx(2.5)
    assert m.speech_rate_wpm == pytest.approx(90.0)  # 6 words / 4 s
    assert m.articulation_rate_wpm == pytest.approx(144.0)  # 6 words / 2.5 s
    assert m.mean_run_words == pytest.approx(2.0)  # runs of 2, 3, 1


def test_threshold_is_inclusive_at_250_ms():
    words = timeline(("yes", 0.0, 0.3), ("indeed", 0.55, 0.9), ("right", 1.0, 1.3))
    m = fluency_measures(words)
    assert m.pause_count == 1 and m.mean_pause_s == pytest.approx(0.25)
    assert fluency_measures(words, pause_threshold_s=0.3).pause_count == 0


def test_filled_pauses_are_counted_apart():
    words = timeline(
        ("Euh,", 0.0, 0.4),
        ("we", 0.4, 0.6),
        ("could", 0.6, 0.9),
        ("um", 0.9, 1.2),
        ("offer", 1.2, 1.5),
        ("hmm", 2.0, 2.3),  # after a 0.5 s pause
        ("ten", 2.3, 2.6),
        ("percent", 2.6, 3.0),
    )
    m = fluency_measures(words)
    assert m.filled_pause_count == 3
    assert m.word_count == 5
    assert m.filled_pauses_per_100_words == pytest.approx(60.0)
    assert m.pause_count == 1
    assert m.speech_rate_wpm == pytest.approx(100.0)  # 5 words / 3 s
    assert m.mean_run_words == pytest.approx(2.5)  # "we could offer" | "ten percent"


@pytest.mark.parametrize("token", ["euh", "Euh…", "heu", "EUHHH", "um", "Umm,", "uh", "erm", "hum", "uhm"])
def test_filled_pause_forms(token: str):
    assert is_filled_pause(token)


@pytest.mark.parametrize("token", ["hello", "humble", "us", "eux", "heure", "", "..."])
def test_not_filled_pauses(token: str):
    assert not is_filled_pause(token)


def test_latency_unordered_words_and_objects():
    @dataclass
    class W:
        w: str
        start: float
        end: float

    words = [W("world", 0.6, 1.0), W("hello", 0.0, 0.5)]
    m = fluency_measures(words, response_latency_s=1.234)
    assert m.response_latency_s == pytest.approx(1.234)
    assert m.span_s == pytest.approx(1.0) and m.pause_count == 0
    assert fluency_measures(words, response_latency_s=-0.2).response_latency_s == 0.0


def test_empty_and_degenerate_turns():
    m = fluency_measures([], response_latency_s=2.0)
    assert m == FluencyMeasures(word_count=0, span_s=0.0, speaking_time_s=0.0, response_latency_s=2.0)
    assert m.speech_rate_wpm is None and m.mean_run_words is None
    one = fluency_measures(timeline(("ok", 1.0, 1.0)))
    assert one.word_count == 1 and one.speech_rate_wpm is None
    overlapping = fluency_measures(timeline(("a", 0.0, 1.0), ("b", 0.5, 0.8), ("c", 1.0, 1.5)))
    assert overlapping.pause_count == 0 and overlapping.span_s == pytest.approx(1.5)


def test_measures_serialise_for_the_turn_record():
    m = fluency_measures(timeline(("yes", 0.0, 0.4)))
    data = m.model_dump()
    assert {
        "speech_rate_wpm",
        "articulation_rate_wpm",
        "pause_count",
        "mean_pause_s",
        "mean_run_words",
        "filled_pause_count",
        "response_latency_s",
    } <= set(data)
    assert FluencyMeasures.model_validate(data) == m


def test_fluency_module_does_not_depend_on_bot():
    import ast

    import feedback.fluency as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not any(name == "bot" or name.startswith("bot.") for name in imported)
