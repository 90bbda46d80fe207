"""The core's outbox on Telegram: each notice rendered in the recipient's language and sent to their
own chat (never to the chat the command came from). A user without a Telegram account, or who
blocked the bot, is not told: `notify` answers False and the core counts who was.
"""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.core.assignments import EXAM_ATTEMPTS
from bot.core.outbox import AssignmentMade, Notice, RoleGranted, ScoreAmended, ScoreConfirmed
from bot.core.principal import UserRecord
from bot.telegram import keyboards
from bot.telegram.sending import send_text
from bot.telegram.texts import Lang, t
from feedback.charts import short_code
from feedback.report import summary

log = logging.getLogger(__name__)


def mode_text(lang: str, mode: str, attempts: int) -> str:
    """ "mock exam, 2 attempts" / "practice"."""
    return t(lang, f"mode_{mode}") + (t(lang, "attempts_suffix", n=attempts) if mode == "exam" else "")


def due_text(lang: str, due: datetime | None) -> str:
    return t(lang, "due_suffix", date=due.date().isoformat()) if due else ""


def level_text(level: int | None) -> str:
    return "–" if level is None else str(level)


def render(notice: Notice, lang: Lang) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The messages (text, buttons) that tell a person of `notice`, in `lang`."""
    if isinstance(notice, AssignmentMade):
        scenario = notice.scenario
        text = t(
            lang,
            "assignment_notice",
            mode=mode_text(lang, notice.mode, notice.attempts or EXAM_ATTEMPTS),
            due=due_text(lang, notice.due),
            title=scenario.title.get(lang),
        )
        button = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t(lang, "open_button"),
                        callback_data=keyboards.pack(
                            keyboards.SHOW, keyboards.scenario_ref(scenario.id), lang
                        ),
                    )
                ]
            ]
        )
        return [(text, button)]
    if isinstance(notice, ScoreConfirmed):
        return [(t(lang, "told_confirmed", title=notice.title_in(lang)), None), (summary(notice.card), None)]
    if isinstance(notice, ScoreAmended):
        told = t(
            lang,
            "told_amended",
            title=notice.title_in(lang),
            code=short_code(notice.code),
            old=level_text(notice.old),
            level=notice.level,
            comment=notice.comment,
        )
        return [(told, None), (summary(notice.card), None)]
    assert isinstance(notice, RoleGranted)
    return [(t(lang, "you_are_now", role=t(lang, f"role_one_{notice.role}")), None)]


class TelegramOutbox:
    """Sends the core's notices through `bot`."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def notify(self, recipient: UserRecord, notice: Notice) -> bool:
        if recipient.telegram_id is None:
            return False
        sent = False
        for text, markup in render(notice, recipient.language):
            try:
                await send_text(self.bot, recipient.telegram_id, text, reply_markup=markup)
                sent = True
            except TelegramError as exc:
                log.warning("could not tell user %s: %s", recipient.id, exc)
        return sent
