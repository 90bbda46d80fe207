"""Who acts, and the one error a use case answers with when it will not act.

A `Principal` is the acting person as the core sees them: their user id, their roles, their language
and name (to sign an amendment). It is built from a stored user (`Principal.of`): the stored role
(candidate, trainer, jury, admin), plus admin when their Telegram id is listed in `ORALBLANC_ADMINS`.
An admin may do what trainers and jury members do. The terminal's operator (`Principal.operator`)
holds the database itself: every role, every cohort, acting as the person `--by` names (if any).

`Refused` is the one typed error of the core: a reason code (`not_allowed`, `unknown_cohort`,
`ambiguous_cohort`, `unknown_scorecard`…) and the values that explain it. Each door renders it in
its own words (Telegram in the person's language, the terminal as an `error:` line).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from storage.records import AmbiguousUser, NotFound, UserRecord
from storage.repository import AsyncRepository

__all__ = ["Principal", "Refused", "StaffRole", "UserRecord", "admin_ids", "person"]

StaffRole = Literal["admin", "trainer", "jury"]


class Refused(Exception):
    """A use case refused to act: `reason` says why (a code every door renders), `values` with what."""

    def __init__(self, reason: str, **values: Any) -> None:
        super().__init__(reason, values)
        self.reason = reason
        self.values = values

    def __str__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.values.items())
        return f"{self.reason} ({shown})" if shown else self.reason


def admin_ids(admins: str | Iterable[int]) -> set[int]:
    """The Telegram ids of `ORALBLANC_ADMINS` (comma- or space-separated; junk ignored)."""
    if not isinstance(admins, str):
        return set(admins)
    return {int(part) for part in admins.replace(",", " ").split() if part.strip().lstrip("-").isdigit()}


@dataclass(frozen=True)
class Principal:
    """The acting person: user id, roles, language and name; `operator` for the terminal's user."""

    user_id: int | None
    roles: frozenset[str]
    language: str = "fr"
    display_name: str = ""
    operator: bool = False
    user: UserRecord | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, user: UserRecord, admins: str | Iterable[int] = "") -> Principal:
        """The principal of a stored user; admin too when their Telegram id is among `admins`."""
        roles = {user.role}
        if user.telegram_id is not None and user.telegram_id in admin_ids(admins):
            roles.add("admin")
        return cls(user.id, frozenset(roles), user.language, user.display_name, user=user)

    @classmethod
    def for_operator(cls, user: UserRecord | None = None) -> Principal:
        """The terminal's operator, who has the database in hand: every role, every cohort; recorded
        as `user` (the person `--by` names) when given."""
        return cls(
            user.id if user else None,
            frozenset({"admin", "trainer", "jury"}),
            user.language if user else "en",
            user.display_name if user else "",
            operator=True,
            user=user,
        )

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def has(self, role: StaffRole) -> bool:
        """True if the principal holds `role`, or is an admin."""
        return self.is_admin or (role != "admin" and role in self.roles)

    def require(self, *roles: StaffRole) -> None:
        """Refuse (`not_allowed`, with the roles that may) unless the principal holds one of `roles`."""
        if not any(self.has(role) for role in roles):
            raise Refused("not_allowed", roles=roles)

    def is_self(self, user_id: int) -> bool:
        return self.user_id is not None and self.user_id == user_id


async def person(repo: AsyncRepository, ref: str | int) -> UserRecord:
    """The user `ref` names (`tg:<id>`, `id:<n>`, a display name…); `no_such_user` when none or several
    do (`message` says which)."""
    try:
        return await repo.find_user(ref)
    except (NotFound, AmbiguousUser) as exc:
        raise Refused("no_such_user", ref=str(ref), message=str(exc)) from None
