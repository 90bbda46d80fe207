"""Heavy resources, built once at start-up and closed at shutdown: library, database, rehearsal."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from bot.catalog import Catalog, load_catalog
from bot.config import Settings
from bot.engines import Engines, actor_factory, judge_from_settings
from bot.rehearsal import Rehearsal
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

    async def close(self) -> None:
        await self.engines.aclose()
        await asyncio.to_thread(self.engine.dispose)


async def open_services(settings: Settings) -> Services:
    catalog = await asyncio.to_thread(load_catalog)
    engine = await asyncio.to_thread(make_engine, settings.effective_database_url)
    repo = AsyncRepository(Repository(engine))
    engines = actor_factory(settings)
    judge = judge_from_settings(settings) if settings.judge else None
    return Services(settings, catalog, engine, repo, Rehearsal(repo, catalog, engines, judge), engines)
