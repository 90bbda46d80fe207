"""Personal data: export everything stored about a person (JSON, `oralblanc.user-export/2`), or erase
them. A person acts on their own data; an admin (and the terminal's operator) on anyone's.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.core.principal import Principal, Refused
from storage.records import ErasureReport
from storage.repository import AsyncRepository

log = logging.getLogger(__name__)


def _check(me: Principal, user_id: int | None) -> int:
    target = me.user_id if user_id is None else user_id
    if target is None:
        raise Refused("no_such_user", ref="")
    if not me.is_self(target) and not me.is_admin:
        raise Refused("not_allowed", roles=("admin",))
    return target


@dataclass(frozen=True)
class Exported:
    user_id: int
    document: str  # JSON, indented
    with_audio: bool  # False: raw audio left out (not asked for, or too large)


async def export(
    repo: AsyncRepository,
    me: Principal,
    user_id: int | None = None,
    *,
    include_audio: bool = True,
    max_bytes: int | None = None,
) -> Exported:
    """Everything stored about a user (the principal by default) as JSON; raw audio included when asked
    for and the document then stays within `max_bytes` (else it is left out)."""
    target = _check(me, user_id)
    data = await repo.export_user(target, include_audio=include_audio)
    document = json.dumps(data, ensure_ascii=False, indent=2)
    if include_audio and max_bytes is not None and len(document.encode("utf-8")) > max_bytes:
        data = await repo.export_user(target, include_audio=False)
        document, include_audio = json.dumps(data, ensure_ascii=False, indent=2), False
    log.info("data of user %s exported by %s", target, me.user_id)
    return Exported(target, document, include_audio)


@dataclass(frozen=True)
class Erased:
    user_id: int
    report: ErasureReport
    session_ids: list[int]  # the sessions that were erased (a door may hold files of them)


async def erase(repo: AsyncRepository, me: Principal, user_id: int | None = None) -> Erased:
    """Erase a user (the principal by default): sessions, turns, audio, scorecards, memberships, the user."""
    target = _check(me, user_id)
    sessions = [s.id for s in await repo.sessions_for_user(target)]
    report = await repo.erase_user(target)
    log.info("user %s erased by %s", target, me.user_id)
    return Erased(target, report, sessions)


@dataclass(frozen=True)
class Purged:
    audio: int  # raw audio recordings deleted
    update_ids: int  # processed update ids forgotten


async def purge(
    repo: AsyncRepository, me: Principal, *, audio_older_than: timedelta, update_ids_older_than: timedelta
) -> Purged:
    """Delete raw audio past its retention period, and processed update ids no longer needed (admins)."""
    me.require("admin")
    audio = await repo.purge_audio(audio_older_than)
    updates = await repo.forget_processed_updates(update_ids_older_than)
    log.info("purged %s raw audio and %s update ids, by %s", audio, updates, me.user_id)
    return Purged(audio, updates)
