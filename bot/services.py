"""Heavy resources, built once at start-up and closed at shutdown: library, database, rehearsal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from bot.catalog import Catalog, load_catalog
from bot.config import Settings
from bot.engines import Engines, actor_factory, judge_from_settings
from bot.publishing import live_catalog
from bot.rehearsal import Rehearsal
from storage.db import make_engine
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

    async def refresh_catalog(self) -> Catalog:
        """The bundled library with the jury's published scripts over it; the rehearsal uses it from
        now on (sessions already started keep the script they froze)."""
        stamp = await self.repo.publication_stamp()
        self.catalog = await asyncio.to_thread(live_catalog, self.repo.sync)
        self.rehearsal.catalog = self.catalog
        self.catalog_stamp = stamp
        return self.catalog

    async def refresh_if_published(self) -> bool:
        """Reload the catalog if a script was published since it was built (by this process or
        another one sharing the database); True if it was reloaded."""
        if await self.repo.publication_stamp() == self.catalog_stamp:
            return False
        await self.refresh_catalog()
        log.info("catalog reloaded: %d scenarios", len(self.catalog.scenarios))
        return True

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
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        await self.engines.aclose()
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
