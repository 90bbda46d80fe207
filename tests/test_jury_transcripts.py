"""Jury members read transcripts without candidates' names: the redaction rules, the repository query
(SQLite and PostgreSQL), and /transcripts + /transcript against the fake Bot API, refused to others."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.anonymous_transcripts import name_parts, redact, session_list, transcript_text
from bot.commands.jury import app as jury_app
from scenarios.model import Scenario, Turn
from storage.db import make_engine
from storage.repository import Repository
from tests.fake_bot_api import FakeBotAPI
from tests.telegram_support import SCENARIO, bot_running, bot_settings, line
from tests.test_telegram_jury_exam import ADMIN, _jury
from tests.test_telegram_staff import _say

CANDIDATE = 921
INTRO = "Bonjour, je suis Marie-Claire Dubois, joignable au 06 12 34 56 78 ou marie.dubois@example.com."


def test_name_parts_split_hyphenated_names_and_skip_particles() -> None:
    parts = name_parts("Marie-Claire Le Dubois")
    assert parts[0] == "Marie-Claire" and sorted(parts[1:]) == ["Claire", "Dubois", "Marie"]  # longest first
    assert name_parts("jean_dupont") == ["jean_dupont", "dupont", "jean"]
    assert name_parts("42") == []


def test_redact_blanks_names_emails_and_phones_but_keeps_figures() -> None:
    names = name_parts("Marie-Claire Le Dubois")
    text = redact(
        INTRO + " Le prix : 120 000 € à 45 jours, soit 3 % de remise. DUBOIS signe le bon.", names, "fr"
    )
    assert "Dubois" not in text and "DUBOIS" not in text and "Marie" not in text and "Claire" not in text
    assert "06 12" not in text and "example.com" not in text
    assert "[nom]" in text and "[téléphone]" in text and "[e-mail]" in text
    assert (
        "120 000 €" in text
        and "45 jours" in text
        and "3 %" in text
        and "Le prix" in text
        and " le bon" in text
    )
    assert redact("Call +33 6 12 34 56 78, Marie.", ["Marie"], "en") == "Call [phone], [name]."
    assert redact("Mariette et Marie", ["Marie"], "fr") == "Mariette et [nom]"  # whole words only


def _played(repo: Repository, scenario: Scenario, name: str, lines: list[str], *, finish: bool = True) -> int:
    user = repo.get_or_create_user(display_name=name)
    session = repo.start_session(user, scenario, "fr")
    for text in lines:
        repo.add_turn(session, Turn(speaker="candidate", text=text))
        repo.add_turn(session, Turn(speaker="persona", text=f"Très bien, {name.split()[0]}."))
    if finish:
        repo.finish_session(session)
    return session


def test_scenario_sessions_lists_finished_sessions_with_their_latest_scorecard(
    repo: Repository, sample_scenario: Scenario
) -> None:
    first = _played(repo, sample_scenario, "Marie-Claire Dubois", [INTRO])
    second = _played(repo, sample_scenario, "Paul Martin", ["Quels sont vos objectifs ?"])
    _played(repo, sample_scenario, "Active Person", ["En cours"], finish=False)
    repo.save_scorecard(first, {"overall": {"score_20": 9.0}}, "test")
    latest = repo.save_scorecard(first, {"overall": {"score_20": 12.5}}, "test")
    found = repo.scenario_sessions(sample_scenario.id)
    assert [s.id for s, _ in found] == [first, second]
    assert found[0][1] is not None and found[0][1].id == latest and found[1][1] is None
    assert repo.scenario_sessions("no-such-scenario") == []

    lines = session_list(found, "en")
    assert lines[0].startswith(f"Session #{first}") and "12.5/20 (proposed)" in lines[0]
    assert "not scored" in lines[1] and "2 turns" in lines[1]
    assert not any("Dubois" in x or "Martin" in x for x in lines)
    assert "12,5/20 (proposée)" in session_list(found, "fr")[0]

    text = transcript_text(repo.session(first), found[0][1], "Marie-Claire Dubois", "Eric Vasseur", "en")
    assert "Candidate: Bonjour, je suis [name] [name], joignable au [phone] ou [e-mail]." in text
    assert "Eric Vasseur: Très bien, [name]." in text
    assert "Dubois" not in text and "Marie" not in text and "Claire" not in text


async def test_a_jury_member_reads_transcripts_without_names(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, admins=f"{ADMIN}")
        async with bot_running(settings):
            jane = await _jury(api)
            marie = api.user(CANDIDATE, "Marie-Claire Dubois", "fr")
            assert "No finished session" in (await _say(api, jane, f"/transcripts {SCENARIO}"))[0]
            await _say(api, marie, f"/play {SCENARIO}", count=2)
            assert (await _say(api, marie, INTRO))[0].startswith("🗣")
            assert (await _say(api, marie, line(1)))[0].startswith("🗣")
            session_no = "1"
            assert (
                f"No finished session no. {session_no}"
                in (await _say(api, jane, f"/transcript {session_no}"))[0]
            )
            await _say(api, marie, "/end", count=2)
            await api.wait_for(lambda: any("/20" in x for x in api.texts(CANDIDATE)), 30, "the report")

            listed = (await _say(api, jane, f"/transcripts {SCENARIO}"))[0]
            assert "without the candidates' names (1)" in listed and f"Session #{session_no}" in listed
            assert "Dubois" not in listed and "Marie" not in listed and "/20 (proposed)" in listed

            read = "\n".join(await _say(api, jane, f"/transcript {session_no}"))
            assert f"Session #{session_no} — {SCENARIO} v1" in read
            assert "Candidate: Bonjour, je suis [name] [name], joignable au [phone] ou [e-mail]." in read
            assert f"Candidate: {line(1)}" in read and "Claire Morel:" in read
            assert "Dubois" not in read and "Marie" not in read and "example.com" not in read

            assert "Usage" in (await _say(api, jane, "/transcript"))[0]
            assert "Usage" in (await _say(api, jane, "/transcripts"))[0]
            assert "No finished session no. abc" in (await _say(api, jane, "/transcript abc"))[0]
            assert "No finished session no. 99" in (await _say(api, jane, "/transcript 99"))[0]
            assert "/transcripts <id>" in (await _say(api, jane, "/help_staff"))[0]

            admin = api.user(ADMIN, "Ada", "en")  # an admin may do what the jury does
            assert "[name]" in "\n".join(await _say(api, admin, f"/transcript {session_no}"))


def test_the_terminal_lists_and_reads_transcripts_without_names(
    cli_database: str, sample_scenario: Scenario
) -> None:
    repo = Repository(make_engine(cli_database))
    try:
        session = _played(repo, sample_scenario, "Marie-Claire Dubois", [INTRO])
        repo.save_scorecard(session, {"overall": {"score_20": 11.0}}, "test")
        active = _played(repo, sample_scenario, "Paul Martin", ["En cours"], finish=False)
    finally:
        repo.engine.dispose()
    runner = CliRunner()
    listed = runner.invoke(jury_app, ["transcripts", sample_scenario.id])
    assert listed.exit_code == 0, listed.output
    assert f"Session #{session}" in listed.output and "11/20 (proposed)" in listed.output
    assert (
        f"#{active}" not in listed.output and "Dubois" not in listed.output and "Martin" not in listed.output
    )

    read = runner.invoke(jury_app, ["transcript", str(session), "--lang", "fr"])
    assert read.exit_code == 0, read.output
    assert "Candidat·e : Bonjour, je suis [nom] [nom], joignable au [téléphone] ou [e-mail]." in read.output
    assert "Dubois" not in read.output and "Marie" not in read.output and "11/20 (proposée)" in read.output

    refused = runner.invoke(jury_app, ["transcript", str(active)])
    assert refused.exit_code == 1 and f"no finished session {active}" in refused.output
    assert "No finished session" in runner.invoke(jury_app, ["transcripts", "nope"]).output
