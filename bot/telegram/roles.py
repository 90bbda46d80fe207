"""Who may do what: admins come from the settings (`ORALBLANC_ADMINS`, Telegram ids), trainers and jury
members from the user's stored role (granted by an admin). An admin may also do what trainers and jury
members do. `require` answers a user without the role with a clear message, in their language.
"""

from __future__ import annotations

import logging
from typing import Literal

from telegram import Update

from bot.config import Settings
from bot.telegram.runtime import BotRuntime
from bot.telegram.texts import t
from storage.records import UserRecord

log = logging.getLogger(__name__)

StaffRole = Literal["admin", "trainer", "jury"]


def admin_ids(settings: Settings) -> set[int]:
    """The Telegram ids listed in `ORALBLANC_ADMINS` (comma- or space-separated; junk ignored)."""
    ids = set()
    for part in settings.admins.replace(",", " ").split():
        if part.strip().lstrip("-").isdigit():
            ids.add(int(part))
    return ids


def is_admin(settings: Settings, user: UserRecord) -> bool:
    return user.role == "admin" or (user.telegram_id is not None and user.telegram_id in admin_ids(settings))


def has_role(settings: Settings, user: UserRecord, role: StaffRole) -> bool:
    """True if `user` holds `role`, or is an admin."""
    return is_admin(settings, user) or (role != "admin" and user.role == role)


async def require(rt: BotRuntime, update: Update, role: StaffRole) -> UserRecord | None:
    """The user if they hold `role`; otherwise None, after telling them the command is not theirs."""
    user = await rt.user(update.effective_user)
    if has_role(rt.settings, user, role):
        return user
    log.info("user %s refused a %s command", user.id, role)
    await update.effective_message.reply_text(t(user.language, "not_allowed", roles=t(user.language, f"role_{role}")))
    return None


async def require_one_of(rt: BotRuntime, update: Update, roles: tuple[StaffRole, ...], args: list[str] | None,
                         usage: str) -> UserRecord | None:
    """`require_with_args` for a command several roles may send (each then sees what their role allows):
    a user holding none of `roles` is told who may send it."""
    user = await rt.user(update.effective_user)
    if not any(has_role(rt.settings, user, role) for role in roles):
        log.info("user %s refused a %s command", user.id, "/".join(roles))
        await update.effective_message.reply_text(
            t(user.language, "not_allowed", roles=t(user.language, "role_" + "_".join(roles)))
        )
        return None
    if not args:
        await update.effective_message.reply_text(t(user.language, usage))
        return None
    return user


async def require_with_args(rt: BotRuntime, update: Update, args: list[str] | None, role: StaffRole,
                            usage: str) -> UserRecord | None:
    """`require`, then the command's arguments: without any, the user gets the `usage` text and None."""
    user = await require(rt, update, role)
    if user is None:
        return None
    if not args:
        await update.effective_message.reply_text(t(user.language, usage))
        return None
    return user
