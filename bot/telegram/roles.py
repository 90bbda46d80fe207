"""Who may do what, on Telegram: the acting user's `Principal` (`bot.core.principal`: admins come from
the settings, `ORALBLANC_ADMINS`, Telegram ids; trainers and jury members from the stored role).
The use cases check the role themselves; the door asks first (`staff`) only so that a user without
the role hears "not for you" before any usage text, in their language.
"""

from __future__ import annotations

import logging

from telegram import Update

from bot.config import Settings
from bot.core.principal import Principal, Refused, StaffRole, UserRecord
from bot.core.principal import admin_ids as _admin_ids
from bot.telegram import refusals
from bot.telegram.runtime import BotRuntime
from bot.telegram.texts import t

log = logging.getLogger(__name__)

__all__ = [
    "StaffRole",
    "admin_ids",
    "has_role",
    "is_admin",
    "principal_of",
    "require",
    "require_one_of",
    "require_with_args",
    "staff",
]


def admin_ids(settings: Settings) -> set[int]:
    """The Telegram ids listed in `ORALBLANC_ADMINS` (comma- or space-separated; junk ignored)."""
    return _admin_ids(settings.admins)


def principal_of(settings: Settings, user: UserRecord) -> Principal:
    return Principal.of(user, settings.admins)


def is_admin(settings: Settings, user: UserRecord) -> bool:
    return principal_of(settings, user).is_admin


def has_role(settings: Settings, user: UserRecord, role: StaffRole) -> bool:
    """True if `user` holds `role`, or is an admin."""
    return principal_of(settings, user).has(role)


async def staff(
    rt: BotRuntime, update: Update, *roles: StaffRole, args: list[str] | None = None, usage: str | None = None
) -> tuple[UserRecord, Principal] | None:
    """The user and their principal if they hold one of `roles` (and, with `usage`, sent arguments);
    None once told that the command is not theirs (or how to write it), or for an update without a
    sender (not a person's message: nothing to answer)."""
    tg_user = update.effective_user
    if tg_user is None:
        return None
    user = await rt.user(tg_user)
    me = principal_of(rt.settings, user)
    try:
        me.require(*roles)
    except Refused as refused:
        log.info("user %s refused a %s command", user.id, "/".join(roles))
        await refusals.reply(update, user.language, refused)
        return None
    if usage is not None and not args:
        message = update.effective_message
        if message is not None:
            await message.reply_text(t(user.language, usage))
        return None
    return user, me


async def require(rt: BotRuntime, update: Update, role: StaffRole) -> UserRecord | None:
    """The user if they hold `role`; otherwise None, after telling them the command is not theirs."""
    found = await staff(rt, update, role)
    return found[0] if found else None


async def require_one_of(
    rt: BotRuntime, update: Update, roles: tuple[StaffRole, ...], args: list[str] | None, usage: str
) -> UserRecord | None:
    """`require_with_args` for a command several roles may send: a user holding none of `roles` is
    told who may send it."""
    found = await staff(rt, update, *roles, args=args, usage=usage)
    return found[0] if found else None


async def require_with_args(
    rt: BotRuntime, update: Update, args: list[str] | None, role: StaffRole, usage: str
) -> UserRecord | None:
    """`require`, then the command's arguments: without any, the user gets the `usage` text and None."""
    found = await staff(rt, update, role, args=args, usage=usage)
    return found[0] if found else None
