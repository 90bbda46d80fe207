"""`oralblanc db upgrade` and `oralblanc data export | erase | purge`, on the test database."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.commands.data import app, data_app, db_app
from scenarios.model import Audio, Scenario, Turn
from storage.db import current_revision, head_revision, make_engine
from storage.repository import NotFound, Repository


def test_db_upgrade(cli_database: str) -> None:
    result = CliRunner().invoke(db_app, ["upgrade"])
    assert result.exit_code == 0, result.output
    assert f"revision {head_revision()}" in result.output
    engine = make_engine(cli_database, migrate=False)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
    assert CliRunner().invoke(app, ["db", "upgrade"]).exit_code == 0  # again, through the combined app


def _seed(url: str, scenario: Scenario, clock_days_ago: int = 0) -> tuple[int, int]:
    engine = make_engine(url)
    try:
        repo = Repository(engine)
        user = repo.get_or_create_user(telegram_id=909_090_909_090, display_name="Cli Camille")
        session_id = repo.start_session(user, scenario, "fr", "voice")
        repo.add_turn(
            session_id,
            Turn(speaker="candidate", text="Bonjour", audio=Audio(duration_s=1.0)),
            audio_bytes=b"voice",
        )
        return user, session_id
    finally:
        engine.dispose()


def test_data_export_erase(cli_database: str, sample_scenario: Scenario, tmp_path: Path) -> None:
    user, session_id = _seed(cli_database, sample_scenario)
    runner = CliRunner()

    result = runner.invoke(data_app, ["export", "Cli Camille"])
    assert result.exit_code == 0, result.output
    exported = json.loads(result.stdout)
    assert exported["user"]["id"] == user and exported["sessions"][0]["id"] == session_id

    out = tmp_path / "export.json"
    result = runner.invoke(data_app, ["export", "tg:909090909090", "--no-audio", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["sessions"][0]["turns"][0]["raw_audio"]["base64"] is None

    result = runner.invoke(data_app, ["export", "nobody"])
    assert result.exit_code == 1 and "no user named" in result.output

    result = runner.invoke(data_app, ["erase", f"id:{user}"], input="n\n")
    assert result.exit_code != 0  # declined: nothing erased
    result = runner.invoke(data_app, ["erase", f"id:{user}", "--yes"])
    assert result.exit_code == 0, result.output
    assert f"erased user {user}" in result.output
    engine = make_engine(cli_database)
    try:
        with pytest.raises(NotFound):
            Repository(engine).user(user)
    finally:
        engine.dispose()


def test_data_purge(cli_database: str, sample_scenario: Scenario) -> None:
    _, session_id = _seed(cli_database, sample_scenario)
    runner = CliRunner()
    result = runner.invoke(data_app, ["purge"])  # default retention: 30 days; the audio is new
    assert result.exit_code == 0, result.output
    assert "purged 0 raw audio older than 30 days" in result.output
    result = runner.invoke(data_app, ["purge", "--older-than-days", "0"])
    assert result.exit_code == 0, result.output
    assert "purged 1 raw audio" in result.output
    engine = make_engine(cli_database)
    try:
        repo = Repository(engine)
        assert repo.audio(session_id, 1) is None
        assert repo.purge_audio(timedelta(0)) == 0
    finally:
        engine.dispose()
