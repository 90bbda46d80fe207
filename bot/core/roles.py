"""Roles: an admin grants a person the trainer or jury role, or revokes it (back to candidate); the
person is told of a role granted, through the outbox. Admins themselves come from the settings
(`ORALBLANC_ADMINS`) or the stored role: they are not granted here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TypeGuard

from bot.core.outbox import Outbox, RoleGranted
from bot.core.principal import Principal, Refused, person
from storage.records import Role, UserRecord
from storage.repository import AsyncRepository

log = logging.getLogger(__name__)

GRANTABLE: tuple[Role, ...] = ("trainer", "jury")


def _grantable(role: str) -> TypeGuard[Role]:
    return role in GRANTABLE


@dataclass(frozen=True)
class RoleChanged:
    before: UserRecord
    after: UserRecord
    role: str
    granted: bool


async def _change(
    repo: AsyncRepository, me: Principal, ref: str, role: str, outbox: Outbox | None, *, granting: bool
) -> RoleChanged:
    me.require("admin")
    if not _grantable(role):
        raise Refused("not_grantable", role=role, grantable=GRANTABLE)
    try:
        target = await person(repo, ref)
    except Refused:
        raise Refused("no_such_user", ref=ref) from None
    if not granting and target.role != role:
        raise Refused("not_that_role", name=target.display_name, tg=target.telegram_id, role=role)
    await repo.update_user(target.id, role=role if granting else "candidate")
    after = await repo.user(target.id)
    log.info("user %s %s role %s by %s", target.id, "granted" if granting else "revoked", role, me.user_id)
    if granting and outbox is not None:
        await outbox.notify(after, RoleGranted(role))
    return RoleChanged(target, after, role, granting)


async def grant(repo: AsyncRepository, me: Principal, ref: str, role: str, outbox: Outbox) -> RoleChanged:
    """Give the user `ref` names the trainer or jury role (admins); they are told. Refused:
    `not_grantable`, `no_such_user`."""
    return await _change(repo, me, ref, role, outbox, granting=True)


async def revoke(repo: AsyncRepository, me: Principal, ref: str, role: str) -> RoleChanged:
    """Take the role back (admins): the user is a candidate again. Refused: `not_grantable`,
    `no_such_user`, `not_that_role` (they do not hold it)."""
    return await _change(repo, me, ref, role, None, granting=False)
