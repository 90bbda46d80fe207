"""The core's refusals (`bot.core.principal.Refused`) in the user's language: the reason code is the
text's key, its values fill it in (long references cut short)."""

from __future__ import annotations

from telegram import Update

from bot.core.principal import Refused
from bot.telegram.texts import t
from feedback.charts import short_code


def text(lang: str, refused: Refused) -> str:
    reason, v = refused.reason, refused.values
    if reason == "not_allowed":
        return t(lang, "not_allowed", roles=t(lang, "role_" + "_".join(v["roles"])))
    if reason == "ambiguous_cohort":
        ids = ", ".join(t(lang, "cohort_number", id=i) for i in v["ids"])
        return t(lang, reason, ref=str(v["ref"])[:64], ids=ids)
    if reason == "unknown_cohort":
        return t(lang, reason, ref=str(v["ref"])[:64])
    if reason == "unknown_scenario":
        return t(lang, reason, id=str(v["id"])[:64])
    if reason == "unknown_scorecard":
        return t(lang, reason, ref=str(v["ref"])[:16])
    if reason == "unknown_criterion":
        return t(lang, reason, code=str(v["code"])[:32], codes=v["codes"], full=v["full"])
    if reason == "amend_comment_required":
        return t(lang, reason, id=v["id"], code=short_code(v["code"]).replace(" ", ""), level=v["level"])
    if reason in ("no_upload", "already_published", "version_not_higher"):
        return t(lang, reason, id=str(v["id"])[:64], version=v["version"], live=v["live"], next=v["next"])
    if reason == "no_such_user":
        return t(lang, reason, ref=str(v["ref"])[:32])
    if reason == "not_that_role":
        return t(lang, reason, name=v["name"], tg=v["tg"], role=t(lang, f"role_one_{v['role']}"))
    if reason == "cohort_exists":
        return t(lang, reason, name=v["name"], id=v["id"])
    return t(lang, reason, **v)


async def reply(update: Update, lang: str, refused: Refused) -> None:
    """Answer the message the refused request came in."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(text(lang, refused))
