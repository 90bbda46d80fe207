"""A fake OpenAI-compatible chat server on 127.0.0.1, for the real `openai` client.

The openai SDK sends through its own HTTP stack (respx does not see it), so tests start this server
in a thread and point the client at `server.base_url`. Replies are scripted: queue `Reply`s with
`server.script(...)`, or set `server.responder` (request JSON -> `Reply` or str) for the rest.
It serves chat completions streamed (SSE, chunked) and not, errors with headers (429 + retry-after,
500), slow replies and streams that stall. Every request body is kept in `server.requests`.
It also serves `/v1/audio/transcriptions` (multipart in, `verbose_json` out): what each request
carried (model, language, the file's name, length and format) is kept in `server.transcriptions`.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Reply:
    text: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    token_delay: float = 0.0  # seconds between streamed tokens
    stall_after: int | None = None  # streamed: stop sending after this many tokens (and hang)
    finish_reason: str = "stop"
    refusal: str | None = None


Responder = Callable[[dict[str, Any]], "Reply | str"]


class FakeOpenAI:
    def __init__(self, responder: Responder | None = None):
        self.requests: list[dict[str, Any]] = []
        self.handling: list[float] = []  # seconds spent serving each request (the "model's time")
        self.responder: Responder = responder or (lambda request: Reply("Bien."))
        self._queue: deque[Reply | str] = deque()
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        # /v1/audio/transcriptions: what each request carried (`_multipart`), and the answers: the
        # queued ones first (`script_transcription`), then `transcription_reply` (verbose JSON, or a
        # `Reply`: an error status, a delay, a raw malformed body)
        self.transcriptions: list[dict[str, Any]] = []
        self.transcription_reply: dict[str, Any] | Reply = dict(VERBOSE_TRANSCRIPTION)
        self._transcription_queue: deque[dict[str, Any] | Reply] = deque()

    # --- control ------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None, "server not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def script(self, *replies: Reply | str) -> None:
        """Queue replies, used in order before the responder."""
        with self._lock:
            self._queue.extend(replies)

    def script_transcription(self, *replies: dict[str, Any] | Reply) -> None:
        """Queue answers of `/audio/transcriptions`, used in order before `transcription_reply`."""
        with self._lock:
            self._transcription_queue.extend(replies)

    def start(self, port: int = 0) -> FakeOpenAI:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = _QuietServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()  # let stalled handlers finish
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- serving ------------------------------------------------------------------------------

    def _next(self, request: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(request)
            item = self._queue.popleft() if self._queue else None
        if item is None:
            item = self.responder(request)
        return Reply(item) if isinstance(item, str) else item


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients closing their connections are not errors."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed-ACK stall
    server_fake: FakeOpenAI

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:  # noqa: N802
        started = time.perf_counter()
        try:
            self._post()
        finally:
            self.server_fake.handling.append(time.perf_counter() - started)

    def do_GET(self) -> None:  # noqa: N802
        """`/stats?since=N`: the serving times of requests N.. (for a server in another process)."""
        if not self.path.startswith("/stats"):
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        since = int(self.path.partition("since=")[2] or 0)
        self._json(200, {"handling": self.server_fake.handling[since:]})

    def _post(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path.endswith("/audio/transcriptions"):
            self._transcription(raw)
            return
        body = json.loads(raw or b"{}")
        if not self.path.endswith("/chat/completions"):
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        reply = self.server_fake._next(body)
        if reply.delay:
            self.server_fake._release.wait(reply.delay)
        try:
            if reply.status != 200:
                self._json(
                    reply.status,
                    {"error": {"message": reply.text or "error", "type": "server_error"}},
                    reply.headers,
                )
            elif body.get("stream"):
                self._stream(body, reply)
            else:
                self._json(200, _completion(body, reply), reply.headers)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _transcription(self, raw: bytes) -> None:
        """`/v1/audio/transcriptions` (multipart): what was received is kept, the scripted answer sent."""
        fake = self.server_fake
        received = _multipart(self.headers.get("Content-Type") or "", raw)
        with fake._lock:
            fake.transcriptions.append(received)
            item = fake._transcription_queue.popleft() if fake._transcription_queue else None
        reply = item if item is not None else fake.transcription_reply
        if not isinstance(reply, Reply):
            self._json(200, reply)
            return
        if reply.delay:
            fake._release.wait(reply.delay)
        try:
            if reply.status != 200:
                self._json(
                    reply.status, {"error": {"message": reply.text or "error", "type": "server_error"}}
                )
                return
            data = reply.text.encode()  # a raw body, as the server sent it (malformed answers)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, body: dict[str, Any], reply: Reply) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        for key, value in reply.headers.items():
            self.send_header(key, value)
        self.end_headers()
        for n, token in enumerate(tokens(reply.text)):
            if reply.stall_after is not None and n >= reply.stall_after:
                self.server_fake._release.wait(60)
                return
            if reply.token_delay:
                time.sleep(reply.token_delay)
            self._event(_chunk(body, {"content": token}, None))
        if reply.refusal:
            self._event(_chunk(body, {"refusal": reply.refusal}, None))
        self._event(_chunk(body, {}, reply.finish_reason))
        self._send(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _event(self, payload: dict[str, Any]) -> None:
        self._send(b"data: " + json.dumps(payload).encode() + b"\n\n")

    def _send(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


VERBOSE_TRANSCRIPTION: dict[str, Any] = {
    "task": "transcribe",
    "language": "english",
    "duration": 2.0,
    "text": " What volumes do you expect next year? ",
    "words": [
        {"word": "What", "start": 0.1, "end": 0.3},
        {"word": "volumes", "start": 0.3, "end": 0.8},
        {"word": "do", "start": 0.8, "end": 0.9},
        {"word": "you", "start": 0.9, "end": 1.0},
        {"word": "expect", "start": 1.0, "end": 1.4},
        {"word": "next", "start": 1.4, "end": 1.6},
        {"word": "year?", "start": 1.6, "end": 1.9},
    ],
    "segments": [
        {
            "id": 0,
            "seek": 0,
            "start": 0.1,
            "end": 1.9,
            "text": " What volumes do you expect next year?",
            "tokens": [1],
            "temperature": 0.0,
            "avg_logprob": -0.15,
            "compression_ratio": 1.0,
            "no_speech_prob": 0.02,
        }
    ],
}
"""What the fake transcription server answers unless told otherwise (OpenAI's `verbose_json`)."""

_AUDIO_MAGIC = ((b"OggS", "ogg"), (b"RIFF", "wav"), (b"ID3", "mp3"), (b"fLaC", "flac"))


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """The fields of a multipart/form-data body: text fields as strings (a repeated one as a list);
    the file as `filename`, `file_bytes` (its length), `file_format` (from its first bytes) and
    `file_sha256`."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\nMIME-Version: 1.0\r\n\r\n" + body
    )
    fields: dict[str, Any] = {"content_type": content_type.split(";")[0]}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            fields["filename"] = filename
            fields["file_bytes"] = len(data)
            fields["file_format"] = next((f for m, f in _AUDIO_MAGIC if data.startswith(m)), "unknown")
            fields["file_sha256"] = hashlib.sha256(data).hexdigest()
            continue
        key, value = name.removesuffix("[]"), data.decode()
        if key in fields:
            previous = fields[key]
            fields[key] = (previous if isinstance(previous, list) else [previous]) + [value]
        else:
            fields[key] = value
    return fields


def tokens(text: str) -> Iterator[str]:
    """Word-sized pieces, as a model streams them."""
    return iter(re.findall(r"\S+\s*|\s+", text))


def _completion(body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.text, "refusal": reply.refusal},
                "finish_reason": reply.finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(body: dict[str, Any], delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


# --- helpers for persona prompts --------------------------------------------------------------------


def last_user(request: dict[str, Any]) -> str:
    return next(m["content"] for m in reversed(request["messages"]) if m["role"] == "user")


def candidate_words(request: dict[str, Any]) -> str:
    """What the candidate said in the last user message (the stage note removed)."""
    return last_user(request).split("⟦note", 1)[0].strip()


def stage_note(request: dict[str, Any]) -> str:
    match = re.search(r"⟦note (\w+)⟧(.*)⟦/note \1⟧", last_user(request), re.DOTALL)
    return match.group(2) if match else ""


def gist(request: dict[str, Any]) -> str:
    """A well-behaved model: it says the first authored line of each beat of the stage note."""
    lines = []
    for row in stage_note(request).splitlines():
        match = re.match(r"- .*?«(.+?)»", row)
        if match:
            lines.append(match.group(1))
    return " ".join(lines) or "Je vous écoute."


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(lambda request: Reply(gist(request))) as server:
        yield server


def main() -> None:
    """Serve the well-behaved model (`gist`) until killed: `python -m tests.fake_openai [PORT]`.

    Prints its base URL on the first line of stdout.
    """
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = FakeOpenAI(lambda request: Reply(gist(request))).start(port)
    print(server.base_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
