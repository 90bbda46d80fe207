"""A script published through one process reaches the others sharing the database: each running bot
checks the publications every `ORALBLANC_CATALOG_REFRESH_SECONDS` and reloads its catalog when they
changed (on SQLite and PostgreSQL; on PostgreSQL this poll is only the safety net of the notifications,
`tests/test_catalog_notifications.py`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.config import Settings
from bot.services import open_services
from scenarios.model import Scenario
from storage.db import make_engine
from storage.repository import Repository
from tests.fake_bot_api import FakeBotAPI
from tests.telegram_support import SCENARIO, bot_running, bot_settings
from tests.test_telegram_jury_exam import ADMIN, _jury, _script, _upload
from tests.test_telegram_staff import _say


def _settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        engine="scripted",
        openai_api_key=None,
        openai_base_url=None,
        judge=False,
    )


def _publish(repo: Repository, scenario: Scenario, version: int) -> None:
    newer = scenario.model_copy(update={"version": version})
    repo.publish_script(repo.save_script(newer, "source", uploaded_by=None))


async def test_a_process_sees_what_another_published(database_url: str, tmp_path: Path) -> None:
    here = await open_services(_settings(database_url, tmp_path))
    there = await open_services(_settings(database_url, tmp_path))
    try:
        live = here.catalog.scenario(SCENARIO)
        assert not await there.refresh_if_published()  # nothing new: no reload

        _publish(here.repo.sync, live, live.version + 1)
        await here.refresh_catalog()
        assert there.catalog.scenario(SCENARIO).version == live.version  # not yet
        assert await there.refresh_if_published()
        assert there.catalog.scenario(SCENARIO).version == live.version + 1
        assert there.rehearsal.catalog is there.catalog
        assert not await there.refresh_if_published()
        assert not await here.refresh_if_published()  # its own publication is already in its catalog
    finally:
        await here.close()
        await there.close()


async def test_the_watch_reloads_in_the_background_and_stops_on_close(
    database_url: str, tmp_path: Path
) -> None:
    services = await open_services(_settings(database_url, tmp_path))
    try:
        live = services.catalog.scenario(SCENARIO)
        services.watch_publications(0.05)
        _publish(services.repo.sync, live, live.version + 5)
        for _ in range(200):
            if services.catalog.scenario(SCENARIO).version == live.version + 5:
                break
            await asyncio.sleep(0.05)
        assert services.catalog.scenario(SCENARIO).version == live.version + 5
        watcher = services._watcher
        assert watcher is not None and not watcher.done()
    finally:
        await services.close()
    assert watcher.cancelled() and services._watcher is None


async def test_two_bots_on_one_database_a_publication_on_one_goes_live_on_the_other(tmp_path: Path) -> None:
    async with FakeBotAPI() as api_a, FakeBotAPI(first_update_id=50_001) as api_b:  # one bot, two workers
        settings_a = bot_settings(tmp_path, api_a, admins=f"{ADMIN}", catalog_refresh_seconds=0)
        settings_b = bot_settings(tmp_path, api_b, admins=f"{ADMIN}", catalog_refresh_seconds=0.1)
        async with bot_running(settings_a), bot_running(settings_b) as app_b:
            jane = await _jury(api_a)
            await _upload(api_a, jane, _script(4))
            assert "v4 is live" in (await _say(api_a, jane, f"/publish {SCENARIO}"))[0]

            services_b = app_b.bot_data["oralblanc.runtime"].services
            for _ in range(100):
                if services_b.catalog.scenario(SCENARIO).version == 4:
                    break
                await asyncio.sleep(0.1)
            assert services_b.catalog.scenario(SCENARIO).version == 4
            alice = api_b.user(911, "Alice", "fr")
            await api_b.reply_to(alice, lambda: alice.send_text(f"/play {SCENARIO}"), count=2)

        repo = Repository(make_engine(settings_b.effective_database_url))
        try:
            alice_id = repo.find_user("tg:911").id
            assert [s.scenario_version for s in repo.sessions_for_user(alice_id)] == [4]
        finally:
            repo.engine.dispose()
