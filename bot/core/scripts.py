"""The jury's scripts: upload one (linted like `oralblanc scenarios lint`; only a clean scenario is
stored, unpublished), publish the latest upload of an id (its version must be higher than the live
one), pick the version a jury member tries (the latest upload when newer than the live one), list the
uploads. The rules themselves are `bot.publishing`'s; this module checks who may (the jury, admins).

Publishing changes the live catalog: the door that holds one (a running bot) refreshes it after, and
on PostgreSQL the publication is announced to every process (`storage.notifications`): a door that
holds a catalog without `bot.services` (the web console) follows them with `follow_publications`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot import publishing
from bot.catalog import Catalog
from bot.core.principal import Principal, Refused
from bot.publishing import TrialSource, preview_fields
from scenarios.model import Scenario
from storage.notifications import CatalogListener
from storage.records import ScriptRecord
from storage.repository import AsyncRepository

__all__ = [
    "Published",
    "Trial",
    "Uploaded",
    "follow_publications",
    "live_catalog",
    "list_uploads",
    "preview_fields",
    "publish",
    "script_to_try",
    "upload",
    "upload_file",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Uploaded:
    """What linting found (`problems`: `FILE:LINE: message` lines); when none, the scenario and the
    number it was stored under (`scenario` None: a valid file that is not a scenario, nothing stored)."""

    problems: list[str]
    scenario: Scenario | None
    number: int | None


async def _store(
    repo: AsyncRepository, me: Principal, problems: list[str], scenario: Scenario | None, source: str
) -> Uploaded:
    if problems or scenario is None:
        return Uploaded(problems, scenario, None)
    number = await repo.save_script(scenario, source, uploaded_by=me.user_id)
    log.info("script %s v%s uploaded by user %s (no. %s)", scenario.id, scenario.version, me.user_id, number)
    return Uploaded([], scenario, number)


async def upload(repo: AsyncRepository, me: Principal, file_name: str, data: bytes) -> Uploaded:
    """A script received as bytes: linted in a worker thread (the lines name the file as it was sent)."""
    me.require("jury")
    problems, scenario = await asyncio.to_thread(publishing.lint_document, file_name or "script.yaml", data)
    return await _store(repo, me, problems, scenario, data.decode("utf-8", errors="replace"))


async def upload_file(repo: AsyncRepository, me: Principal, path: Path) -> Uploaded:
    """A script file: linted (the lines name `path`) in a worker thread."""
    me.require("jury")
    problems, scenario = await asyncio.to_thread(publishing.lint_script, path)
    source = path.read_text(encoding="utf-8") if not problems and scenario is not None else ""
    return await _store(repo, me, [str(p) for p in problems], scenario, source)


async def live_catalog(repo: AsyncRepository) -> Catalog:
    """The bundled library with every published script over it (for a door without a running bot)."""
    return await asyncio.to_thread(publishing.live_catalog, repo.sync)


def follow_publications(repo: AsyncRepository, use: Callable[[Catalog], None]) -> CatalogListener | None:
    """On PostgreSQL: a started listener that hands `use` the live catalog whenever any process
    publishes a script (and each time it reconnects, for what it missed); `aclose()` it at shutdown.
    None on SQLite (nothing announces publications there)."""
    engine = repo.sync.engine
    if engine.dialect.name != "postgresql":
        return None

    async def heard(payload: str | None) -> None:
        use(await live_catalog(repo))
        if payload:
            log.info("live catalog reloaded: %s", payload)

    listener = CatalogListener(engine.url.render_as_string(hide_password=False), heard)
    listener.start()
    return listener


@dataclass(frozen=True)
class Published:
    scenario_id: str
    version: int
    script: ScriptRecord


async def publish(repo: AsyncRepository, me: Principal, live: Catalog, scenario_id: str) -> Published:
    """Make the latest upload of `scenario_id` live. Refused: `no_upload`, `already_published`,
    `version_not_higher` (with `version`, `live` and `next`, the lowest version that would go live)."""
    me.require("jury")
    check = publishing.check_publish(await repo.latest_upload(scenario_id), live.scenarios.get(scenario_id))
    if check.refusal is not None:
        raise Refused(
            check.refusal,
            id=scenario_id,
            version=check.upload.version if check.upload else "",
            live=check.live_version,
            next=check.next_version,
        )
    assert check.upload is not None
    script = await repo.publish_script(check.upload.id, published_by=me.user_id)
    log.info("script %s v%s published by user %s", scenario_id, check.upload.version, me.user_id)
    return Published(scenario_id, check.upload.version, script)


@dataclass(frozen=True)
class Trial:
    scenario: Scenario
    source: TrialSource  # "uploaded" (not published) or "live"


async def script_to_try(repo: AsyncRepository, me: Principal, live: Catalog, scenario_id: str) -> Trial:
    """The script a jury member tries: the latest upload when newer than the live version, else the
    live one; `unknown_scenario` when there is neither (or its persona is unknown)."""
    me.require("jury")
    scenario, source = publishing.script_to_try(
        await repo.latest_upload(scenario_id), live.scenarios.get(scenario_id)
    )
    if scenario is None or scenario.persona not in live.personas:
        raise Refused("unknown_scenario", id=scenario_id)
    return Trial(scenario, source)


@dataclass(frozen=True)
class Uploads:
    scripts: list[ScriptRecord]
    live: dict[
        str, tuple[int, int | None] | None
    ]  # per id: (live version, the published script's number or None for the library), None: not live


async def list_uploads(repo: AsyncRepository, me: Principal, live: Catalog, *, mine: bool = False) -> Uploads:
    """Every uploaded script (`mine`: only the principal's, and the other versions of the same ids),
    and per id its live version (from a published upload or the library)."""
    me.require("jury")
    scripts = list(await repo.uploaded_scripts())
    if mine:
        own = {s.scenario_id for s in scripts if s.uploaded_by is not None and s.uploaded_by == me.user_id}
        scripts = [s for s in scripts if s.scenario_id in own]
    state: dict[str, tuple[int, int | None] | None] = {}
    for scenario_id in sorted({s.scenario_id for s in scripts}):
        current = live.scenarios.get(scenario_id)
        if current is None:
            state[scenario_id] = None
            continue
        published = [
            s
            for s in scripts
            if s.scenario_id == scenario_id and s.published and s.version == current.version
        ]
        state[scenario_id] = (current.version, published[-1].id if published else None)
    return Uploads(scripts, state)


async def check(me: Principal, file_name: str, text: str) -> Uploaded:
    """Lint a script being written, without storing it (the editor's lint as they type): the same
    `FILE:LINE: message` lines as `oralblanc scenarios lint`, and the scenario when it is clean."""
    me.require("jury")
    problems, scenario = await asyncio.to_thread(
        publishing.lint_document, file_name or "script.yaml", text.encode("utf-8")
    )
    return Uploaded(problems, scenario, None)


async def source_to_edit(repo: AsyncRepository, me: Principal, scenario_id: str) -> str | None:
    """The YAML a jury member starts from to edit `scenario_id`: its latest upload, else the bundled
    library file; None when there is neither."""
    me.require("jury")
    upload = await repo.latest_upload(scenario_id)
    if upload is not None and upload.source:
        return upload.source
    from scenarios.loader import LIBRARY

    path = LIBRARY / f"{scenario_id}.yaml"
    if publishing.plain_id(scenario_id) != scenario_id or not path.is_file():
        return None
    return await asyncio.to_thread(path.read_text, encoding="utf-8")
