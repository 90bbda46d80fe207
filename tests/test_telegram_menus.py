"""Command menus: everyone's (French and English), and a staff member's own, set when a role is granted,
removed when it is revoked, set for the known admins at start-up and by /help_staff."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.telegram.menus import CANDIDATE, menu_for
from storage.records import UserRecord
from tests.fake_bot_api import FakeBotAPI
from tests.telegram_support import bot_running, bot_settings
from tests.test_telegram_staff import _say

ADMIN, TRAINER, JURY = 900, 901, 902


def _scope(params: dict[str, Any]) -> dict[str, Any]:
    scope = params.get("scope") or {}
    return json.loads(scope) if isinstance(scope, str) else scope


def _names(params: dict[str, Any]) -> list[str]:
    commands = params.get("commands") or []
    commands = json.loads(commands) if isinstance(commands, str) else commands
    return [c["command"] for c in commands]


def _menus_of(api: FakeBotAPI, chat: int) -> list[dict[str, Any]]:
    return [p for p in api.commands if _scope(p).get("chat_id") == chat]


def test_a_menu_lists_the_commands_of_the_user_roles() -> None:
    settings = Settings(admins="900")
    when = __import__("datetime").datetime.now()

    def user(role: str, tg: int, lang: str = "en") -> UserRecord:
        return UserRecord(1, tg, "U", lang, role, when)  # type: ignore[arg-type]

    assert menu_for(settings, user("candidate", 5)) == CANDIDATE["en"]
    trainer = [name for name, _ in menu_for(settings, user("trainer", 5))]
    assert (
        "review" in trainer
        and "publish" not in trainer
        and "grant" not in trainer
        and "help_staff" in trainer
    )
    jury = [name for name, _ in menu_for(settings, user("jury", 5, "fr"))]
    assert "transcripts" in jury and "review" not in jury
    admin = [name for name, _ in menu_for(settings, user("candidate", 900))]
    assert {"grant", "review", "publish", "transcripts"} <= set(admin)
    assert len(admin) == len(set(admin))  # each command once


async def test_granting_and_revoking_set_and_remove_the_staff_menu(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            assert any(p.get("language_code") == "fr" for p in api.commands)  # everyone's, in French too
            admin, tom = api.user(ADMIN, "Ada", "en"), api.user(TRAINER, "Tom", "fr")
            await _say(api, tom, "/start")
            await _say(api, admin, f"/grant {TRAINER} trainer")
            await api.wait_for(lambda: _menus_of(api, TRAINER), 15, "tom's menu")
            menu = _menus_of(api, TRAINER)[-1]
            assert "deleted" not in menu and {"review", "export", "help_staff"} <= set(_names(menu))

            await _say(api, admin, f"/revoke {TRAINER} trainer")
            await api.wait_for(lambda: _menus_of(api, TRAINER)[-1].get("deleted"), 15, "tom's menu removed")

            assert not _menus_of(api, ADMIN)  # the admin had never talked to the bot at start-up
            await _say(api, admin, "/help_staff")
            await api.wait_for(lambda: _menus_of(api, ADMIN), 15, "the admin's menu")
            assert "grant" in _names(_menus_of(api, ADMIN)[-1])

        before = len(_menus_of(api, ADMIN))
        async with bot_running(settings):  # known now: the admin's menu is set at start-up
            assert len(_menus_of(api, ADMIN)) == before + 1 and "grant" in _names(_menus_of(api, ADMIN)[-1])
