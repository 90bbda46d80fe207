"""`oralblanc bot --webhook-url URL --queue`: receive Telegram's webhook, hold, defer, answer. Nothing else.

A small tornado server (tornado comes with python-telegram-bot[webhooks]; PTB's own webhook server
puts updates into its in-process queue, which is not what a queue ingress wants):
- `POST /<path>`: the `X-Telegram-Bot-Api-Secret-Token` header must match (403 otherwise); the update
  is held in the update inbox (`update_inbox`, idempotent by update id) and one job deferred for it,
  locked per chat (`bot.queue.jobs`); 200 at once. A redelivered update is stored once and not
  deferred again (unless it is still pending with no job: an ingress killed between the two). When
  the database fails the answer is 500: Telegram sends the update again.
- `GET /healthz`, `GET /metrics` (`bot.queue.metrics`).

At start-up the schemas are set up (`jobs.ensure_schema`) and the webhook registered with Telegram
(setWebhook, with the secret token). One asyncio lock per chat makes holding and deferring one step
for concurrent posts of the same chat, so its jobs are deferred in the order the updates were held.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import secrets
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.queue import jobs
from bot.queue.metrics import ERRORS, UPDATES_RECEIVED, http_routes

if TYPE_CHECKING:
    from bot.core.inbox import Inbox
import contextlib

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class Ingress:
    """What the webhook handler needs: the update inbox (`bot.core.inbox.Inbox`), the queue, the secret."""

    def __init__(self, inbox: Inbox, app: Any, secret_token: str) -> None:
        self.inbox = inbox
        self.app = app
        self.secret_token = secret_token
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._waiting: dict[int | None, int] = {}

    def authorised(self, header: str | None) -> bool:
        return header is not None and hmac.compare_digest(header.encode(), self.secret_token.encode())

    async def receive(self, data: dict[str, Any]) -> str:
        """Hold the update and defer its job: `new`, or `duplicate` (stored already)."""
        from telegram import Update

        from bot.telegram.inbox import update_chat

        update = Update.de_json(data, None)
        if update is None:
            raise ValueError("not an update")
        chat = update_chat(update)
        self._waiting[chat] = self._waiting.get(chat, 0) + 1
        lock = self._locks.setdefault(chat, asyncio.Lock())
        try:
            async with lock:
                if await self.inbox.hold_update(update.update_id, chat, data):
                    await jobs.defer_update(self.app, update.update_id, chat)
                    return "new"
                # a redelivery: held already; deferred again only if it is pending with no job
                if await self.inbox.held_update(
                    update.update_id
                ) is not None and not await jobs.live_update_jobs(self.app, [update.update_id]):
                    log.warning(
                        "update %s held with no job (an interrupted delivery): deferred", update.update_id
                    )
                    await jobs.defer_update(self.app, update.update_id, chat, again=True)
                else:
                    log.info(
                        "update %s delivered again: stored already, not deferred again", update.update_id
                    )
                return "duplicate"
        finally:
            self._waiting[chat] -= 1
            if not self._waiting[chat]:
                del self._waiting[chat]
                del self._locks[chat]


def webhook_handler(ingress: Ingress) -> Any:
    import tornado.web

    class WebhookHandler(tornado.web.RequestHandler):
        async def post(self) -> None:
            if not ingress.authorised(self.request.headers.get(SECRET_HEADER)):
                UPDATES_RECEIVED.labels("refused").inc()
                self.set_status(403)
                self.finish()
                return
            try:
                data = json.loads(self.request.body)
                if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                    raise ValueError("no update_id")
            except ValueError:
                UPDATES_RECEIVED.labels("invalid").inc()
                self.set_status(400)
                self.finish()
                return
            try:
                outcome = await ingress.receive(data)
            except Exception as error:
                UPDATES_RECEIVED.labels("failed").inc()
                ERRORS.labels("ingress").inc()
                log.error(
                    "update %s not stored (%s): Telegram will send it again",
                    data.get("update_id"),
                    type(error).__name__,
                    exc_info=True,
                )
                self.set_status(500)
                self.finish()
                return
            UPDATES_RECEIVED.labels(outcome).inc()
            self.set_status(200)
            self.finish()

    return WebhookHandler


async def serve_ingress(
    settings: Settings,
    webhook: Any,
    *,
    ready: Callable[[], None] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Serve the webhook (a `bot.telegram.app.WebhookConfig`) until `stop` is set (SIGINT/SIGTERM)."""
    import tornado.httpserver
    import tornado.web
    from telegram import Bot

    from bot.services import opened_inbox
    from bot.telegram.app import ALLOWED_UPDATES, MissingToken, file_base_url

    if not settings.telegram_bot_token:
        raise MissingToken("TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export its token")
    conninfo = jobs.require_postgres(settings.database_url)
    await jobs.ensure_schema(conninfo, settings.database_url or "")
    app = jobs.make_app(conninfo)
    async with opened_inbox(settings.database_url or "") as inbox:
        secret = webhook.secret_token or secrets.token_urlsafe(32)
        ingress = Ingress(inbox, app, secret)
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        bot = Bot(
            settings.telegram_bot_token,
            base_url=settings.telegram_api_base_url,
            base_file_url=file_base_url(settings),
        )
        async with app.open_async(), bot:
            routes: list[tuple[str, Any, dict[str, Any]]] = [
                (f"/{re.escape(webhook.path)}", webhook_handler(ingress), {})
            ] + http_routes(app.check_connection_async, lambda: jobs.queue_depths(app))
            server = tornado.httpserver.HTTPServer(tornado.web.Application(routes))
            server.listen(webhook.port, webhook.listen)
            try:
                await bot.set_webhook(webhook.url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
                log.info(
                    "webhook ingress for @%s: %s, listening on %s:%s/%s",
                    bot.username,
                    webhook.url,
                    webhook.listen,
                    webhook.port,
                    webhook.path,
                )
                if ready is not None:
                    ready()
                await stop.wait()
            finally:
                server.stop()


def run_ingress(settings: Settings, webhook: Any) -> None:
    asyncio.run(serve_ingress(settings, webhook))


__all__ = ["Ingress", "SECRET_HEADER", "run_ingress", "serve_ingress"]
