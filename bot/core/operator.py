"""The terminal's way in: run one use case as the operator, on the configured database.

A terminal user has the database in hand (`DATABASE_URL`, else the SQLite file in the data
directory): they act as `Principal.for_operator`, with every role, recorded as the person `--by`
names when given. The use cases still run whole (their rules, their refusals), only the role check
passes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from bot.core.principal import Principal, person
from storage.repository import AsyncRepository

T = TypeVar("T")

__all__ = ["AsyncRepository", "run"]


def run(
    use: Callable[[AsyncRepository, Principal], Awaitable[T]],
    *,
    by: str | None = None,
    database_url: str | None = None,
) -> T:
    """`use(repo, operator)` on the database, opened for it and closed after; `by` (`tg:<id>`, `id:<n>`,
    a display name) is the person recorded as acting (`no_such_user` when none or several match)."""
    from bot.config import get_settings
    from storage.db import make_engine
    from storage.repository import Repository

    engine = make_engine(database_url or get_settings().effective_database_url)
    repo = AsyncRepository(Repository(engine))

    async def main() -> T:
        user = await person(repo, by) if by else None
        return await use(repo, Principal.for_operator(user))

    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: a command run from a shell
        running = False
    else:  # called from async code (a test, a notebook): run it on a loop of its own
        running = True
    try:
        if not running:
            return asyncio.run(main())
        with ThreadPoolExecutor(1, thread_name_prefix="oralblanc-operator") as pool:
            return pool.submit(asyncio.run, main()).result()
    finally:
        engine.dispose()


def upgrade_database(revision: str = "head", *, database_url: str | None = None) -> tuple[str | None, str]:
    """Apply the schema migrations up to `revision`; the revision the database is then at, and its URL
    (password hidden)."""
    from bot.config import get_settings
    from storage.db import current_revision, make_engine, upgrade

    url = database_url or get_settings().effective_database_url
    upgrade(url, revision)
    engine = make_engine(url, migrate=False)
    try:
        return current_revision(engine), engine.url.render_as_string(hide_password=True)
    finally:
        engine.dispose()


def open_repository(database_url: str | None = None) -> tuple[AsyncRepository, Callable[[], None]]:
    """The repository on the configured database (migrated), for a long-running door (the web
    console), and what closes it."""
    from bot.config import get_settings
    from storage.db import make_engine
    from storage.repository import Repository

    engine = make_engine(database_url or get_settings().effective_database_url)
    return AsyncRepository(Repository(engine)), engine.dispose
