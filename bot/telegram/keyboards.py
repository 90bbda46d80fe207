"""Inline keyboards and their `callback_data` (Telegram allows at most 64 bytes).

Callback data is `action:arg:arg`, built by `pack` (which refuses anything over 64 bytes) and read by
`unpack`. A scenario is named by its id when it fits, else by a short hash of it (`#` + 12 hex
digits), resolved against the catalog by `resolve_scenario`. Nothing in a button refers to process
memory, so a button still works after a restart, on any worker.
"""

from __future__ import annotations

import hashlib
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.catalog import Catalog
from bot.telegram.texts import KIND_ICONS, Lang, t
from scenarios.model import Scenario

log = logging.getLogger(__name__)

MAX_CALLBACK_BYTES = 64
MAX_SCENARIO_REF = 40

# actions
SHOW = "sc"  # sc:<scenario>:<lang>   show the briefing (a new message)
RELANG = "sb"  # sb:<scenario>:<lang>  the same briefing in the other language (edited in place)
START = "go"  # go:<scenario>:<lang>   start a session
RESTART = "gx"  # gx:<scenario>:<lang>  abandon the active session, then start
REPORT = "rp"  # rp:<session id>        send the full report
DELETE = "del"  # del:yes | del:no
LANG = "lang"  # lang:fr | lang:en
MENU = "m"  # m:scenarios             the scenario list
HEARD_OK = "vk"  # vk:<update id>       a transcription the model was unsure of: yes, answer it
HEARD_NO = "vn"  # vn:<update id>       … no, I will send it again


def pack(action: str, *args: object) -> str:
    """`action:arg:...`; ValueError if it would exceed Telegram's 64 bytes or holds a colon."""
    parts = [action, *(str(a) for a in args)]
    if any(":" in p for p in parts):
        raise ValueError(f"callback data parts may not contain ':': {parts}")
    data = ":".join(parts)
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def unpack(data: str | None) -> tuple[str, list[str]]:
    """(action, args) of callback data; ("", []) for none."""
    if not data:
        return "", []
    action, *args = data.split(":")
    return action, args


def scenario_ref(scenario_id: str) -> str:
    """A short, stable reference to a scenario for callback data."""
    if len(scenario_id) <= MAX_SCENARIO_REF:
        return scenario_id
    return "#" + hashlib.sha1(scenario_id.encode("utf-8")).hexdigest()[:12]


def resolve_scenario(catalog: Catalog, ref: str) -> Scenario | None:
    """The scenario a reference names, or None if the library no longer has it."""
    if not ref.startswith("#"):
        return catalog.scenarios.get(ref)
    for scenario in catalog.scenarios.values():
        if scenario_ref(scenario.id) == ref:
            return scenario
    return None


def scenario_list(scenarios: list[Scenario], lang: str) -> InlineKeyboardMarkup:
    """One button per scenario, opening its briefing in `lang`."""
    rows = [
        [
            InlineKeyboardButton(
                f"{KIND_ICONS.get(s.kind.value, '•')} {s.title.get(_lang(lang))}",
                callback_data=pack(SHOW, scenario_ref(s.id), _lang(lang)),
            )
        ]
        for s in scenarios
    ]
    return InlineKeyboardMarkup(rows)


def briefing(scenario: Scenario, lang: str) -> InlineKeyboardMarkup:
    """Start in this language, or read the briefing in the other one."""
    other = "en" if lang == "fr" else "fr"
    ref = scenario_ref(scenario.id)
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t(lang, "start_button"), callback_data=pack(START, ref, lang))],
            [InlineKeyboardButton(t(lang, "other_language_button"), callback_data=pack(RELANG, ref, other))],
        ]
    )


def abandon_and_start(scenario: Scenario, session_lang: str, ui_lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(ui_lang, "abandon_button"),
                    callback_data=pack(RESTART, scenario_ref(scenario.id), session_lang),
                )
            ]
        ]
    )


def full_report(session_id: int, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(lang, "full_report_button"), callback_data=pack(REPORT, session_id))]]
    )


def confirm_delete(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(lang, "delete_yes"), callback_data=pack(DELETE, "yes")),
                InlineKeyboardButton(t(lang, "delete_no"), callback_data=pack(DELETE, "no")),
            ]
        ]
    )


def welcome(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(lang, "scenarios_button"), callback_data=pack(MENU, "scenarios"))]]
    )


def languages() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("🇫🇷 Français", callback_data=pack(LANG, "fr")),
                InlineKeyboardButton("🇬🇧 English", callback_data=pack(LANG, "en")),
            ]
        ]
    )


def _lang(lang: str) -> Lang:
    return "fr" if lang == "fr" else "en"


def unsure_transcription(update_id: int, lang: str) -> InlineKeyboardMarkup:
    """✅ answer it / 🔁 I will send it again, for a transcription the model was unsure of."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(lang, "heard_ok_button"), callback_data=pack(HEARD_OK, update_id)),
                InlineKeyboardButton(t(lang, "heard_no_button"), callback_data=pack(HEARD_NO, update_id)),
            ]
        ]
    )
