"""`oralblanc bot` as a process: TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE_URL pointing at the fake Bot
API serve a rehearsal by long polling; SIGTERM stops the bot cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.fake_bot_api import FakeBotAPI
from tests.telegram_support import SCENARIO, line

# The command mounted as the lead mounts it: `app.add_typer(telegram_commands.app)`.
LAUNCH = (
    "import typer\n"
    "from bot.commands.telegram import app as telegram_app\n"
    "main = typer.Typer()\n"
    "main.add_typer(telegram_app)\n"
    "@main.command()\n"
    "def play() -> None: ...\n"
    "main(['bot', '--no-preload-speech'])\n"
)


async def test_the_bot_command_serves_a_rehearsal_and_stops_on_sigterm(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "ORALBLANC_DATA_DIR": str(tmp_path),
            "ORALBLANC_ENGINE": "scripted",
        }
        for name in ("TELEGRAM_FILE_BASE_URL", "DATABASE_URL", "TELEGRAM_WEBHOOK_URL"):
            env.pop(name, None)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            LAUNCH,
            env=env,
            cwd=Path(__file__).resolve().parents[1],
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            nina = api.user(1700, "Nina", "en")
            welcome = await api.reply_to(nina, lambda: nina.send_text("/start"), timeout=60)
            assert welcome[0].text.startswith("Hello Nina!")
            await api.reply_to(nina, lambda: nina.send_text(f"/play {SCENARIO} en"), count=2)
            answer = await api.reply_to(nina, lambda: nina.send_text(line(1)))
            assert answer[0].text.startswith("🗣 Claire Morel:")
            ended = await api.reply_to(nina, lambda: nina.send_text("/end"), count=2, timeout=60)
            assert "/20" in ended[1].text
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, stderr.decode()[-2000:]
        assert (tmp_path / "oralblanc.sqlite3").stat().st_size > 0
