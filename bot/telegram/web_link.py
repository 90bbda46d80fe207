"""/web (trainers, jury members, admins): a one-time link to the web console (`bot.core.sign_in`),
sent without a link preview (a preview would fetch the page; the link is spent only by the button on
it anyway). The link is valid 15 minutes, once, on `ORALBLANC_WEB_URL`."""

from __future__ import annotations

import logging

from telegram import LinkPreviewOptions, Update
from telegram.ext import ContextTypes

from bot.core import sign_in
from bot.core.principal import Refused
from bot.telegram import refusals
from bot.telegram.roles import staff
from bot.telegram.runtime import runtime

log = logging.getLogger(__name__)

TEXTS = {
    "fr": "Votre lien de connexion à la console (usage unique, valable 15 minutes) :\n{url}\n"
    "Ne le transmettez à personne.",
    "en": "Your sign-in link to the console (single use, valid for 15 minutes):\n{url}\nDo not pass it on.",
}


async def web(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/web: a one-time sign-in link to the web console."""
    rt = runtime(context)
    found = await staff(rt, update, *sign_in.STAFF)
    if found is None:
        return
    user, me = found
    try:
        made = await sign_in.issue_link(rt.services.repo, me, rt.settings.admins)
    except Refused as refused:
        await refusals.reply(update, user.language, refused)
        return
    text = TEXTS["fr" if user.language == "fr" else "en"].format(url=made.url(rt.settings.web_url))
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, link_preview_options=LinkPreviewOptions(is_disabled=True))
