"""Text to speech: a small `Synthesizer` interface and its providers; output is OGG/Opus bytes.

- `EspeakSynthesizer` (offline default): pyttsx3 with espeak-ng, run in ONE long-lived child process,
  one request at a time, each with a timeout. Why a process and not just a lock: pyttsx3 2.99 with
  espeak-ng proved fragile here. It crashes the process under concurrent calls; it can hang for ever in
  `runAndWait` (seen with a property change and no utterance); it returns from `runAndWait` before the
  WAV is written; it applies a new rate one utterance late; it swallows errors such as an unknown
  voice; it keeps espeak's state process-wide and prints to stdout. The child works around the races
  (waits for "finished-utterance", synchronises espeak after setting properties), and a crash or a
  hang costs one reply (the child is killed and started again on the next request), never the bot.
  It starts once (about 0.3 s), so a reply costs in-process synthesis plus a pipe round trip.
- `OpenAISpeechSynthesizer`: any OpenAI-compatible speech API; its audio is re-encoded the same way.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from bot.speech.audio import encode_ogg_opus

if TYPE_CHECKING:
    from openai import AsyncOpenAI

log = logging.getLogger(__name__)

DEFAULT_RATE = 170
"""Words per minute (the persona default)."""
DEFAULT_PITCH = 50
DEFAULT_VOICES = {"fr": "fr", "en": "en-gb"}
"""espeak-ng voice per language when the persona names none."""
MAX_TEXT_CHARS = 4000
WORKER_UTTERANCE_TIMEOUT = 300.0
"""Longest the child waits for one utterance (the parent's own timeout is usually shorter)."""


class SpeechSynthesisError(RuntimeError):
    """Synthesis failed: unknown voice, engine error, crash or timeout."""


class SpeechSynthesisTimeout(SpeechSynthesisError):
    """The engine took longer than allowed; it has been stopped."""


@runtime_checkable
class Synthesizer(Protocol):
    """Speaks a reply; returns OGG/Opus bytes (48 kHz mono) ready for Telegram's `sendVoice`.

    `voice`, `rate` (words per minute) and `pitch` (0-99) are the persona's voice settings for
    `language`; a provider ignores what it cannot honour.
    """

    async def synthesize(
        self,
        text: str,
        *,
        language: str,
        voice: str | None = None,
        rate: int | None = None,
        pitch: int | None = None,
    ) -> bytes:
        """Speak `text`."""
        ...


def _checked_text(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise ValueError("Nothing to say: the text is empty.")
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"Text too long to speak ({len(text)} characters, limit {MAX_TEXT_CHARS}).")
    return text


# --- espeak-ng through pyttsx3, in a child process --------------------------------------------------


@dataclass(frozen=True)
class EspeakVoice:
    """One installed espeak-ng voice: `id` like `roa/fr`, `name` like `French (France)`."""

    id: str
    name: str
    languages: tuple[str, ...]


def resolve_voice(voices: list[EspeakVoice], language: str, voice: str | None = None) -> str:
    """The espeak-ng voice id for a persona voice name (`fr`, `en-gb`, `en-us`, `roa/fr`, `French
    (France)`) or, without one, for `language`. Raises `SpeechSynthesisError` when none matches."""
    wanted = (voice or DEFAULT_VOICES.get(language, language)).strip().lower()
    checks = (
        lambda v: v.id == wanted,
        lambda v: v.id.rsplit("/", 1)[-1] == wanted,
        lambda v: wanted in v.languages,
        lambda v: v.name.lower() == wanted,
    )
    for check in checks:
        for candidate in voices:
            if check(candidate):
                return candidate.id
    tails = (v.id.rsplit("/", 1)[-1] for v in voices)
    examples = ", ".join(sorted(t for t in tails if t[:2] in ("fr", "en")))
    raise SpeechSynthesisError(f"Unknown espeak-ng voice {wanted!r}; try one of: {examples}")


def _espeak_worker() -> None:
    """Child process: serve ("voices",) and ("say", text, voice_id, rate, pitch) requests, pickled
    over stdin / stdout (stdout itself then goes to /dev/null: pyttsx3 prints "Audio saved to ...")."""
    reader = Connection(os.dup(0), writable=False)
    writer = Connection(os.dup(1), readable=False)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    import pyttsx3
    from pyttsx3.drivers import _espeak

    engine = pyttsx3.init("espeak")
    voices = [
        EspeakVoice(v.id, v.name, tuple(lang.lower() for lang in (v.languages or ())))
        for v in engine.getProperty("voices")
    ]
    # pyttsx3 2.99 returns from runAndWait before espeak-ng's asynchronous callback has written the
    # file (its queued endLoop runs before synthesis starts): wait for "finished-utterance" instead.
    finished = threading.Event()
    engine.connect("finished-utterance", lambda **_: finished.set())
    workdir = Path(tempfile.mkdtemp(prefix="oralblanc-tts-"))
    target = workdir / "reply.wav"
    while True:
        try:
            request = reader.recv()
        except (EOFError, OSError):
            break
        try:
            if request[0] == "voices":
                writer.send(("ok", voices))
                continue
            _, text, voice_id, rate, pitch = request
            target.unlink(missing_ok=True)
            # Properties and the utterance go in one runAndWait: a property change alone can hang.
            engine.setProperty("voice", voice_id)
            engine.setProperty("rate", int(rate))
            engine.setProperty("pitch", int(pitch))
            # espeak-ng runs asynchronously under pyttsx3: without this, a new rate or pitch applies
            # one utterance late (measured: half the replies came at the previous reply's rate).
            _espeak.Synchronize()
            finished.clear()
            engine.save_to_file(text, str(target))
            engine.runAndWait()
            if not finished.wait(timeout=WORKER_UTTERANCE_TIMEOUT):
                raise RuntimeError("espeak-ng did not finish the utterance")
            if not target.is_file() or target.stat().st_size <= 44:
                raise RuntimeError("espeak-ng produced no audio")
            writer.send(("ok", target.read_bytes()))
        except Exception as exc:  # report, keep serving
            writer.send(("error", f"{type(exc).__name__}: {exc}"))


class _EspeakProcess:
    """The child process and its pipe; one request at a time; killed on timeout, restarted lazily."""

    def __init__(self, start_timeout: float) -> None:
        self.start_timeout = start_timeout
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._send: Connection | None = None
        self._recv: Connection | None = None
        self.voices: list[EspeakVoice] = []

    def _start(self) -> None:
        # A plain child interpreter, not multiprocessing's spawn: spawn re-runs the parent's main
        # script, which breaks scripts without a `__main__` guard.
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        process = subprocess.Popen(
            [sys.executable, "-c", "from bot.speech.tts import _espeak_worker; _espeak_worker()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
        assert process.stdin is not None and process.stdout is not None
        self._process = process
        self._send = Connection(os.dup(process.stdin.fileno()), readable=False)
        self._recv = Connection(os.dup(process.stdout.fileno()), writable=False)
        process.stdin.close()
        process.stdout.close()
        log.info("started espeak-ng worker pid %s", process.pid)
        self.voices = self._exchange(("voices",), self.start_timeout)

    def _alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _stop(self) -> None:
        process, send, recv = self._process, self._send, self._recv
        self._process = self._send = self._recv = None
        for conn in (send, recv):
            if conn is not None:
                conn.close()
        if process is not None:
            if process.poll() is None:
                process.kill()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:  # pragma: no cover - a kill does not fail
                log.error("espeak-ng worker pid %s did not die", process.pid)

    def _exchange(self, request: tuple[Any, ...], timeout: float) -> Any:
        assert self._send is not None and self._recv is not None and self._process is not None
        try:
            self._send.send(request)
            ready = self._recv.poll(timeout)
        except (OSError, EOFError) as exc:
            self._stop()
            raise SpeechSynthesisError(f"speech worker unavailable: {exc}") from exc
        if not ready:
            self._stop()
            raise SpeechSynthesisTimeout(f"speech synthesis took more than {timeout:g} s; stopped")
        try:
            status, payload = self._recv.recv()
        except (OSError, EOFError) as exc:
            code = self._process.poll()
            self._stop()
            raise SpeechSynthesisError(f"speech worker died (exit code {code})") from exc
        if status != "ok":
            raise SpeechSynthesisError(str(payload))
        return payload

    def call(self, make_request: Any, timeout: float) -> Any:
        """Start the child if needed, build the request from its voices, return the reply."""
        with self._lock:
            if not self._alive():
                self._stop()
                self._start()
            return self._exchange(make_request(self.voices), timeout)

    def close(self) -> None:
        with self._lock:
            self._stop()


class EspeakSynthesizer:
    """pyttsx3 + espeak-ng, serialised in one child process with a timeout per reply."""

    def __init__(self, *, timeout: float = 30.0, start_timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._process = _EspeakProcess(start_timeout)

    def voices(self) -> list[EspeakVoice]:
        """The installed espeak-ng voices (starts the worker if needed)."""
        return self._process.call(lambda voices: ("voices",), self.timeout)

    def synthesize_wav(
        self,
        text: str,
        *,
        language: str,
        voice: str | None = None,
        rate: int | None = None,
        pitch: int | None = None,
    ) -> bytes:
        """Speak `text` as WAV bytes (22.05 kHz mono, as espeak-ng makes it), blocking."""
        text = _checked_text(text)

        def request(voices: list[EspeakVoice]) -> tuple[Any, ...]:
            voice_id = resolve_voice(voices, language, voice)
            return ("say", text, voice_id, rate or DEFAULT_RATE, DEFAULT_PITCH if pitch is None else pitch)

        return self._process.call(request, self.timeout)

    def synthesize_sync(
        self,
        text: str,
        *,
        language: str,
        voice: str | None = None,
        rate: int | None = None,
        pitch: int | None = None,
    ) -> bytes:
        """Speak `text` as OGG/Opus bytes, blocking the calling thread."""
        wav = self.synthesize_wav(text, language=language, voice=voice, rate=rate, pitch=pitch)
        return encode_ogg_opus(wav)

    async def synthesize(
        self,
        text: str,
        *,
        language: str,
        voice: str | None = None,
        rate: int | None = None,
        pitch: int | None = None,
    ) -> bytes:
        """Speak `text` as OGG/Opus bytes, off the event loop."""
        return await asyncio.to_thread(
            self.synthesize_sync, text, language=language, voice=voice, rate=rate, pitch=pitch
        )

    def close(self) -> None:
        """Stop the child process (a later call starts a new one)."""
        self._process.close()


# --- OpenAI-compatible API --------------------------------------------------------------------------

OPENAI_VOICES = frozenset(
    "alloy ash ballad coral echo fable nova onyx sage shimmer verse marin cedar".split()
)


class OpenAISpeechSynthesizer:
    """An OpenAI-compatible speech API (`/audio/speech`), asked for WAV and re-encoded to OGG/Opus.

    A persona's espeak voice name means nothing to the API: `voice` is used only when it is one of
    `voices`, else `default_voice`. `rate` becomes `speed` (rate / 170); `pitch` is ignored.
    """

    def __init__(
        self,
        client: AsyncOpenAI | None = None,
        *,
        model: str = "gpt-4o-mini-tts",
        default_voice: str = "alloy",
        voices: frozenset[str] = OPENAI_VOICES,
        base_url: str | None = None,
        api_key: str | None = None,
    ) -> None:
        if client is None:
            from openai import AsyncOpenAI

            client = AsyncOpenAI(base_url=base_url, api_key=api_key)
        self.client = client
        self.model = model
        self.default_voice = default_voice
        self.voices = voices

    async def synthesize(
        self,
        text: str,
        *,
        language: str,
        voice: str | None = None,
        rate: int | None = None,
        pitch: int | None = None,
    ) -> bytes:
        """Speak `text` through the API; OGG/Opus bytes."""
        text = _checked_text(text)
        extra: dict[str, Any] = {}
        if rate:
            extra["speed"] = min(4.0, max(0.25, rate / DEFAULT_RATE))
        response = await self.client.audio.speech.create(
            model=self.model,
            voice=voice if voice in self.voices else self.default_voice,
            input=text,
            response_format="wav",
            **extra,
        )
        return await asyncio.to_thread(encode_ogg_opus, response.content)
