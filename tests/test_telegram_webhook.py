"""Webhook mode: setWebhook with the secret token; updates posted without it are refused."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx
import pytest

from bot.telegram.app import WebhookConfig
from tests.fake_bot_api import FakeBotAPI
from tests.telegram_support import bot_running, bot_settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_update(update_id: int, user_id: int) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Lea"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Lea", "language_code": "en"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def test_webhook_mode_checks_the_secret_token(tmp_path: Path) -> None:
    try:
        import tornado  # noqa: F401  (PTB's webhook server)
    except ImportError:
        pytest.fail(
            "webhook mode needs python-telegram-bot[webhooks] (tornado): see pyproject.toml", pytrace=False
        )
    port = _free_port()
    webhook = WebhookConfig(
        "https://bot.example.org/tg/hook", listen="127.0.0.1", port=port, secret_token="s3cret-Token_1"
    )
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        async with bot_running(settings, webhook=webhook):
            assert api.webhook["url"] == "https://bot.example.org/tg/hook"
            assert api.webhook["secret_token"] == "s3cret-Token_1"
            local = f"http://127.0.0.1:{port}/tg/hook"
            async with httpx.AsyncClient() as client:
                refused = await client.post(local, json=_start_update(1, 1500))
                wrong = await client.post(
                    local, json=_start_update(2, 1500), headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
                )
                assert refused.status_code == 403 and wrong.status_code == 403
                accepted = await client.post(
                    local,
                    json=_start_update(3, 1500),
                    headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"},
                )
                assert accepted.status_code == 200
            replies = await api.wait_outbox(1500, 1)
            assert replies[0].text.startswith("Hello Lea!")
            assert len(api.outbox(1500)) == 1
