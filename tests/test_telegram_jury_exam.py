"""Jury /publish and /try, and exam mode's time limit and attempts, against the fake Bot API.

A published script becomes the live version (higher versions only); a session keeps the version it
started with; /try plays an unpublished upload in exam mode; an exam shows its time limit, a line after
it ends and scores the session; an exam assignment allows one attempt. /publish and /try are refused to
a user without the jury role.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.catalog import load_catalog
from storage.db import make_engine
from storage.repository import Repository
from tests.fake_bot_api import FakeBotAPI, FakeUser
from tests.telegram_support import SCENARIO, bot_running, bot_settings, line
from tests.test_telegram_staff import _join, _say, _send_script

ADMIN, TRAINER, JURY, ALICE, EVE = 900, 901, 902, 911, 913
LIBRARY = Path(__file__).resolve().parent.parent / "scenarios" / "library"


def _script(version: int) -> bytes:
    data = (LIBRARY / f"{SCENARIO}.yaml").read_bytes()
    data = re.sub(rb"(?m)^version: \d+", f"version: {version}".encode(), data, count=1)
    return data


async def _jury(api: FakeBotAPI) -> FakeUser:
    admin, jane = api.user(ADMIN, "Ada", "en"), api.user(JURY, "Jane", "en")
    await _say(api, jane, "/start")
    await _say(api, admin, f"/grant {JURY} jury")
    await api.wait_for(lambda: any("jury member role" in x for x in api.texts(JURY)), 15, "jane told")
    return jane


async def _upload(api: FakeBotAPI, jane: FakeUser, data: bytes) -> str:
    return (await api.reply_to(jane, lambda: _send_script(api, jane, "mine.yaml", data), timeout=30))[0].text


def test_catalog_overlay_keeps_the_highest_version() -> None:
    catalog = load_catalog()
    live = catalog.scenario(SCENARIO)
    newer = live.model_copy(update={"version": live.version + 1})
    older = live.model_copy(update={"version": live.version})
    assert catalog.with_scenarios([newer]).scenario(SCENARIO).version == live.version + 1
    assert catalog.with_scenarios([older]).scenario(SCENARIO) is live
    assert catalog.scenario(SCENARIO) is live  # frozen: a new catalog, this one unchanged


async def test_publish_makes_a_new_version_live_and_sessions_keep_theirs(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings) as app:
            jane = await _jury(api)
            alice = api.user(ALICE, "Alice", "fr")
            assert "No script sent" in (await _say(api, jane, f"/publish {SCENARIO}"))[0]
            assert "Usage" in (await _say(api, jane, "/publish"))[0]

            same = await _upload(api, jane, _script(1))
            assert "saved (not published)" in same and f"/publish {SCENARIO}" in same
            refused = (await _say(api, jane, f"/publish {SCENARIO}"))[0]
            assert "Refused" in refused and "v1" in refused and "2 at least" in refused

            await api.reply_to(alice, lambda: alice.send_text(f"/play {SCENARIO}"), count=2)  # starts on v1
            await _upload(api, jane, _script(2))
            done = (await _say(api, jane, f"/publish {SCENARIO}"))[0]
            assert "v2 is live" in done
            assert "already live" in (await _say(api, jane, f"/publish {SCENARIO}"))[0]
            services = app.bot_data["oralblanc.runtime"].services
            assert services.catalog.scenario(SCENARIO).version == 2
            assert services.rehearsal.catalog.scenario(SCENARIO).version == 2

            assert (await _say(api, alice, line(0)))[0].startswith("🗣")  # the v1 session goes on
            await _say(api, alice, "/end", count=2)
            await api.reply_to(alice, lambda: alice.send_text(f"/play {SCENARIO}"), count=2)  # a new one: v2

        repo = Repository(make_engine(settings.effective_database_url))
        alice_id = repo.find_user(f"tg:{ALICE}").id
        assert [s.scenario_version for s in repo.sessions_for_user(alice_id)] == [1, 2]
        jane_id = repo.find_user(f"tg:{JURY}").id
        assert [(s.version, s.published, s.published_by) for s in repo.published_scripts()] == [
            (2, True, jane_id)
        ]
        repo.engine.dispose()

        async with bot_running(settings) as app:  # a restart keeps the published version live
            assert app.bot_data["oralblanc.runtime"].services.catalog.scenario(SCENARIO).version == 2


async def test_try_plays_an_unpublished_upload_in_exam_mode(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            jane = await _jury(api)
            assert "/publish <id>" in (await _say(api, jane, "/help_staff"))[0]
            assert "Usage" in (await _say(api, jane, "/try"))[0]
            assert "nope" in (await _say(api, jane, "/try nope"))[0]
            live = await _say(api, jane, f"/try {SCENARIO}", count=4)
            assert "v1 (live version)" in live[0] and "30 min" in live[2]
            await _upload(api, jane, _script(3))
            tried = await _say(api, jane, f"/try {SCENARIO}", count=5)
            assert "abandoned" in tried[0] and "v3 (uploaded version, not published)" in tried[1]
            assert "No hints" in (await _say(api, jane, "/hint"))[0]
            ended = await _say(api, jane, "/end", count=2)
            assert "/20" in ended[1]  # a jury trial's report is not held back

        repo = Repository(make_engine(settings.effective_database_url))
        jane_id = repo.find_user(f"tg:{JURY}").id
        assert [s.scenario_version for s in repo.sessions_for_user(jane_id)] == [1, 3]
        assert repo.published_scripts() == []
        repo.engine.dispose()


async def _exam_candidate(api: FakeBotAPI) -> FakeUser:
    admin, alice = api.user(ADMIN, "Ada", "en"), api.user(ALICE, "Alice", "fr")
    await _join(api, admin, alice, "Exam")
    assert "mock exam" in (await _say(api, admin, f"/assign {SCENARIO} Exam exam"))[0]
    return alice


async def test_an_exam_shows_and_enforces_its_time_limit_and_allows_one_attempt(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            alice = await _exam_candidate(api)
            started = await _say(api, alice, f"/play {SCENARIO}", count=3)
            assert "30 min" in started[1] and "⏱" in started[1]
            assert (await _say(api, alice, line(0)))[0].startswith("🗣")

            repo = Repository(make_engine(settings.effective_database_url))
            alice_id = repo.find_user(f"tg:{ALICE}").id
            record = repo.active_session(alice_id)
            state = dict(record.state)
            past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
            state["telegram"] = {**state["telegram"], "deadline": past}
            repo.set_session_state(record.id, state)

            over = await _say(api, alice, line(1), count=2)
            assert "temps imparti (30 min) est écoulé" in over[0] and "Examen blanc" in over[1]
            finished = repo.session(record.id)
            assert finished.status == "finished" and line(1) not in [t.text for t in finished.turns]
            assert repo.latest_scorecard(record.id) is not None

            again = (await _say(api, alice, f"/play {SCENARIO}"))[0]
            assert again.startswith("⛔") and "1 tentative(s) sur 1" in again
            assert len(repo.sessions_for_user(alice_id)) == 1
            repo.engine.dispose()


async def test_a_practice_session_has_no_time_limit(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            alice = api.user(ALICE, "Alice", "en")
            started = await _say(api, alice, f"/play {SCENARIO}", count=2)
            assert not any("⏱" in s for s in started)
            await _say(api, alice, "/end", count=2)
            assert (
                len(await _say(api, alice, f"/play {SCENARIO}", count=2)) == 2
            )  # practice: no attempt limit


JURY_COMMANDS = [f"/publish {SCENARIO}", f"/try {SCENARIO}", f"/transcripts {SCENARIO}", "/transcript 1"]


@pytest.mark.parametrize("command", JURY_COMMANDS)
async def test_jury_commands_are_refused_without_the_role(tmp_path: Path, command: str) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            eve = api.user(EVE, "Eve", "fr")
            refusal = (await _say(api, eve, command))[0]
            assert refusal.startswith("⛔") and "membres du jury" in refusal
            bob = api.user(912, "Bob", "en")
            english = (await _say(api, bob, command))[0]
            assert english.startswith("⛔") and "jury members only" in english
            tom, admin = api.user(TRAINER, "Tom", "en"), api.user(ADMIN, "Ada", "en")
            await _say(api, tom, "/start")
            await _say(api, admin, f"/grant {TRAINER} trainer")
            await api.wait_for(lambda: any("trainer role" in x for x in api.texts(TRAINER)), 15, "tom told")
            answer = (await _say(api, tom, command))[0]  # a trainer is not a jury member…
            assert answer.startswith("⛔") != command.startswith(
                "/transcript"
            )  # …but reads their cohorts' sessions


def _exam_script(version: int, attempts: int) -> bytes:
    data = _script(version)
    return re.sub(
        rb"(?m)^(difficulty: .*)$", rb"\1\nexam: true\nattempts: " + str(attempts).encode(), data, count=1
    )


async def test_an_exam_script_is_always_played_as_an_exam_with_its_own_attempts(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            jane = await _jury(api)
            await _upload(api, jane, _exam_script(2, attempts=2))
            assert "v2 is live" in (await _say(api, jane, f"/publish {SCENARIO}"))[0]
            alice = api.user(ALICE, "Alice", "en")  # in no cohort: the script alone makes it an exam
            assert "(mock exam)" in (await _say(api, alice, "/scenarios"))[0]
            for _attempt in range(2):
                started = await _say(api, alice, f"/play {SCENARIO}", count=3)
                assert "⏱" in started[1] and "30 min" in started[1]
                assert "No hints" in (await _say(api, alice, "/hint"))[0]
                ended = await _say(api, alice, "/end", count=2)
                assert "Mock exam" in ended[1] and "/20" not in ended[1]  # held for a trainer
            refused = (await _say(api, alice, f"/play {SCENARIO}"))[0]
            assert refused.startswith("⛔") and "2 of 2 attempt(s)" in refused

        repo = Repository(make_engine(settings.effective_database_url))
        alice_id = repo.find_user(f"tg:{ALICE}").id
        assert [s.scenario_version for s in repo.sessions_for_user(alice_id)] == [2, 2]
        repo.engine.dispose()


async def test_a_trainer_sets_the_attempts_of_an_exam_assignment(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            admin, alice = api.user(ADMIN, "Ada", "en"), api.user(ALICE, "Alice", "fr")
            await _join(api, admin, alice, "Exam 2027")
            assert "1 to 20" in (await _say(api, admin, f"/assign {SCENARIO} Exam 2027 exam 0"))[0]
            done = (await _say(api, admin, f"/assign {SCENARIO} Exam 2027 exam 2"))[0]
            assert "mock exam, 2 attempt(s)" in done and "'Exam 2027'" in done
            await api.wait_for(lambda: any("2 tentative(s)" in x for x in api.texts(ALICE)), 15, "alice told")
            for _ in range(2):
                await _say(api, alice, f"/play {SCENARIO}", count=3)
                await _say(api, alice, "/end", count=2)
            refused = (await _say(api, alice, f"/play {SCENARIO}"))[0]
            assert refused.startswith("⛔") and "2 tentative(s) sur 2" in refused
