"""Heavy resources, built once at start-up and closed at shutdown: library, database, rehearsal.

The composition of the application: the one place, with the core, that touches `storage` (the
engine from DATABASE_URL, its migrations, the repository). The doors (`bot.telegram`, `bot.queue`,
the terminal, the web console) open what they need here and call the core with it
(docs/architecture.md):
- `open_services` everything a bot, worker, terminal or web console runs on; `Services.inbox` the
  update and voice inboxes (`bot.core.inbox`);
- `opened_inbox(url)` only the update inbox, for the webhook ingress (no catalog, no engines);
- `database_url(url)` DATABASE_URL as the database layer reads it; `migrate_database(url)` its
  tables brought to the current schema.

The catalog (the library with the jury's published scripts over it) is kept current by `watch_catalog`:
on PostgreSQL a listener hears each publication as soon as it commits, whichever process made it
(`storage.notifications`: LISTEN/NOTIFY on a dedicated connection, reconnected with backoff, with a
refresh on each (re)connection), and a slow poll (every 600 s by default) is kept only as a safety
net; on SQLite (the embedded default, one process) the poll every 30 s is all there is. Refreshes are
serialised, so a slow one never lays an older catalog over a newer one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from bot.catalog import Catalog, load_catalog
from bot.config import Settings
from bot.core.inbox import Inbox
from bot.engines import Engines, actor_factory, judge_from_settings
from bot.publishing import live_catalog
from bot.rehearsal import Rehearsal
from storage.db import make_engine, normalize_url
from storage.notifications import CatalogListener
from storage.repository import AsyncRepository, Repository

log = logging.getLogger(__name__)
Stamp = tuple[int, datetime | None]


@dataclass
class Services:
    settings: Settings
    catalog: Catalog
    engine: Engine
    repo: AsyncRepository
    rehearsal: Rehearsal
    engines: Engines
    catalog_stamp: Stamp | None = None  # the publications the catalog reflects
    _watcher: asyncio.Task[None] | None = field(default=None, repr=False)
    _listener: CatalogListener | None = field(default=None, repr=False)
    _refreshing: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    @property
    def inbox(self) -> Inbox:
        """The update and voice inboxes (the core's view of that part of the repository)."""
        return Inbox(self.repo)

    async def refresh_catalog(self) -> Catalog:
        """The bundled library with the jury's published scripts over it; the rehearsal uses it from
        now on (sessions already started keep the script they froze)."""
        async with self._refreshing:
            return await self._reload()

    async def _reload(self) -> Catalog:
        stamp = await self.repo.publication_stamp()
        self.catalog = await asyncio.to_thread(live_catalog, self.repo.sync)
        self.rehearsal.catalog = self.catalog
        self.catalog_stamp = stamp
        return self.catalog

    async def refresh_if_published(self) -> bool:
        """Reload the catalog if a script was published since it was built (by this process or
        another one sharing the database); True if it was reloaded."""
        async with self._refreshing:
            if await self.repo.publication_stamp() == self.catalog_stamp:
                return False
            await self._reload()
        log.info("catalog reloaded: %d scenarios", len(self.catalog.scenarios))
        return True

    @property
    def notified(self) -> bool:
        """Whether publications are announced to every process (PostgreSQL's LISTEN/NOTIFY)."""
        return self.engine.dialect.name == "postgresql"

    def watch_catalog(self) -> None:
        """Keep the catalog current until `close`: the listener on PostgreSQL, and the poll (the
        safety net there; all there is on SQLite) every `Settings.catalog_poll_seconds`."""
        if self.notified:
            self.listen_for_publications()
        self.watch_publications(self.settings.catalog_poll_seconds(notified=self.notified))

    def listen_for_publications(
        self, *, min_backoff: float = 0.5, max_backoff: float = 30.0
    ) -> CatalogListener | None:
        """Reload the catalog as soon as any process publishes (PostgreSQL only; None elsewhere);
        a lost connection is tried again after `min_backoff` seconds, doubling up to `max_backoff`."""
        if not self.notified:
            return None
        if self._listener is None:
            url = self.engine.url.render_as_string(hide_password=False)
            self._listener = CatalogListener(
                url, self._heard, min_backoff=min_backoff, max_backoff=max_backoff
            )
            self._listener.start()
        return self._listener

    async def _heard(self, payload: str | None) -> None:
        """A notification (`payload`), or the listener (re)connected (None): reload if anything changed."""
        if await self.refresh_if_published() and payload:
            log.info("catalog reloaded on a notification: %s", payload)

    def watch_publications(self, interval: float) -> None:
        """Look for new publications every `interval` seconds until `close` (0: don't watch)."""
        if interval > 0 and self._watcher is None:
            self._watcher = asyncio.create_task(self._watch(interval), name="oralblanc-catalog-watch")

    async def _watch(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.refresh_if_published()
            except Exception:  # a database hiccup must not end the watch
                log.exception("could not check for published scripts")

    async def close(self) -> None:
        if self._listener is not None:
            await self._listener.aclose()
            self._listener = None
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        await self.engines.aclose()
        await asyncio.to_thread(self.repo.close)
        await asyncio.to_thread(self.engine.dispose)


async def open_services(settings: Settings) -> Services:
    engine = await asyncio.to_thread(make_engine, settings.effective_database_url)
    repo = AsyncRepository(Repository(engine))
    library = await asyncio.to_thread(load_catalog)
    engines = actor_factory(settings)
    judge = judge_from_settings(settings) if settings.judge else None
    services = Services(settings, library, engine, repo, Rehearsal(repo, library, engines, judge), engines)
    await services.refresh_catalog()  # the jury's published scripts over the library
    return services


def database_url(url: str) -> str:
    """DATABASE_URL as the database layer reads it (the driver named: `postgresql+psycopg://…`)."""
    return normalize_url(url)


def migrate_database(url: str) -> None:
    """The database's tables brought to the current schema (its migrations), then let go of."""
    make_engine(url).dispose()


@contextlib.asynccontextmanager
async def opened_inbox(url: str) -> AsyncIterator[Inbox]:
    """The update inbox of the database at `url` (already migrated), closed on leaving."""
    engine = await asyncio.to_thread(make_engine, url, migrate=False)
    repo = AsyncRepository.from_engine(engine)
    try:
        yield Inbox(repo)
    finally:
        await asyncio.to_thread(repo.close)
        engine.dispose()
