"""A fake Telegram Bot API server on 127.0.0.1, to drive the real PTB Application end to end.

It speaks enough of the Bot API for oralblanc: getMe, deleteWebhook, setWebhook, getWebhookInfo,
setMyCommands, long-polling getUpdates, sendMessage, sendVoice, sendDocument, sendPhoto,
sendChatAction, editMessageText, editMessageReplyMarkup, answerCallbackQuery, getFile, and file downloads
(`/file/bot<token>/<path>`). Requests may be JSON, form-encoded (PTB's default) or multipart (uploads).

The test plays the users: `FakeUser.send_text / press / send_voice / send_sticker …` queue updates as
Telegram would (messages carry `date`, `chat.type`, users `is_bot`, commands a `bot_command` entity).
What the bot sent is recorded per chat (`outbox(chat_id)`), with the time it arrived, so tests and the
benchmark can wait for replies and measure latency. `redeliver(update_id)` hands an update out again
(a crash before Telegram saw it acknowledged); `fail_next(method, 429, retry_after=1)` answers the
next call of a method with an error.

Everything runs on the test's event loop (asyncio streams, HTTP/1.1 keep-alive), no extra dependency.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

BOT_ID = 7_000_000_001
REPLY_METHODS = frozenset({"sendMessage", "sendVoice", "sendDocument", "sendPhoto", "editMessageText"})
_INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "user_id", "cache_time"}
_JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "entities", "reply_parameters", "scope"}


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str | None, bytes]]
    at: float
    result: Any = None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of the inline keyboard, if any."""
        markup = self.params.get("reply_markup") or {}
        return [
            (b.get("text", ""), b.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]


@dataclass
class _Queued:
    update: dict[str, Any]
    forced: bool = False  # handed out once whatever the offset (a redelivery)


@dataclass
class FakeUser:
    """A Telegram user in a private chat with the bot."""

    api: FakeBotAPI
    id: int
    first_name: str = "Alice"
    language_code: str = "fr"
    last_name: str | None = None

    def as_user(self) -> dict[str, Any]:
        user = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }
        if self.last_name:
            user["last_name"] = self.last_name
        return user

    def chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}

    def _message(self, **fields: Any) -> dict[str, Any]:
        return {
            "message_id": next(self.api._message_ids),
            "date": int(time.time()),
            "chat": self.chat(),
            "from": self.as_user(),
            **fields,
        }

    def send_text(self, text: str) -> int:
        """A text message (a command when it starts with /); returns the update id."""
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self.api.push({"message": self._message(**fields)})

    def send_voice(self, data: bytes, duration: int = 5) -> int:
        file_id = self.api.add_file(data, "voice/note.oga")
        voice = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(data),
        }
        return self.api.push({"message": self._message(voice=voice)})

    def send_audio_file(
        self,
        data: bytes,
        file_name: str,
        mime_type: str | None,
        *,
        as_document: bool = False,
        duration: int = 5,
    ) -> int:
        """An audio file (MP3, M4A, WAV…): as music (`audio`, with a duration) or as a plain file."""
        file_id = self.api.add_file(data, file_name)
        media: dict[str, Any] = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": file_name,
            "file_size": len(data),
        }
        if mime_type:
            media["mime_type"] = mime_type
        if as_document:
            return self.api.push({"message": self._message(document=media)})
        return self.api.push({"message": self._message(audio={**media, "duration": duration})})

    def send_sticker(self) -> int:
        sticker = {
            "file_id": "sticker-1",
            "file_unique_id": "us1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        return self.api.push({"message": self._message(sticker=sticker)})

    def send_photo(self) -> int:
        photo = [{"file_id": "photo-1", "file_unique_id": "up1", "width": 90, "height": 90}]
        return self.api.push({"message": self._message(photo=photo, caption="look")})

    def send_document(self) -> int:
        document = {
            "file_id": "doc-1",
            "file_unique_id": "ud1",
            "file_name": "cv.pdf",
            "mime_type": "application/pdf",
        }
        return self.api.push({"message": self._message(document=document)})

    def edit(self, message_id: int, text: str) -> int:
        edited = self._message(text=text, edit_date=int(time.time()))
        edited["message_id"] = message_id
        return self.api.push({"edited_message": edited})

    def press(self, data: str, message: Call | None = None) -> int:
        """Press the inline button with this callback data (on `message`, else the latest one that has it)."""
        if message is None:
            message = next(
                (c for c in reversed(self.api.outbox(self.id)) if any(d == data for _, d in c.buttons())),
                None,
            )
            if message is None:
                raise AssertionError(f"no button {data!r} in chat {self.id}")
        query = {
            "id": str(next(self.api._query_ids)),
            "from": self.as_user(),
            "chat_instance": f"ci{self.id}",
            "data": data,
            "message": message.result if isinstance(message.result, dict) else None,
        }
        return self.api.push({"callback_query": query})

    def press_label(self, fragment: str) -> int:
        """Press the latest inline button whose label contains `fragment`."""
        for call in reversed(self.api.outbox(self.id)):
            for label, data in call.buttons():
                if fragment in label:
                    return self.press(data, call)
        raise AssertionError(f"no button labelled {fragment!r} in chat {self.id}")


class FakeBotAPI:
    """The server. `async with FakeBotAPI() as api:` starts it on a free port of 127.0.0.1."""

    def __init__(
        self, token: str = "123:ABC", username: str = "oralblanc_test_bot", *, first_update_id: int = 1001
    ) -> None:
        self.token = token
        self.username = username
        self.port = 0
        self.calls: list[Call] = []
        self._replies: dict[int, list[Call]] = {}  # chat -> its REPLY_METHODS calls (outbox index)
        self.pushed_at: dict[int, float] = {}
        self.files: dict[str, tuple[str, bytes]] = {}
        self.webhook: dict[str, Any] = {}
        self.commands: list[Any] = []
        self._queue: list[_Queued] = []
        self._sent_updates: dict[int, dict[str, Any]] = {}
        self.last_update_id = 0  # the id of the update pushed last
        self.confirmed = 0  # every update id up to this one is acknowledged (a getUpdates offset above it)
        self._update_ids = itertools.count(first_update_id)  # one bot's workers share a sequence
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._failures: dict[str, list[dict[str, Any]]] = {}
        self._changed = asyncio.Event()  # replaced by a fresh one at every change (see _notify)
        self._server: asyncio.AbstractServer | None = None
        self._connections: set[asyncio.StreamWriter] = set()

    # --- life cycle ------------------------------------------------------------------------------

    async def start(self) -> FakeBotAPI:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._connections):
                writer.close()
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> FakeBotAPI:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # --- the users' side ---------------------------------------------------------------------

    def user(self, user_id: int, first_name: str = "Alice", language_code: str = "fr") -> FakeUser:
        return FakeUser(self, user_id, first_name, language_code)

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update (an update id is assigned); returns its id."""
        update_id = next(self._update_ids)
        self.last_update_id = update_id
        update = {"update_id": update_id, **update}
        self._sent_updates[update_id] = update
        self.pushed_at[update_id] = time.perf_counter()
        self._queue.append(_Queued(update))
        self._notify()
        return update_id

    def redeliver(self, update_id: int) -> None:
        """Hand this update out once more, as Telegram does when it was not acknowledged."""
        self._queue.append(_Queued(self._sent_updates[update_id], forced=True))
        self._notify()

    def update(self, update_id: int) -> dict[str, Any]:
        return self._sent_updates[update_id]

    def add_file(self, data: bytes, path: str) -> str:
        file_id = f"file-{next(self._file_ids)}"
        self.files[file_id] = (f"{file_id}/{path}", data)
        return file_id

    def fail_next(
        self, method: str, code: int = 429, *, retry_after: int | None = 1, description: str | None = None
    ) -> None:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": code,
            "description": description
            or (f"Too Many Requests: retry after {retry_after}" if code == 429 else "Bad Request"),
        }
        if retry_after is not None and code == 429:
            body["parameters"] = {"retry_after": retry_after}
        self._failures.setdefault(method, []).append(body)

    # --- what the bot did ----------------------------------------------------------------------

    def outbox(self, chat_id: int) -> list[Call]:
        """What the bot sent to this chat (messages, voice notes, documents, photos, edits), in order."""
        return list(self._replies.get(chat_id, ()))

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        if call.method in REPLY_METHODS and call.chat_id is not None:
            self._replies.setdefault(call.chat_id, []).append(call)
        self._notify()

    def texts(self, chat_id: int) -> list[str]:
        return [c.text for c in self.outbox(chat_id)]

    def calls_to(self, method: str, chat_id: int | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and (chat_id is None or c.chat_id == chat_id)]

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 15.0, what: str = "condition"
    ) -> Any:
        """Wait until `predicate()` is truthy (checked whenever the bot calls the API); return it."""
        deadline = time.monotonic() + timeout
        while True:
            changed = self._changed
            value = predicate()
            if value:
                return value
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {what}")
            await self._wait_change(changed, left)

    @staticmethod
    async def _wait_change(changed: asyncio.Event, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), timeout)

    async def wait_outbox(self, chat_id: int, count: int, timeout: float = 15.0) -> list[Call]:
        """Wait until the chat holds at least `count` replies; return them all."""
        return await self.wait_for(
            lambda: (box := self.outbox(chat_id)) and len(box) >= count and box,
            timeout,
            f"{count} replies in chat {chat_id} (have {len(self.outbox(chat_id))}: {self.texts(chat_id)[-3:]})",
        )

    async def reply_to(
        self, user: FakeUser, send: Callable[[], int], count: int = 1, timeout: float = 15.0
    ) -> list[Call]:
        """Send something as `user`, wait for `count` new replies, return them."""
        before = len(self.outbox(user.id))
        send()
        box = await self.wait_outbox(user.id, before + count, timeout)
        return box[before:]

    def _notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    # --- HTTP ------------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._connections.add(writer)
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                verb, target, _ = line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while True:
                    header = await reader.readline()
                    if header in (b"\r\n", b"\n", b""):
                        break
                    name, _, value = header.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await _read_body(reader, headers)
                route = asyncio.ensure_future(self._route(verb, target, headers, body))
                if target.endswith("/getUpdates"):
                    # a long poll: if the client goes away (the bot stopped), hand nothing out
                    gone = asyncio.ensure_future(reader.read(1))
                    await asyncio.wait({route, gone}, return_when=asyncio.FIRST_COMPLETED)
                    if not route.done():
                        route.cancel()
                        return
                    gone.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await gone
                status, content_type, payload = await route
                head = (
                    f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
                    f"Content-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n"
                    "Connection: keep-alive\r\n\r\n"
                )
                writer.write(head.encode("latin-1") + payload)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            return
        finally:
            self._connections.discard(writer)
            writer.close()

    async def _route(
        self, verb: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, str, bytes]:
        path = unquote(urlsplit(target).path)
        file_prefix = f"/file/bot{self.token}/"
        if path.startswith(file_prefix):
            wanted = path[len(file_prefix) :]
            for file_path, data in self.files.values():
                if file_path == wanted:
                    return 200, "application/octet-stream", data
            return 404, "text/plain", b"not found"
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return (
                404,
                "application/json",
                _json({"ok": False, "error_code": 401, "description": "Unauthorized"}),
            )
        method = path[len(prefix) :]
        params, files = _parse(headers.get("content-type", ""), body, urlsplit(target).query)
        failures = self._failures.get(method)
        if failures:
            failure = failures.pop(0)
            self._record(Call(method, params, files, time.perf_counter(), failure))
            return failure["error_code"], "application/json", _json(failure)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return (
                404,
                "application/json",
                _json({"ok": False, "error_code": 404, "description": "Not Found: method not found"}),
            )
        call = Call(method, params, files, 0.0)
        result = await handler(call)
        call.at = time.perf_counter()
        call.result = result
        if method != "getUpdates":
            self._record(call)
        return 200, "application/json", _json({"ok": True, "result": result})

    # --- Bot API methods -------------------------------------------------------------------------

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "oralblanc",
            "username": self.username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _bot_message(self, chat_id: int, **fields: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": self._bot_user(),
            **fields,
        }

    async def _api_getMe(self, call: Call) -> Any:
        return self._bot_user()

    async def _api_deleteWebhook(self, call: Call) -> Any:
        self.webhook = {}
        return True

    async def _api_setWebhook(self, call: Call) -> Any:
        self.webhook = dict(call.params)
        return True

    async def _api_getWebhookInfo(self, call: Call) -> Any:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }

    async def _api_setMyCommands(self, call: Call) -> Any:
        self.commands.append(call.params)
        return True

    async def _api_deleteMyCommands(self, call: Call) -> Any:
        self.commands.append({**call.params, "deleted": True})
        return True

    async def _api_getUpdates(self, call: Call) -> Any:
        offset = call.params.get("offset")
        timeout = float(call.params.get("timeout") or 0)
        limit = int(call.params.get("limit") or 100)
        deadline = time.monotonic() + timeout
        while True:
            changed = self._changed
            if offset is not None:
                self.confirmed = max(self.confirmed, int(offset) - 1)
                self._queue = [q for q in self._queue if q.forced or q.update["update_id"] >= int(offset)]
            if self._queue or time.monotonic() >= deadline:
                break
            await self._wait_change(changed, max(0.0, deadline - time.monotonic()))
        batch = self._queue[:limit]
        self._queue = [q for q in self._queue if not (q.forced and q in batch)]
        return [q.update for q in batch]

    async def _api_sendMessage(self, call: Call) -> Any:
        return self._bot_message(call.chat_id or 0, text=call.params.get("text", ""))

    async def _api_sendChatAction(self, call: Call) -> Any:
        return True

    async def _api_answerCallbackQuery(self, call: Call) -> Any:
        return True

    async def _api_editMessageText(self, call: Call) -> Any:
        return self._bot_message(
            call.chat_id or 0, text=call.params.get("text", ""), edit_date=int(time.time())
        )

    async def _api_editMessageReplyMarkup(self, call: Call) -> Any:
        return self._bot_message(call.chat_id or 0, text="", edit_date=int(time.time()))

    async def _api_sendVoice(self, call: Call) -> Any:
        return self._bot_message(
            call.chat_id or 0, voice=self._stored("voice", call, duration=1, mime_type="audio/ogg")
        )

    async def _api_sendDocument(self, call: Call) -> Any:
        document = self._stored("document", call)
        name = call.files.get("document", (None, b""))[0]
        if name:
            document["file_name"] = name
        return self._bot_message(call.chat_id or 0, document=document, caption=call.params.get("caption"))

    async def _api_sendPhoto(self, call: Call) -> Any:
        photo = self._stored("photo", call)
        return self._bot_message(call.chat_id or 0, photo=[{**photo, "width": 640, "height": 320}])

    def _stored(self, field_name: str, call: Call, **extra: Any) -> dict[str, Any]:
        name, data = call.files.get(field_name, (None, b""))
        file_id = self.add_file(data, name or field_name)
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data), **extra}

    async def _api_getFile(self, call: Call) -> Any:
        file_id = str(call.params.get("file_id"))
        path, data = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(data),
            "file_path": path,
        }


# --- request parsing ---------------------------------------------------------------------------------


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readline()).strip() or b"0", 16)
            if size == 0:
                await reader.readline()
                return b"".join(chunks)
            chunks.append(await reader.readexactly(size))
            await reader.readline()
    return await reader.readexactly(int(headers.get("content-length") or 0))


def _coerce(name: str, value: Any) -> Any:
    if name in _INT_FIELDS and isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return float(value)
    if name in _JSON_FIELDS and isinstance(value, str):
        return json.loads(value)
    return value


def _parse(
    content_type: str, body: bytes, query: str
) -> tuple[dict[str, Any], dict[str, tuple[str | None, bytes]]]:
    params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query).items()}
    files: dict[str, tuple[str | None, bytes]] = {}
    if body and content_type.startswith("application/json"):
        params.update(json.loads(body))
    elif body and content_type.startswith("application/x-www-form-urlencoded"):
        params.update({k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()})
    elif body and content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
            data = part.get_payload(decode=True) or b""
            if filename is not None or part.get_content_type() not in ("text/plain",):
                files[str(name)] = (filename, data)
            else:
                params[str(name)] = data.decode("utf-8")
    return {k: _coerce(k, v) for k, v in params.items()}, files


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")
