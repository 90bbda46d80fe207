"""Inline buttons: a scenario's briefing (and its other language), Start, abandon-and-start, the full
report, the erasure confirmation, the language, the welcome menu. Stale or foreign buttons (a session
that is not the user's, a scenario no longer in the library) get a short notice.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot.core import personal_data
from bot.core.principal import UserRecord
from bot.telegram import keyboards, views
from bot.telegram.chat_commands import send_report, send_scenarios, set_language, start_scenario
from bot.telegram.lines import confirm_unsure
from bot.telegram.roles import principal_of
from bot.telegram.runtime import BotRuntime, chat_id, runtime
from bot.telegram.scorecards import released
from bot.telegram.sending import ChatActionLoop, send_text
from bot.telegram.texts import t

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


async def on_button(update: Update, context: Context) -> None:
    """Every inline button, by the action in its callback data (see `keyboards`)."""
    query, tg_user = update.callback_query, update.effective_user
    if query is None or tg_user is None:  # not a button pressed by a person: nothing to answer
        return
    rt = runtime(context)
    user = await rt.user(tg_user)
    action, args = keyboards.unpack(query.data)
    catalog = rt.services.catalog
    if action in (keyboards.SHOW, keyboards.RELANG, keyboards.START, keyboards.RESTART) and len(args) == 2:
        scenario = keyboards.resolve_scenario(catalog, args[0])
        lang = "fr" if args[1] == "fr" else "en"
        if scenario is None:
            await query.answer(t(user.language, "stale_button"))
            return
        await query.answer()
        if action == keyboards.START or action == keyboards.RESTART:
            await start_scenario(
                rt, update, context, user, scenario.id, lang, abandon=action == keyboards.RESTART
            )
            return
        text = views.briefing(scenario, catalog.persona_of(scenario), lang, rt.settings.effective_engine)
        markup = keyboards.briefing(scenario, lang)
        if action == keyboards.RELANG and query.message is not None:
            await query.edit_message_text(text, reply_markup=markup)
        else:
            await send_text(update.get_bot(), chat_id(update), text, reply_markup=markup)
    elif action == keyboards.REPORT and args and args[0].isdigit():
        await _button_report(rt, update, query, user, int(args[0]))
    elif action == keyboards.DELETE and args:
        await query.answer()
        if args[0] == "yes":
            await personal_data.erase(rt.services.repo, principal_of(rt.settings, user))
            if context.user_data is not None:
                context.user_data.clear()
            await query.edit_message_text(t(user.language, "deleted"))
        else:
            await query.edit_message_text(t(user.language, "delete_cancelled"))
    elif action == keyboards.MENU and args == ["scenarios"]:
        await query.answer()
        await send_scenarios(rt, update, user)
    elif action in (keyboards.HEARD_OK, keyboards.HEARD_NO) and args and args[0].isdigit():
        if not await confirm_unsure(
            rt, update.get_bot(), chat_id(update), user, int(args[0]), keep=action == keyboards.HEARD_OK
        ):
            await query.answer(t(user.language, "stale_button"))
            return
        await query.answer()
        if query.message is not None:
            await query.edit_message_reply_markup(None)
    elif action == keyboards.LANG and args and args[0] in ("fr", "en"):
        await query.answer()
        await set_language(rt, update, user, args[0])
    else:
        await query.answer(t(user.language, "stale_button"))


async def _button_report(
    rt: BotRuntime, update: Update, query: CallbackQuery, user: UserRecord, session_id: int
) -> None:
    record = await rt.services.rehearsal.own_session(user.id, session_id)
    if record is None:
        await query.answer(t(user.language, "stale_button"))
        return
    if not await released(rt.services, session_id):
        await query.answer(t(user.language, "exam_pending"), show_alert=True)
        return
    await query.answer()
    numbers = [s.id for s in await rt.services.rehearsal.sessions_of(user.id)]
    async with ChatActionLoop(
        update.get_bot(), chat_id(update), ChatAction.UPLOAD_DOCUMENT, rt.options.typing_interval
    ):
        await send_report(rt, update, user, session_id, record.scenario_id, numbers.index(session_id) + 1)
