"""Signing in to the web console without a password: a one-time link.

A staff member (trainer, jury member, admin) asks for a link (`/web` on Telegram), or the terminal's
operator makes one for a staff member (`oralblanc web link --user tg:<id>`). The link holds a random
token; only its SHA-256 is stored. It opens one session, once, within `LINK_TTL` (15 minutes):
`redeem` spends it (refused: `bad_link` when unknown, used or expired, `not_allowed` when its person
is no longer staff). Each request then rebuilds the person's `Principal` from the stored user
(`signed_in`), so a role revoked takes effect at once.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.core.principal import Principal, Refused, StaffRole, UserRecord, person
from storage.repository import AsyncRepository

log = logging.getLogger(__name__)

LINK_TTL = timedelta(minutes=15)
STAFF: tuple[StaffRole, ...] = ("admin", "trainer", "jury")
PATH = "/signin/"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Link:
    token: str
    user: UserRecord
    expires_at: datetime

    def url(self, base_url: str) -> str:
        """The link on the console's public address."""
        return base_url.rstrip("/") + PATH + self.token


async def issue_link(
    repo: AsyncRepository,
    me: Principal,
    admins: str | Iterable[int] = "",
    *,
    for_ref: str | None = None,
    ttl: timedelta = LINK_TTL,
) -> Link:
    """A one-time sign-in link: for the principal (staff only), or, for an admin (the terminal's
    operator), for the staff member `for_ref` names. Refused: `not_allowed`, `no_such_user`."""
    me.require(*STAFF)
    if for_ref is None:
        if me.user is None and me.user_id is None:
            raise Refused("no_such_user", ref="")
        target = me.user or await repo.user(me.user_id)  # type: ignore[arg-type]
    else:
        me.require("admin")
        target = await person(repo, for_ref)
    Principal.of(target, admins).require(*STAFF)
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + ttl
    await repo.add_web_link(target.id, token_hash(token), expires_at=expires)
    log.info("web sign-in link for user %s made by %s", target.id, me.user_id)
    return Link(token, target, expires)


async def redeem(repo: AsyncRepository, token: str, admins: str | Iterable[int] = "") -> Principal:
    """Spend a link (once): the principal it signs in. Refused: `bad_link` (unknown, used, expired),
    `not_allowed` (its person is no longer staff)."""
    user_id = await repo.spend_web_link(token_hash(token[:200])) if token else None
    if user_id is None:
        raise Refused("bad_link")
    me = await signed_in(repo, user_id, admins)
    me.require(*STAFF)
    log.info("user %s signed in to the web console", user_id)
    return me


async def signed_in(repo: AsyncRepository, user_id: int, admins: str | Iterable[int] = "") -> Principal:
    """The principal of a signed-in user, as stored now; `no_such_user` when they were erased."""
    return Principal.of(await person(repo, f"id:{user_id}"), admins)
