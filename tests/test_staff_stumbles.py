"""Issue 19, what trainers and jury members stumbled on, through the real doors (the fake Bot API and
the CLI): trainers read their own candidates' sessions in full (item 2); criteria are named as /review
shows them (3); cohort names, due dates and late joiners (10); jury uploads, trials and stage ids (11);
the script's own wording is not a French error (13); names a candidate gives are blanked for the jury (14).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.anonymous_transcripts import self_given_names
from bot.cli import app as cli
from bot.commands.trainer import app as trainer_app
from bot.config import get_settings
from storage.db import make_engine
from storage.repository import Repository
from tests.fake_bot_api import FakeBotAPI, FakeUser
from tests.telegram_support import SCENARIO, bot_running, bot_settings, line
from tests.test_telegram_jury_exam import _jury
from tests.test_telegram_staff import _join, _play, _say

ADMIN, TOM, UNA, JURY, ALICE, BOB, EVE = 900, 901, 903, 902, 911, 912, 913
LIBRARY = Path(__file__).resolve().parent.parent / "scenarios" / "library"


async def _trainer(api: FakeBotAPI, user_id: int, name: str, lang: str = "fr") -> FakeUser:
    admin, trainer = api.user(ADMIN, "Ada", "en"), api.user(user_id, name, lang)
    await _say(api, trainer, "/start")
    await _say(api, admin, f"/grant {user_id} trainer")
    await api.wait_for(
        lambda: any("formateur" in x or "trainer role" in x for x in api.texts(user_id)), 15, "told"
    )
    return trainer


async def _review_items(api: FakeBotAPI, trainer: FakeUser, count: int) -> list:
    return await api.reply_to(trainer, lambda: trainer.send_text("/review"), count=count, timeout=30)


def _session_of(item_text: str) -> str:
    return re.search(r"/transcript (\d+)", item_text).group(1)


# --- 2. a trainer reads what they confirm --------------------------------------------------------


async def test_a_trainer_reads_their_own_candidates_sessions_in_full_and_no_one_elses(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            tom, una = await _trainer(api, TOM, "Tom"), await _trainer(api, UNA, "Una", "en")
            alice, bob = api.user(ALICE, "Alice", "fr"), api.user(BOB, "Bob", "en")
            await _join(api, tom, alice, "Promo")
            await _join(api, una, bob, "Others")
            await _say(api, tom, f"/assign {SCENARIO} Promo")
            await _say(api, una, f"/assign {SCENARIO} Others")
            await _play(api, alice, 2)
            await _play(api, bob, 2)

            item = (await _review_items(api, tom, 1))[0].text
            assert "Alice" in item and "Bob" not in item and "/transcript " in item
            alice_session = _session_of(item)
            bob_session = _session_of((await _review_items(api, una, 1))[0].text)

            read = "\n".join(await _say(api, tom, f"/transcript {alice_session}"))
            assert f"Séance n° {alice_session}" in read and "Candidat·e : Alice" in read
            assert f"Alice : {line(0)}" in read and f"Alice : {line(1)}" in read and "Claire Morel :" in read
            assert "[nom]" not in read

            listed = (await _say(api, tom, "/transcripts Promo"))[0]
            assert f"Séance n° {alice_session} — Alice" in listed and "Bob" not in listed

            # another trainer's candidate: answered like a session that does not exist
            assert "Aucune séance terminée" in (await _say(api, tom, f"/transcript {bob_session}"))[0]
            assert "None of your cohorts" in (await _say(api, una, "/transcripts Promo"))[0]
            assert "Bob: " in "\n".join(await _say(api, una, f"/transcript {bob_session}"))
            refused = (await _say(api, alice, f"/transcript {alice_session}"))[0]
            assert refused.startswith("⛔") and "formateurs" in refused


# --- 3. criteria as /review shows them --------------------------------------------------------------


async def test_amend_takes_the_criterion_as_shown_short_or_in_full_and_requires_a_comment(
    tmp_path: Path,
) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            tom = await _trainer(api, TOM, "Tom", "en")
            alice = api.user(ALICE, "Alice", "fr")
            await _join(api, tom, alice, "Promo")
            await _say(api, tom, f"/assign {SCENARIO} Promo")
            await _play(api, alice, 2)
            item = (await _review_items(api, tom, 1))[0]
            assert "B2 CR1" in item.text and "B2 CR2" in item.text
            card = next(d for _, d in item.buttons() if d.startswith("rvok:")).split(":")[1]

            help_ = (await api.reply_to(tom, lambda: tom.press(f"rvam:{card}", item)))[0].text
            assert "B2 CR1, B2 CR2" in help_ and "required" in help_
            assert "required" in (await _say(api, tom, "/amend 1"))[0]
            missing = (await _say(api, tom, f"/amend {card} B2 CR2 3"))[0]
            assert "comment is required" in missing and f"/amend {card} B2CR2 3" in missing

            assert (
                "(B2 CR2: level 3)" in (await _say(api, tom, f"/amend {card} B2 CR2 3 Clear objections"))[0]
            )
            assert "(B2 CR1: level 2)" in (await _say(api, tom, f"/amend {card} b2cr1 2 Fine discovery"))[0]
            assert (
                "(B2 CR1: level 1)"
                in (await _say(api, tom, f"/amend {card} BLOC2.A2.C1.CR1 1 Too few questions"))[0]
            )
            unknown = (await _say(api, tom, f"/amend {card} B3 CR4 2 no"))[0]
            assert (
                "not scored here" in unknown and "B2 CR1, B2 CR2" in unknown and "BLOC2.A2.C1.CR1" in unknown
            )


# --- 10. cohorts and assignments ---------------------------------------------------------------------


async def test_cohort_names_due_dates_and_a_late_joiner(tmp_path: Path) -> None:
    today = datetime.now(UTC).date()
    yesterday, later = today - timedelta(days=1), today + timedelta(days=40)
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            tom = await _trainer(api, TOM, "Tom")
            una = await _trainer(api, UNA, "Una", "en")
            admin, alice = api.user(ADMIN, "Ada", "en"), api.user(ALICE, "Alice", "fr")

            assert "créé" in (await _say(api, tom, "/cohort new Promo 2027"))[0]
            again = (await _say(api, tom, "/cohort new promo 2027"))[0]
            assert "déjà un groupe « Promo 2027 »" in again and "autre nom" in again
            quoted = (await _say(api, tom, '/cohort new "Promo 2028"'))[0]
            assert "« Promo 2028 »" in quoted and '"' not in quoted
            assert "déjà" in (await _say(api, tom, "/cohort new « Promo 2028 »"))[0]

            past = (await _say(api, tom, f"/assign {SCENARIO} Promo 2027 {yesterday:%d/%m/%Y}"))[0]
            assert "déjà passée" in past
            assert (
                "déjà passée"
                in (await _say(api, tom, f"/assign {SCENARIO} Promo 2027 {yesterday.isoformat()}"))[0]
            )
            assert (
                "illisible" in (await _say(api, tom, f"/assign {SCENARIO} Promo 2027 31/02/{later.year}"))[0]
            )
            done = (await _say(api, tom, f'/assign {SCENARIO} "Promo 2028" {later:%d/%m/%Y} exam'))[0]
            assert "« Promo 2028 »" in done and "examen blanc" in done and later.isoformat() in done

            # a candidate who joins after the assignment is told about it
            link = re.search(r"start=([\w-]+)", quoted).group(1)
            await _say(api, alice, f"/start {link}", count=3)
            notice = await api.wait_for(
                lambda: next((c for c in api.outbox(ALICE) if c.text.startswith("📌")), None),
                15,
                "the assignment notice",
            )
            assert "examen blanc" in notice.text and later.isoformat() in notice.text
            assert any(d.startswith(f"sc:{SCENARIO}:") for _, d in notice.buttons())

            # two trainers may each have a "Promo 2027"; an admin, who sees both, is asked which
            assert "created" in (await _say(api, una, "/cohort new Promo 2027"))[0]
            ambiguous = (await _say(api, admin, "/results Promo 2027"))[0]
            assert "Several cohorts" in ambiguous and "no. 1" in ambiguous


def test_the_terminal_refuses_a_duplicate_cohort_name_and_does_not_guess(cli_database: str) -> None:
    repo = Repository(make_engine(cli_database))
    try:
        repo.get_or_create_user(telegram_id=1, display_name="Tom", role="trainer")
        repo.get_or_create_user(telegram_id=2, display_name="Una", role="trainer")
    finally:
        repo.engine.dispose()
    runner = CliRunner()
    assert runner.invoke(trainer_app, ["cohort", "new", "Promo", "--owner", "tg:1"]).exit_code == 0
    again = runner.invoke(trainer_app, ["cohort", "new", "promo", "--owner", "tg:1"])
    assert again.exit_code == 1 and "already has a cohort 'Promo'" in again.output
    assert runner.invoke(trainer_app, ["cohort", "new", "Promo", "--owner", "tg:2"]).exit_code == 0
    members = runner.invoke(trainer_app, ["cohort", "members", "Promo"])
    assert members.exit_code == 1 and "several cohorts" in members.output


# --- 11. jury uploads, messages, trials ---------------------------------------------------------------


def _send_file(api: FakeBotAPI, user: FakeUser, name: str | None, data: bytes, mime: str | None) -> int:
    file_id = api.add_file(data, name or "upload")
    document = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data)}
    if name is not None:
        document["file_name"] = name
    if mime is not None:
        document["mime_type"] = mime
    return api.push({"message": user._message(document=document)})


async def _upload(api: FakeBotAPI, user: FakeUser, name: str | None, data: bytes, mime: str | None) -> str:
    return (await api.reply_to(user, lambda: _send_file(api, user, name, data, mime), timeout=30))[0].text


async def test_jury_uploads_under_other_names_get_the_right_answer(tmp_path: Path) -> None:
    script = (LIBRARY / f"{SCENARIO}.yaml").read_bytes()
    accented = script.replace(b"id: decouverte", "id: découverte".encode(), 1)
    assert accented != script
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            jane = await _jury(api)
            as_txt = await _upload(api, jane, "script.txt", script, "text/plain")
            assert "read as a YAML script" in as_txt and "The script is valid." in as_txt
            assert "All files" not in as_txt and "saved (not published)" in as_txt
            no_extension = await _upload(api, jane, "script", script, None)
            assert "The script is valid." in no_extension
            wrong_mime = await _upload(api, jane, "script.yaml", script, "application/octet-stream")
            assert wrong_mime.startswith("✅ The script is valid.")
            pdf = await _upload(api, jane, "script.pdf", b"%PDF-1.4", "application/pdf")
            assert "named .yaml" in pdf and "only read text" not in pdf
            stage = await _upload(api, jane, "accents.yaml", accented, "application/x-yaml")
            assert "accents.yaml:" in stage and "write 'decouverte' for 'découverte'" in stage

            eve = api.user(EVE, "Eve", "en")  # not a jury member: as before
            assert "only read text messages" in await _upload(api, eve, "notes.txt", b"hello", "text/plain")


async def test_the_jury_s_own_trials_are_not_listed_with_the_candidates_sessions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            jane = await _jury(api)
            await _say(api, jane, f"/try {SCENARIO}", count=4)
            await _say(api, jane, line(0))
            await _say(api, jane, "/end", count=2)
            alice = api.user(ALICE, "Alice", "fr")
            await _say(api, alice, f"/play {SCENARIO}", count=2)
            await _say(api, alice, line(0))
            await _say(api, alice, "/end", count=2)
            listed = (await _say(api, jane, f"/transcripts {SCENARIO}"))[0]
            assert "(1)" in listed and "Session #2" in listed and "Session #1 " not in listed

        monkeypatch.setenv("DATABASE_URL", settings.effective_database_url)
        get_settings.cache_clear()
        try:
            out = CliRunner().invoke(cli, ["jury", "transcripts", SCENARIO])
        finally:
            get_settings.cache_clear()
        assert out.exit_code == 0, out.output
        assert "Session #2" in out.output and "Session #1 " not in out.output


# --- 13. the script's wording is not a French error -----------------------------------------------


def test_the_briefing_s_own_terms_are_not_french_errors(tmp_path: Path) -> None:
    turns = [
        {"speaker": "persona", "text": "Bonjour. J'ai lu le mail « Cap Clients »."},
        {
            "speaker": "candidate",
            "text": "Bonjour Patrick, merci d'être venu. Je sais que trois de tes comptes passent "
            "à la cellule Grands comptes au premier janvier, et je voudrais comprendre "
            "ce que cela change pour toi.",
        },
        {"speaker": "persona", "text": "Ça change tout."},
        {
            "speaker": "candidate",
            "text": "Je comprends. Avec la cellule Grands comptes, tu gardes la relation avec "
            "Laiteries de l'Ain pendant six mois, et nous regardons ensemble ton variable. "
            "Les équipe sont content.",
        },
    ]

    def french(**where: str) -> dict:
        path = tmp_path / "t.json"
        path.write_text(
            json.dumps({"format": "oralblanc.transcript/1", "language": "fr", "turns": turns, **where})
        )
        result = CliRunner().invoke(cli, ["score", str(path), "--json", "--no-judge"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)["french"]

    scripted = french(scenario="change-verticales-crm")
    flagged = [e["flagged"] for e in scripted["errors"]]
    assert "Grands" not in flagged and "équipe" in flagged  # the candidate's own errors still count
    assert "Grands" in [
        e["flagged"] for e in french(kind="change")["errors"]
    ]  # without the script, it is flagged


# --- 14. every name the candidate gives is blanked for the jury ------------------------------------


def test_names_a_candidate_gives_for_themself_are_found() -> None:
    assert self_given_names(["Bonjour, je m'appelle Marie Dupont et je viens pour l'offre."]) == [
        "Marie Dupont"
    ]
    assert self_given_names(["Hello, I'm Tom from Acme."]) == ["Tom"]
    assert self_given_names(["My name is Ann Lee, key account manager."]) == ["Ann Lee"]
    assert self_given_names(["Moi c'est Paul Martin."]) == ["Paul Martin"]
    assert self_given_names(["je m'appelle marie dupont, je vous appelle"]) == ["marie dupont"]
    assert self_given_names(["Je suis ravi de vous voir, I'm sure we agree, moi c'est simple."]) == []


async def test_the_jury_reads_no_part_of_a_name_the_candidate_gives(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            jane = await _jury(api)
            marie = api.user(ALICE, "Marie", "fr")  # Telegram knows her first name only
            await _say(api, marie, f"/play {SCENARIO}", count=2)
            await _say(api, marie, "Bonjour Madame Morel, je suis Marie Dupont, de la société Irrigo.")
            await _say(api, marie, "Moi c'est Marie Dupont-Lefèvre en fait, mon nom est Dupont-Lefèvre.")
            await _say(api, marie, "/end", count=2)
            read = "\n".join(await _say(api, jane, "/transcript 1"))
            assert "Candidate: Bonjour Madame Morel, je suis [name] [name], de la société Irrigo." in read
            assert "Dupont" not in read and "Lefèvre" not in read and "Marie" not in read
            assert "Morel" in read and "Irrigo" in read
