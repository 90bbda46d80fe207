"""Cohorts: create one (with its invite code), list a trainer's own, their members, join one.

A trainer sees and acts on the cohorts they own; an admin (and the terminal's operator) on every
cohort. A cohort is named by its number, or by its name (case-insensitive, with or without quotes:
"Promo 2027", « Promo 2027 »); a name several visible cohorts share is refused (`ambiguous_cohort`),
never guessed. An owner's cohorts have different names. Anyone may join with an invite code, and is
then told (through the outbox) of the cohort's assignments they may still do.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from bot.catalog import Catalog
from bot.core.outbox import Outbox
from bot.core.principal import Principal, Refused
from storage.records import CohortRecord, UserRecord
from storage.repository import AsyncRepository

__all__ = ["CohortRecord", "Created", "Joined", "Listed"]

log = logging.getLogger(__name__)

# quotes a name may be typed between: "…", '…', «…», “…”, „…“, ‘…’
_OPENING, _CLOSING = "\"'«“„‘", "\"'»”“’"
SELF = -1  # `create(owner_id=SELF)`: the acting trainer owns it


def unquote(name: str) -> str:
    """A cohort name as typed, without the quotes around it: "Promo 2027", « Promo 2027 » → Promo 2027."""
    name = " ".join(name.split())
    if len(name) >= 2 and name[0] in _OPENING and name[-1] in _CLOSING:
        name = name[1:-1].strip(" \u00a0\u202f")
    return name


def same_name(a: str, b: str) -> bool:
    return unquote(a).casefold() == unquote(b).casefold()


async def visible(repo: AsyncRepository, me: Principal) -> list[CohortRecord]:
    """The cohorts the principal owns (every cohort for an admin or the operator)."""
    me.require("trainer")
    return await repo.cohorts_owned(None if me.is_admin else me.user_id)


async def find(repo: AsyncRepository, me: Principal, ref: str) -> list[CohortRecord]:
    """The principal's cohorts `ref` names: by number, else by name (case-insensitive, quotes or not)."""
    cohorts = await visible(repo, me)
    ref = unquote(ref)
    by_id = [c for c in cohorts if ref.isdigit() and c.id == int(ref)]
    return by_id or [c for c in cohorts if same_name(c.name, ref)]


async def one(repo: AsyncRepository, me: Principal, ref: str) -> CohortRecord:
    """The one cohort of the principal's that `ref` names; `unknown_cohort` when none does,
    `ambiguous_cohort` (with their numbers) when several do."""
    found = await find(repo, me, ref)
    if len(found) == 1:
        return found[0]
    if found:
        raise Refused("ambiguous_cohort", ref=unquote(ref), ids=[c.id for c in found])
    raise Refused("unknown_cohort", ref=unquote(ref))


async def trains(repo: AsyncRepository, me: Principal, candidate_id: int) -> bool:
    """Whether the candidate is a member of one of the principal's cohorts (of any cohort for an
    admin; anyone for the operator)."""
    if me.operator:
        return True
    if not me.has("trainer"):
        return False
    owned = {c.id for c in await visible(repo, me)}
    return bool(owned & {c.id for c in await repo.cohorts_of_member(candidate_id)})


@dataclass(frozen=True)
class Listed:
    cohort: CohortRecord
    members: int


async def list_owned(repo: AsyncRepository, me: Principal) -> list[Listed]:
    """The principal's cohorts, each with its number of members."""
    return [Listed(c, len(await repo.members(c.id))) for c in await visible(repo, me)]


@dataclass(frozen=True)
class Created:
    id: int
    name: str
    invite_code: str
    owner_id: int | None


async def create(repo: AsyncRepository, me: Principal, name: str, *, owner_id: int | None = SELF) -> Created:
    """A new cohort and its invite code, owned by the principal (an admin may name another owner, or
    none). Refused: `empty_name`; `cohort_exists` when the owner has a cohort of that name."""
    me.require("trainer")
    owner = me.user_id if owner_id == SELF else owner_id
    if owner != me.user_id and not me.is_admin:
        raise Refused("not_allowed", roles=("admin",))
    if not unquote(name):
        raise Refused("empty_name")
    same = [c for c in await repo.cohorts_owned(owner) if c.owner_id == owner and same_name(c.name, name)]
    if same:
        raise Refused("cohort_exists", name=same[0].name, id=same[0].id, owner_id=owner)
    code = secrets.token_urlsafe(12)
    cohort_id = await repo.create_cohort(name, owner_id=owner, invite_code=code)
    log.info("cohort %s created by user %s", cohort_id, me.user_id)
    return Created(cohort_id, name, code, owner)


async def members(repo: AsyncRepository, me: Principal, ref: str) -> tuple[CohortRecord, list[UserRecord]]:
    """The cohort `ref` names and its members."""
    cohort = await one(repo, me, ref)
    return cohort, await repo.members(cohort.id)


@dataclass(frozen=True)
class Joined:
    cohort: CohortRecord
    added: bool  # False: already a member


async def join(repo: AsyncRepository, me: Principal, code: str, catalog: Catalog, outbox: Outbox) -> Joined:
    """Join the cohort of an invite code (`bad_invite` if none); a new member is told, through
    `outbox`, of the assignments made before they joined that they may still do."""
    from bot.core import assignments

    if me.user_id is None:
        raise Refused("not_allowed", roles=("candidate",))
    cohort = await repo.cohort_by_invite(code[:64])
    if cohort is None:
        raise Refused("bad_invite")
    added = await repo.add_member(cohort.id, me.user_id)
    if added:
        await assignments.tell_open(repo, me, cohort.id, catalog, outbox)
    return Joined(cohort, added)
