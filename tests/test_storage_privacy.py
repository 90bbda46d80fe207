"""Privacy: export everything about a user, erase them (nothing left that names them), purge audio."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, select

from scenarios.model import Audio, Scenario, Turn, Word
from storage.repository import NotFound, Repository
from storage.tables import all_tables

NAME = "Zéphyrine Quillard"
TELEGRAM_ID = 777_000_123_456
AUDIO = b"OggS\x00 raw voice of Zephyrine " + bytes(range(256))


def _populate(repo: Repository, scenario: Scenario) -> dict[str, Any]:
    """Two candidates and a trainer, each with data; returns their ids."""
    trainer = repo.get_or_create_user(telegram_id=111_222_333_444, display_name="Trainer Tom", role="trainer")
    target = repo.get_or_create_user(telegram_id=TELEGRAM_ID, display_name=NAME, language="fr")
    other = repo.get_or_create_user(telegram_id=555_666_777_888, display_name="Other Olga")
    cohort = repo.create_cohort("MDC 2026", owner_id=trainer, invite_code="join-1")
    for user in (target, other):
        repo.add_member(cohort, user)
    repo.assign(scenario.id, cohort_id=cohort, created_by=trainer)
    own_assignment = repo.assign(scenario.id, user_id=target, mode="exam", created_by=trainer)
    sessions = {}
    for user in (target, other):
        session_id = repo.start_session(
            user, scenario, "fr", "voice", assignment_id=own_assignment if user == target else None
        )
        repo.add_turn(session_id, Turn(speaker="persona", text="Bonjour, je vous écoute."), engine="scripted")
        name = NAME if user == target else "Other Olga"
        spoken = Turn(
            speaker="candidate",
            text=f"Je m'appelle {name}, quels volumes prévoyez-vous ?",
            audio=Audio(duration_s=3.0, words=[Word(w="Je", start=0.0, end=0.2)]),
        )
        repo.add_turn(
            session_id,
            spoken,
            confidence=0.9,
            fluency={"wpm": 120},
            audio_bytes=AUDIO if user == target else b"OggS other",
        )
        repo.set_session_state(session_id, {"chat_id": TELEGRAM_ID if user == target else 555_666_777_888})
        card = repo.save_scorecard(session_id, {"format": "oralblanc.scorecard/1", "about": name}, "v1")
        repo.review_scorecard(card, reviewer_id=trainer, status="confirmed", comment="Bien")
        repo.finish_session(session_id)
        sessions[user] = session_id
    return {"trainer": trainer, "target": target, "other": other, "cohort": cohort, "sessions": sessions}


def test_export_contains_everything_about_the_user(repo: Repository, sample_scenario: Scenario) -> None:
    ids = _populate(repo, sample_scenario)
    exported = repo.export_user(ids["target"])
    json.dumps(exported)  # JSON-able
    assert exported["format"] == "oralblanc.user-export/2"
    assert exported["user"]["display_name"] == NAME and exported["user"]["telegram_id"] == TELEGRAM_ID
    assert [m["cohort_name"] for m in exported["memberships"]] == ["MDC 2026"]
    assert [a["mode"] for a in exported["assignments"]] == ["exam"]
    (session,) = exported["sessions"]
    assert session["id"] == ids["sessions"][ids["target"]] and session["scenario_id"] == sample_scenario.id
    assert "script" not in session  # the script by id and version only (tests/test_privacy_export.py)
    assert [t["number"] for t in session["turns"]] == [1, 2]
    spoken = session["turns"][1]
    assert NAME in spoken["text"] and spoken["fluency"] == {"wpm": 120} and spoken["words"][0]["w"] == "Je"
    assert base64.b64decode(spoken["raw_audio"]["base64"]) == AUDIO
    assert session["turns"][0]["raw_audio"] is None
    assert [c["data"]["about"] for c in session["scorecards"]] == [NAME]
    assert "Other Olga" not in json.dumps(exported)

    trainer_export = repo.export_user(ids["trainer"], include_audio=False)
    assert [c["name"] for c in trainer_export["cohorts_owned"]] == ["MDC 2026"]
    assert len(trainer_export["assignments_created"]) == 2 and len(trainer_export["reviews_written"]) == 2
    assert trainer_export["sessions"] == []


def _references(engine: Engine, user_id: int) -> list[str]:
    """Every place in every table (reflected from the database) that still names the user."""
    metadata = MetaData()
    metadata.reflect(engine)
    assert set(all_tables()) <= set(metadata.tables)
    found: list[str] = []
    needles = (NAME, str(TELEGRAM_ID))
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            user_columns = {
                fk.parent.name for fk in table.foreign_keys if fk.column.table.name == "users"
            } | ({"id"} if table.name == "users" else set())
            for row in connection.execute(select(table)).mappings():
                for column, value in row.items():
                    where = f"{table.name}.{column}={value!r:.60}"
                    is_user_key = column in user_columns and value == user_id
                    is_telegram_id = (
                        isinstance(value, int) and not isinstance(value, bool) and value == TELEGRAM_ID
                    )
                    if is_user_key or is_telegram_id:
                        found.append(where)
                    elif isinstance(value, (bytes, memoryview)):
                        data = bytes(value)
                        if data == AUDIO or any(n.encode() in data for n in needles):
                            found.append(f"{table.name}.{column}=<bytes>")
                    elif value is not None and not isinstance(value, (int, float, datetime)):
                        text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
                        if any(n in text for n in needles):
                            found.append(where)
    return found


def test_after_erasure_no_row_names_the_user(
    repo: Repository, db_engine: Engine, sample_scenario: Scenario
) -> None:
    ids = _populate(repo, sample_scenario)
    target, other, trainer = ids["target"], ids["other"], ids["trainer"]
    assert _references(db_engine, target)  # the scan does find them before

    report = repo.erase_user(target)
    assert (
        report.deleted["users"] == 1 and report.deleted["turns"] == 2 and report.deleted["audio_blobs"] == 1
    )
    assert report.deleted["scorecards"] == 1 and report.deleted["memberships"] == 1
    assert _references(db_engine, target) == []
    with pytest.raises(NotFound):
        repo.user(target)
    with pytest.raises(NotFound):
        repo.session(ids["sessions"][target])

    # everyone else's data is intact
    kept = repo.session(ids["sessions"][other])
    assert [t.speaker for t in kept.turns] == ["persona", "candidate"] and kept.meta[1].has_audio
    assert repo.audio(kept.id, 2) == b"OggS other"
    assert [u.id for u in repo.members(ids["cohort"])] == [other]
    assert repo.latest_scorecard(kept.id).reviewer_id == trainer  # type: ignore[union-attr]

    # erasing the trainer detaches what they did for others, and deletes nothing of theirs
    report = repo.erase_user(trainer)
    assert report.detached["cohorts.owner_id"] == 1 and report.detached["scorecards.reviewer_id"] == 1
    card = repo.latest_scorecard(kept.id)
    assert card is not None and card.reviewer_id is None and card.review_status == "confirmed"
    assert repo.session(kept.id).turns == kept.turns


def test_after_erasure_the_sqlite_files_do_not_hold_the_user(
    tmp_path: Path, sample_scenario: Scenario
) -> None:
    """Deleted rows are zeroed on disk (secure_delete) and the WAL truncated: no file names the user."""
    from storage.db import make_engine

    path = tmp_path / "oralblanc.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    try:
        repo = Repository(engine)
        ids = _populate(repo, sample_scenario)

        def files() -> bytes:
            return b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith(path.name))

        assert NAME.encode() in files()
        repo.erase_user(ids["target"])
        data = files()
        assert NAME.encode() not in data and AUDIO not in data
        assert b"Other Olga" in data
    finally:
        engine.dispose()


def test_purge_removes_old_audio_only(db_engine: Engine, sample_scenario: Scenario) -> None:
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    repo = Repository(db_engine, clock=lambda: now[0])
    user = repo.get_or_create_user(display_name="alice")
    session_id = repo.start_session(user, sample_scenario, "fr", "voice")
    spoken = Turn(
        speaker="candidate",
        text="Bonjour",
        audio=Audio(duration_s=1.5, words=[Word(w="Bonjour", start=0.1, end=0.6)]),
    )
    repo.add_turn(session_id, spoken, confidence=0.8, audio_bytes=b"old audio")  # 1 January
    now[0] += timedelta(days=29)
    repo.add_turn(session_id, spoken, audio_bytes=b"recent audio")  # 30 January
    now[0] += timedelta(days=2)  # 1 February: the first is 31 days old, the second 2 days old

    assert repo.purge_audio(timedelta(days=30)) == 1
    assert repo.audio(session_id, 1) is None
    assert repo.audio(session_id, 2) == b"recent audio"
    record = repo.session(session_id)
    assert [m.has_audio for m in record.meta] == [False, True]
    assert record.turns == [spoken, spoken] and record.meta[0].confidence == 0.8  # what was derived stays
    assert repo.purge_audio(timedelta(days=30)) == 0
    assert repo.purge_audio(timedelta(0)) == 1


def test_old_update_ids_are_forgotten(db_engine: Engine) -> None:
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    repo = Repository(db_engine, clock=lambda: now[0])
    repo.mark_update_processed(1)
    now[0] += timedelta(days=3)
    repo.mark_update_processed(2)
    assert repo.forget_processed_updates(timedelta(days=2)) == 1
    assert repo.mark_update_processed(2) is False
