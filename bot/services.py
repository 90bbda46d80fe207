"""Heavy resources, built once at start-up and closed at shutdown: library, database, rehearsal."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from bot.catalog import Catalog, load_catalog
from bot.config import Settings
from bot.engines import Engines, actor_factory, judge_from_settings
from bot.rehearsal import Rehearsal
from scenarios.model import Scenario
from storage.db import make_engine
from storage.repository import AsyncRepository, Repository


@dataclass
class Services:
    settings: Settings
    catalog: Catalog
    engine: Engine
    repo: AsyncRepository
    rehearsal: Rehearsal
    engines: Engines

    async def refresh_catalog(self) -> Catalog:
        """The bundled library with the jury's published scripts over it; the rehearsal uses it from
        now on (sessions already started keep the script they froze)."""
        self.catalog = await live_catalog(self.repo, await asyncio.to_thread(load_catalog))
        self.rehearsal.catalog = self.catalog
        return self.catalog

    async def close(self) -> None:
        await self.engines.aclose()
        await asyncio.to_thread(self.engine.dispose)


async def live_catalog(repo: AsyncRepository, library: Catalog) -> Catalog:
    """`library` with every published script laid over it (the highest version of an id wins)."""
    published = [Scenario.model_validate(s.script) for s in await repo.published_scripts()]
    return library.with_scenarios(published)


async def open_services(settings: Settings) -> Services:
    engine = await asyncio.to_thread(make_engine, settings.effective_database_url)
    repo = AsyncRepository(Repository(engine))
    catalog = await live_catalog(repo, await asyncio.to_thread(load_catalog))
    engines = actor_factory(settings)
    judge = judge_from_settings(settings) if settings.judge else None
    return Services(settings, catalog, engine, repo, Rehearsal(repo, catalog, engines, judge), engines)
