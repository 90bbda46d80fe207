"""Admins and trainers on Telegram, end to end against the fake Bot API (SQLite in tmp_path).

The acceptance scenario of issue 8: an admin grants a trainer; the trainer creates a cohort; two
candidates join through the invite link; the trainer assigns a scenario and both are told; both play;
the trainer confirms one scorecard and amends the other; each candidate sees only their own; /results
and the CSV hold both. Then: every staff command refused to a user without the role.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from bot.config import Settings
from storage.db import make_engine
from storage.repository import Repository
from tests.fake_bot_api import FakeBotAPI, FakeUser
from tests.telegram_support import SCENARIO, bot_running, bot_settings, line

ADMIN, TRAINER, ALICE, BOB, EVE = 900, 901, 911, 912, 913


def _repo(settings: Settings) -> Repository:
    return Repository(make_engine(settings.effective_database_url))


async def _say(
    api: FakeBotAPI, user: FakeUser, text: str, count: int = 1, timeout: float = 30.0
) -> list[str]:
    return [c.text for c in await api.reply_to(user, lambda: user.send_text(text), count, timeout)]


async def _join(api: FakeBotAPI, owner: FakeUser, member: FakeUser, cohort: str) -> None:
    """`owner` creates the cohort; `member` joins it through its invite link."""
    created = (await _say(api, owner, f"/cohort new {cohort}"))[0]
    code = re.search(r"start=([\w-]+)", created).group(1)
    await _say(api, member, f"/start {code}", count=3)


async def _play(api: FakeBotAPI, user: FakeUser, turns: int) -> None:
    """Open the assigned scenario from the notice's button, play `turns` lines, then /end."""
    briefing = (await api.reply_to(user, lambda: user.press_label("▶")))[0]
    start = next(d for _, d in briefing.buttons() if d.startswith("go:"))
    await api.reply_to(user, lambda: user.press(start, briefing), count=2)
    for i in range(turns):
        assert (await _say(api, user, line(i)))[0].startswith("🗣")
    await _say(api, user, "/end", count=2)


