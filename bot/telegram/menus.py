"""The command menus of Telegram's UI: the candidates' for everyone (French for French users, English
otherwise), and for a trainer, jury member or admin a menu of their own chat that adds their commands.

A staff member's menu is set when the role is granted, removed when it is revoked, set for the admins
of `ORALBLANC_ADMINS` at start-up (once they have talked to the bot) and refreshed by `/help_staff`.
A menu is cosmetic: a failure is logged, never raised.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.config import Settings
from bot.core.principal import Refused, UserRecord, person
from bot.services import Services
from bot.telegram.roles import admin_ids, has_role, is_admin

log = logging.getLogger(__name__)

Entries = list[tuple[str, str]]

CANDIDATE: dict[str, Entries] = {
    "fr": [
        ("scenarios", "Choisir une mise en situation"),
        ("end", "Terminer et recevoir l'évaluation"),
        ("hint", "Un conseil (entraînement)"),
        ("report", "Renvoyer un rapport"),
        ("progress", "Ma progression"),
        ("voice", "Réponses vocales on/off"),
        ("lang", "Langue fr/en"),
        ("mydata", "Mes données"),
        ("deletemydata", "Effacer mes données"),
        ("help", "Aide"),
    ],
    "en": [
        ("scenarios", "Choose a role-play"),
        ("end", "End and get the scorecard"),
        ("hint", "A hint (practice)"),
        ("report", "Re-send a report"),
        ("progress", "My progress"),
        ("voice", "Voice replies on/off"),
        ("lang", "Language fr/en"),
        ("mydata", "My data"),
        ("deletemydata", "Erase my data"),
        ("help", "Help"),
    ],
}
TRAINER: dict[str, Entries] = {
    "fr": [
        ("cohort", "Mes groupes ; /cohort new <nom>"),
        ("assign", "Confier une mise en situation"),
        ("results", "Résultats d'un groupe"),
        ("review", "Évaluations à valider"),
        ("export", "CSV et synthèse"),
    ],
    "en": [
        ("cohort", "My cohorts; /cohort new <name>"),
        ("assign", "Assign a role-play"),
        ("results", "A cohort's results"),
        ("review", "Scorecards to decide on"),
        ("export", "CSV and summary"),
    ],
}
JURY: dict[str, Entries] = {
    "fr": [
        ("publish", "Mettre un script en ligne"),
        ("try", "Jouer un script en mode examen"),
        ("transcripts", "Séances d'un script, sans nom"),
    ],
    "en": [
        ("publish", "Make a script live"),
        ("try", "Play a script in exam mode"),
        ("transcripts", "A script's sessions, no names"),
    ],
}
ADMIN: dict[str, Entries] = {
    "fr": [("grant", "Donner un rôle"), ("revoke", "Retirer un rôle")],
    "en": [("grant", "Grant a role"), ("revoke", "Revoke a role")],
}
STAFF_HELP: dict[str, Entries] = {
    "fr": [("help_staff", "Commandes formateur et jury")],
    "en": [("help_staff", "Trainer and jury commands")],
}


def _lang(lang: str) -> str:
    return "fr" if lang == "fr" else "en"


def menu_for(settings: Settings, user: UserRecord) -> Entries:
    """The commands this user's menu lists: the candidates', then those of their roles."""
    lang = _lang(user.language)
    entries = list(CANDIDATE[lang])
    if has_role(settings, user, "trainer"):
        entries += TRAINER[lang]
    if has_role(settings, user, "jury"):
        entries += JURY[lang]
    if is_admin(settings, user):
        entries += ADMIN[lang]
    if len(entries) > len(CANDIDATE[lang]):
        entries += STAFF_HELP[lang]
    return entries


async def set_default_menus(bot: Bot) -> None:
    """Everyone's menu, in French for French users and English otherwise."""
    try:
        for lang, entries in CANDIDATE.items():
            await bot.set_my_commands(
                [BotCommand(n, d) for n, d in entries], language_code=None if lang == "en" else lang
            )
    except TelegramError as exc:
        log.warning("could not set the command menu: %s", exc)


async def set_user_menu(bot: Bot, settings: Settings, user: UserRecord) -> None:
    """The menu of this user's own chat: with their staff commands, or back to everyone's."""
    if user.telegram_id is None:
        return
    scope = BotCommandScopeChat(user.telegram_id)
    try:
        entries = menu_for(settings, user)
        if len(entries) > len(CANDIDATE[_lang(user.language)]):
            await bot.set_my_commands([BotCommand(n, d) for n, d in entries], scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except TelegramError as exc:  # e.g. an admin who has not talked to the bot yet
        log.info("could not set the menu of user %s: %s", user.id, exc)


async def set_admin_menus(bot: Bot, settings: Settings, services: Services) -> None:
    """The menus of the admins of `ORALBLANC_ADMINS` who have already talked to the bot."""
    for telegram_id in sorted(admin_ids(settings)):
        try:
            user = await person(services.repo, f"tg:{telegram_id}")
        except Refused:
            continue
        await set_user_menu(bot, settings, user)
