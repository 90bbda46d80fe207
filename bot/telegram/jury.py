"""Jury members on Telegram: a YAML script sent as a document is linted with the same `FILE:LINE:
message` lines as `oralblanc scenarios lint`, then previewed when valid. Nothing is published here.

The document is written to a temporary folder under its own file name, so the messages name the file
as the jury member sent it; linting and loading run in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
from pathlib import Path

from telegram import Update
from telegram.ext import ContextTypes

from bot.catalog import lint_paths
from bot.telegram.roles import require
from bot.telegram.runtime import runtime
from bot.telegram.sending import send_text
from bot.telegram.texts import t
from scenarios.loader import load_scenario
from scenarios.model import Scenario
from scenarios.yaml_source import InvalidFile

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
MAX_SCRIPT_BYTES = 512 * 1024


def is_script(file_name: str | None) -> bool:
    return bool(file_name) and file_name.lower().endswith((".yaml", ".yml"))  # type: ignore[union-attr]


def _safe_name(file_name: str) -> str:
    name = re.sub(r"[^\w.-]", "_", Path(file_name).name)[:100]
    return name if is_script(name) else name + ".yaml"


def lint_document(file_name: str, data: bytes) -> tuple[list[str], Scenario | None]:
    """The lint lines for this file, and the scenario it holds when there are none (and it is one)."""
    with tempfile.TemporaryDirectory(prefix="oralblanc-jury-") as folder:
        path = Path(folder) / _safe_name(file_name)
        path.write_bytes(data)
        problems = [str(p).replace(str(path), path.name) for p in lint_paths([path])]
        if problems:
            return problems, None
        try:
            return [], load_scenario(path)
        except (InvalidFile, ValueError):  # a valid persona file, not a scenario
            return [], None


def preview(scenario: Scenario, lang: str) -> str:
    """The script at a glance: id, version, kind, title, stages, criteria."""
    stages = " → ".join(s.id for s in scenario.stages) if getattr(scenario, "stages", None) else "—"
    criteria = ", ".join(c.id for c in scenario.criteria)
    return t(lang, "script_preview", id=scenario.id, version=scenario.version, kind=scenario.kind.value,
             title=scenario.title.get(lang), stages=stages, criteria=criteria)


async def on_script(update: Update, context: Context) -> None:
    """A YAML document from a jury member: lint it, then preview it."""
    rt = runtime(context)
    user = await require(rt, update, "jury")
    if user is None:
        return
    document = update.message.document
    lang = user.language
    if document.file_size and document.file_size > MAX_SCRIPT_BYTES:
        await update.message.reply_text(t(lang, "script_too_big"))
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    problems, scenario = await asyncio.to_thread(lint_document, document.file_name or "script.yaml", data)
    bot, chat = update.get_bot(), update.effective_chat.id
    if problems:
        await send_text(bot, chat, t(lang, "script_problems", count=len(problems)) + "\n" + "\n".join(problems))
        return
    text = t(lang, "script_valid")
    if scenario is not None:
        text += "\n\n" + preview(scenario, lang)
    await send_text(bot, chat, text)