async def test_trainer_cohort_assignment_review_and_results(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            admin, trainer = api.user(ADMIN, "Ada", "en"), api.user(TRAINER, "Tom", "fr")
            alice, bob = api.user(ALICE, "Alice", "fr"), api.user(BOB, "Bob", "en")
            await _say(api, trainer, "/start")
            granted = await _say(api, admin, f"/grant {TRAINER} trainer")
            assert "Tom" in granted[0] and "trainer" in granted[0]
            await api.wait_for(
                lambda: any("rôle formateur" in x for x in api.texts(TRAINER)), 15, "trainer told"
            )

            created = (await _say(api, trainer, "/cohort new Promo 2027"))[0]
            link = re.search(r"https://t\.me/oralblanc_test_bot\?start=([\w-]+)", created)
            assert link, created
            for user in (alice, bob):
                replies = await _say(api, user, f"/start {link.group(1)}", count=3)
                assert any("Promo 2027" in r for r in replies)
            listing = (await _say(api, trainer, "/cohort"))[0]
            assert "Promo 2027" in listing and "2 membre" in listing

            done = await _say(api, trainer, f"/assign {SCENARIO} Promo 2027 2027-01-15")
            assert "2 membre" in done[0], done
            for user in (alice, bob):
                notice = api.outbox(user.id)[-1]
                assert "📌" in notice.text and "2027-01-15" in notice.text
                assert any(d.startswith(f"sc:{SCENARIO}:") for _, d in notice.buttons())

            await _play(api, alice, 3)
            await _play(api, bob, 2)

            reviews = await api.reply_to(trainer, lambda: trainer.send_text("/review"), count=2, timeout=30)
            assert {("Alice" in r.text) for r in reviews} == {True, False}
            alice_card = next(r for r in reviews if "Alice" in r.text)
            bob_card = next(r for r in reviews if "Bob" in r.text)
            assert "Extrait" in alice_card.text
            confirm = next(d for _, d in alice_card.buttons() if d.startswith("rvok:"))
            alice_id = int(confirm.split(":")[1])
            bob_id = int(next(d for _, d in bob_card.buttons() if d.startswith("rvok:")).split(":")[1])

            before_alice, before_bob = len(api.outbox(ALICE)), len(api.outbox(BOB))
            ack = (await api.reply_to(trainer, lambda: trainer.press(confirm, alice_card)))[0]
            assert f"n° {alice_id} confirmée" in ack.text
            help_ = (await api.reply_to(trainer, lambda: trainer.press(f"rvam:{bob_id}", bob_card)))[0]
            assert f"/amend {bob_id}" in help_.text
            amended = await _say(api, trainer, f"/amend {bob_id} C1.CR1 3 Très bonne découverte des besoins")
            assert f"n° {bob_id} modifiée" in amended[0]

            await api.wait_for(lambda: len(api.outbox(ALICE)) >= before_alice + 2, 15, "alice told")
            await api.wait_for(lambda: len(api.outbox(BOB)) >= before_bob + 2, 15, "bob told")
            told_alice = " ".join(api.texts(ALICE)[before_alice:])
            told_bob = " ".join(api.texts(BOB)[before_bob:])
            assert "confirmé" in told_alice and "/20" in told_alice and "amended" not in told_alice
            assert "amended" in told_bob and "→ 3" in told_bob and "Très bonne découverte" in told_bob
            assert "Bob" not in " ".join(api.texts(ALICE)) and "Alice" not in " ".join(api.texts(BOB))
            assert (await _say(api, trainer, "/review"))[0].startswith("Aucune évaluation")

            results = (await _say(api, trainer, "/results Promo 2027"))[0]
            assert "Alice" in results and "Bob" in results and "B2 CR1 : 3 / 3" in results
            files = await api.reply_to(trainer, lambda: trainer.send_text("/export Promo 2027"), count=2)
            name, data = files[0].files["document"]
            assert name.endswith(".csv") and files[1].files["document"][0].endswith(".html")
            rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
            assert {r["candidate"] for r in rows} == {"Alice", "Bob"}
            assert {r["review_status"] for r in rows if r["candidate"] == "Alice"} == {"confirmed"}
            bob_cr1 = [r for r in rows if r["candidate"] == "Bob" and r["criterion"] == "BLOC2.A2.C1.CR1"]
            assert bob_cr1 and bob_cr1[0]["level"] == "3" and bob_cr1[0]["review_status"] == "amended"
            assert b"Alice" in files[1].files["document"][1]

        repo = _repo(settings)
        assert repo.find_user(f"tg:{TRAINER}").role == "trainer"
        assert repo.scorecard(bob_id).effective["criteria"][0] is not None
        assert repo.scorecard(alice_id).review_status == "confirmed"
        alice_session = repo.sessions_for_user(repo.find_user(f"tg:{ALICE}").id)[0]
        assert repo.session(alice_session.id).assignment_id is not None
        repo.engine.dispose()


async def test_trainers_see_only_their_own_cohorts_and_revoke(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            admin, tom, una = (
                api.user(ADMIN, "Ada", "en"),
                api.user(TRAINER, "Tom", "en"),
                api.user(EVE, "Una", "en"),
            )
            await _say(api, tom, "/start")
            await _say(api, una, "/start")
            await _say(api, admin, f"/grant {TRAINER} trainer")
            await _say(api, admin, f"/grant {EVE} trainer")
            await api.wait_for(lambda: any("trainer role" in x for x in api.texts(EVE)), 15, "una told")
            await _say(api, tom, "/cohort new Tom's")
            assert "None of your cohorts" in (await _say(api, una, "/results Tom's"))[0]
            assert "None of your cohorts" in (await _say(api, una, f"/assign {SCENARIO} Tom's"))[0]
            assert "No member" in (await _say(api, tom, "/results Tom's"))[0]
            assert "no longer" in (await _say(api, admin, f"/revoke {TRAINER} trainer"))[0]
            assert "⛔" in (await _say(api, tom, "/cohort"))[0]
            assert "No user" in (await _say(api, admin, "/grant 4242 jury"))[0]
            assert "Usage" in (await _say(api, admin, "/grant 4242 king"))[0]


STAFF_COMMANDS = [
    ("/grant 912 trainer", "administrateurs"),
    ("/revoke 912 trainer", "administrateurs"),
    ("/cohort new X", "formateurs"),
    ("/cohort", "formateurs"),
    (f"/assign {SCENARIO} X", "formateurs"),
    ("/results X", "formateurs"),
    ("/review", "formateurs"),
    ("/amend 1 CR1 3 bien", "formateurs"),
    ("/export X", "formateurs"),
    ("/help_staff", "formateurs"),
]


@pytest.mark.parametrize(("command", "roles"), STAFF_COMMANDS)
async def test_staff_commands_are_refused_without_the_role(tmp_path: Path, command: str, roles: str) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            eve = api.user(EVE, "Eve", "fr")
            refusal = (await _say(api, eve, command))[0]
            assert refusal.startswith("⛔") and roles in refusal
            english = api.user(BOB, "Bob", "en")
            assert "only" in (await _say(api, english, command))[0]


async def test_a_trainer_is_refused_admin_commands_and_review_buttons_of_others(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            admin, tom = api.user(ADMIN, "Ada", "en"), api.user(TRAINER, "Tom", "en")
            await _say(api, tom, "/start")
            await _say(api, admin, f"/grant {TRAINER} trainer")
            await api.wait_for(lambda: any("trainer role" in x for x in api.texts(TRAINER)), 15, "tom told")
            assert "administrators" in (await _say(api, tom, f"/grant {EVE} trainer"))[0]
            eve = api.user(EVE, "Eve", "en")
            api.push(
                {
                    "callback_query": {
                        "id": "q1",
                        "from": eve.as_user(),
                        "chat_instance": "c",
                        "data": "rvok:1",
                    }
                }
            )
            answer = await api.wait_for(
                lambda: next(
                    (
                        c
                        for c in api.calls_to("answerCallbackQuery")
                        if c.params.get("callback_query_id") == "q1"
                    ),
                    None,
                ),
                15,
            )
            assert "only" in str(answer.params.get("text"))
            assert "Usage" in (await _say(api, tom, "/amend 1"))[0]
            assert "No scorecard" in (await _say(api, tom, "/amend 99 CR1 2 ok"))[0]


async def test_an_exam_report_is_released_only_once_a_trainer_confirms_it(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            admin, alice = api.user(ADMIN, "Ada", "en"), api.user(ALICE, "Alice", "fr")
            await _join(api, admin, alice, "Exam")
            assert "mock exam" in (await _say(api, admin, f"/assign {SCENARIO} Exam exam"))[0]
            assert "examen blanc" in api.texts(ALICE)[-1]
            briefing = (await api.reply_to(alice, lambda: alice.press_label("▶")))[0]
            start = next(d for _, d in briefing.buttons() if d.startswith("go:"))
            await api.reply_to(
                alice, lambda: alice.press(start, briefing), count=3
            )  # start notice, time limit, first words
            assert "Pas de conseil" in (await _say(api, alice, "/hint"))[0]
            await _say(api, alice, line(0))
            ended = await _say(api, alice, "/end", count=2)
            assert "Examen blanc" in ended[1] and "/20" not in " ".join(api.texts(ALICE))
            assert "Examen blanc" in (await _say(api, alice, "/report"))[0]
            assert "Pas encore de séance" in (await _say(api, alice, "/progress"))[0]

            review = (await api.reply_to(admin, lambda: admin.send_text("/review")))[0]
            confirm = next(d for _, d in review.buttons() if d.startswith("rvok:"))
            before = len(api.outbox(ALICE))
            await api.reply_to(admin, lambda: admin.press(confirm, review))
            await api.wait_for(lambda: len(api.outbox(ALICE)) >= before + 2, 15, "alice told")
            assert "/20" in api.texts(ALICE)[-1]
            again = await api.reply_to(alice, lambda: alice.send_text("/report"), count=2, timeout=60)
            assert "/20" in again[0].text and again[1].method == "sendDocument"


def _send_script(api: FakeBotAPI, user: FakeUser, name: str, data: bytes) -> int:
    file_id = api.add_file(data, name)
    document = {
        "file_id": file_id,
        "file_unique_id": f"u{file_id}",
        "file_name": name,
        "mime_type": "application/x-yaml",
        "file_size": len(data),
    }
    return api.push({"message": user._message(document=document)})


async def test_a_jury_member_gets_a_script_linted_like_the_cli(tmp_path: Path) -> None:
    from bot.catalog import lint_paths

    library = Path(__file__).resolve().parent.parent / "scenarios" / "library"
    good = (library / f"{SCENARIO}.yaml").read_bytes()
    bad = good.replace(b"persona:", b"persona_typo:", 1)
    copy = tmp_path / "broken.yaml"
    copy.write_bytes(bad)
    expected = [str(p).replace(str(copy), "broken.yaml") for p in lint_paths([copy])]
    assert expected, "the broken copy has problems"
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            admin, jane, eve = (
                api.user(ADMIN, "Ada", "en"),
                api.user(EVE, "Jane", "en"),
                api.user(BOB, "Eve", "fr"),
            )
            await _say(api, jane, "/start")
            await _say(api, admin, f"/grant {EVE} jury")
            await api.wait_for(lambda: any("jury member role" in x for x in api.texts(EVE)), 15, "jane told")
            valid = (
                await api.reply_to(jane, lambda: _send_script(api, jane, "mine.yaml", good), timeout=30)
            )[0]
            assert "The script is valid" in valid.text and SCENARIO in valid.text and "Stages:" in valid.text
            broken = (
                await api.reply_to(jane, lambda: _send_script(api, jane, "broken.yaml", bad), timeout=30)
            )[0]
            assert "problem(s) found" in broken.text
            assert all(line in broken.text for line in expected)
            refused = (await api.reply_to(eve, lambda: _send_script(api, eve, "x.yaml", good)))[0]
            assert refused.text.startswith("⛔") and "membres du jury" in refused.text
