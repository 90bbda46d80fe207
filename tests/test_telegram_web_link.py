"""/web on Telegram: a staff member gets a one-time link to the web console, sent without a link
preview, on ORALBLANC_WEB_URL; a candidate is refused. The link then opens a session once."""

from __future__ import annotations

import re
from pathlib import Path

from bot.core import sign_in
from bot.services import open_services
from tests.fake_bot_api import FakeBotAPI
from tests.telegram_support import bot_running, bot_settings

ADMIN, CANDIDATE = 900_001, 900_002


async def test_web_gives_staff_a_one_time_link_without_preview(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=str(ADMIN), web_url="https://console.example.org")
        async with bot_running(settings):
            admin, candidate = api.user(ADMIN, "Ada", "en"), api.user(CANDIDATE, "Alice", "fr")
            (sent,) = await api.reply_to(admin, lambda: admin.send_text("/web"))
            found = re.search(r"https://console\.example\.org/signin/([\w-]+)", sent.text)
            assert found, sent.text
            options = sent.params.get("link_preview_options") or {}
            if isinstance(options, str):
                import json

                options = json.loads(options)
            assert options.get("is_disabled") is True
            (refused,) = await api.reply_to(candidate, lambda: candidate.send_text("/web"))
            assert "signin" not in refused.text
        services = await open_services(settings)
        try:
            me = await sign_in.redeem(services.repo, found.group(1), settings.admins)
            assert me.is_admin
        finally:
            await services.close()
