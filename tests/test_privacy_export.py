"""A person's export is what they said and what was decided about them, not the exam's answer key.

- No script internals: a session names its script by id and version; the frozen script (hidden facts,
  reveal rules, limits, `never_accept`, how objections resolve, the scorer's patterns, the jury's
  notes) and any session `state` beyond the transport's settings stay out of `/mydata` and
  `oralblanc data export`.
- An exam scorecard no trainer has released (confirmed or amended) is withheld: the export says it
  exists, without levels, evidence or advice; once released it is exported whole. The same rule
  decides what the bot shows (`Repository.scorecard_released`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from bot.catalog import load_catalog
from bot.commands.data import data_app
from scenarios.model import Scenario, Turn
from storage.db import make_engine
from storage.repository import EXPORT_FORMAT, Repository
from tests.conftest import make_scenario
from tests.fake_bot_api import FakeBotAPI
from tests.telegram_support import SCENARIO, bot_running, bot_settings

CANDIDATE_LINE = "Bonjour Madame Morel, quels volumes prévoyez-vous pour la saison prochaine ?"
ADVICE = "Reformulez l'objection prix avant de proposer une contrepartie chiffrée."
QUOTE = "quels volumes prévoyez-vous"


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)


def _internals(scenario: Scenario, said: list[str]) -> set[str]:
    """Every text of the script the candidate never reads: the hidden brief, objections (how they
    resolve, what the persona would answer), stage directions and endings, observables, jury notes.
    Texts of several words only: a one-word pattern (`criteria`) or an indicator code also names
    public things (a scorecard's fields and codes)."""
    script = scenario.model_dump(mode="json")
    parts: list[Any] = [script["hidden_brief"], script.get("observables"), script.get("jury_notes")]
    for stage in script["stages"]:
        parts += [stage.get("direction"), stage.get("ends_when"), stage.get("objections")]
    seen = " ".join(said)
    return {text for part in parts for text in _leaves(part) if " " in text.strip() and text not in seen}


def _scorecard(level: int = 3) -> dict[str, Any]:
    evidence = [{"turn": 2, "quote": QUOTE}]
    return {
        "format": "oralblanc.scorecard/1",
        "criteria": [
            {
                "code": "BLOC2.A2.C2.CR2",
                "level": level,
                "status": "scored",
                "indicators": [{"code": "BLOC2.A2.C2.CR2.3", "met": True, "evidence": evidence}],
                "evidence": evidence,
                "advice": ADVICE,
            }
        ],
        "overall": {"score_20": 17.5, "review_required": False},
    }


def _play(
    repo: Repository,
    user: int,
    scenario: Scenario,
    *,
    state: dict[str, Any] | None = None,
    assignment_id: int | None = None,
) -> int:
    session_id = repo.start_session(user, scenario, "fr", assignment_id=assignment_id)
    repo.add_turn(session_id, Turn(speaker="persona", text=scenario.stages[0].says.fr[0]), engine="scripted")
    repo.add_turn(session_id, Turn(speaker="candidate", text=CANDIDATE_LINE))
    if state is not None:
        repo.set_session_state(session_id, state)
    repo.finish_session(session_id)
    return session_id


def _only_session(export: dict[str, Any]) -> dict[str, Any]:
    (session,) = export["sessions"]
    return session


def test_the_export_carries_no_script_internals(repo: Repository) -> None:
    scenario = load_catalog().scenarios[SCENARIO]
    user = repo.get_or_create_user(telegram_id=4_100_001, display_name="Capucine Export")
    prefs = {"chat_id": 4_100_001, "voice": False, "exam": False}
    # a key that is not the transport's settings (e.g. a director cache) is machinery, not the person's data
    fact = scenario.hidden_brief.facts[0]
    state = {"telegram": prefs, "director": {"revealed": [fact.id], "fact": fact.fact.fr}}
    session_id = _play(repo, user, scenario, state=state)
    repo.save_scorecard(session_id, _scorecard(), "v1")

    export = repo.export_user(user)
    assert export["format"] == EXPORT_FORMAT == "oralblanc.user-export/2"
    session = _only_session(export)
    assert "script" not in session
    assert (session["scenario_id"], session["scenario_version"]) == (scenario.id, scenario.version)
    assert session["state"] == {"telegram": prefs}
    said = [t["text"] for t in session["turns"]]
    assert said == [scenario.stages[0].says.fr[0], CANDIDATE_LINE]  # what was said, on both sides
    assert session["scorecards"][0]["data"]["criteria"][0]["advice"] == ADVICE  # a practice score: theirs

    document = json.dumps(export, ensure_ascii=False)
    secrets = _internals(scenario, said)
    assert len(secrets) > 50  # the check has something to find: facts, limits, objections, patterns
    assert {s for s in secrets if s in document} == set()
    limits = scenario.hidden_brief.limits
    for text in (fact.fact.fr, limits.walk_away.fr, *limits.never_accept.fr):
        assert text not in document


def test_an_unreleased_exam_score_is_withheld_until_a_trainer_releases_it(
    repo: Repository, sample_scenario: Scenario
) -> None:
    trainer = repo.get_or_create_user(display_name="Trainer Théo", role="trainer")
    user = repo.get_or_create_user(telegram_id=4_100_002, display_name="Capucine Exam")
    exam = _play(repo, user, sample_scenario, state={"telegram": {"chat_id": 4_100_002, "exam": True}})
    card = repo.save_scorecard(exam, _scorecard(), "v1")
    practice = _play(repo, user, sample_scenario, state={"telegram": {"chat_id": 4_100_002, "exam": False}})
    repo.save_scorecard(practice, _scorecard(level=1), "v1")

    assert repo.scorecard_released(exam) is False and repo.scorecard_released(practice) is True
    export = repo.export_user(user)
    by_id = {s["id"]: s for s in export["sessions"]}
    (withheld,) = by_id[exam]["scorecards"]
    assert withheld["withheld"] is True and withheld["id"] == card and withheld["review_status"] == "proposed"
    assert "trainer releases it" in withheld["note"]
    assert set(withheld) == {"id", "created_at", "review_status", "withheld", "note"}
    exam_part = json.dumps(by_id[exam], ensure_ascii=False)
    for hidden in (ADVICE, '"level"', "17.5", "BLOC2.A2.C2.CR2", '"evidence"'):
        assert hidden not in exam_part
    assert [t["text"] for t in by_id[exam]["turns"]][-1] == CANDIDATE_LINE  # what they said is theirs
    (shown,) = by_id[practice]["scorecards"]
    assert shown["withheld"] is False and shown["data"]["criteria"][0]["level"] == 1

    repo.review_scorecard(card, reviewer_id=trainer, status="confirmed", comment="Solide.")
    assert repo.scorecard_released(exam) is True
    (released,) = {s["id"]: s for s in repo.export_user(user)["sessions"]}[exam]["scorecards"]
    assert released["withheld"] is False and released["review_status"] == "confirmed"
    assert released["data"]["criteria"][0]["advice"] == ADVICE and released["comment"] == "Solide."

    reviews = repo.export_user(trainer)["reviews_written"]  # the trainer's own export keeps what they wrote
    assert [(r["scorecard_id"], r["review_status"], r["comment"]) for r in reviews] == [
        (card, "confirmed", "Solide.")
    ]


def test_an_exam_is_known_by_its_assignment_or_script_and_a_jury_trial_is_not_held(
    repo: Repository, sample_scenario: Scenario
) -> None:
    user = repo.get_or_create_user(display_name="Capucine Modes")
    assigned = repo.assign(sample_scenario.id, user_id=user, mode="exam")
    by_assignment = _play(repo, user, sample_scenario, assignment_id=assigned)  # no transport flag
    exam_script = make_scenario(id="storage-test-exam", exam=True)
    by_script = _play(repo, user, exam_script)
    trial = _play(repo, user, exam_script, state={"telegram": {"exam": True, "trial": True}})
    for session_id in (by_assignment, by_script, trial):
        repo.save_scorecard(session_id, _scorecard(), "v1")

    assert [repo.scorecard_released(s) for s in (by_assignment, by_script, trial)] == [False, False, True]
    flags = {s["id"]: [c["withheld"] for c in s["scorecards"]] for s in repo.export_user(user)["sessions"]}
    assert flags == {by_assignment: [True], by_script: [True], trial: [False]}

    amended = repo.latest_scorecard(by_script)
    assert amended is not None
    repo.review_scorecard(amended.id, reviewer_id=user, status="amended", amended=_scorecard(level=2))
    session = next(s for s in repo.export_user(user)["sessions"] if s["id"] == by_script)
    assert session["scorecards"][0]["amended_data"]["criteria"][0]["level"] == 2


def test_oralblanc_data_export_withholds_it_too(cli_database: str, sample_scenario: Scenario) -> None:
    engine = make_engine(cli_database)
    try:
        repo = Repository(engine)
        user = repo.get_or_create_user(display_name="Capucine Cli")
        exam = _play(repo, user, sample_scenario, state={"telegram": {"exam": True}})
        repo.save_scorecard(exam, _scorecard(), "v1")
    finally:
        engine.dispose()
    result = CliRunner().invoke(data_app, ["export", "Capucine Cli"])
    assert result.exit_code == 0, result.output
    session = _only_session(json.loads(result.stdout))
    assert "script" not in session and session["scorecards"][0]["withheld"] is True
    assert ADVICE not in result.stdout and sample_scenario.hidden_brief.facts[0].fact.fr not in result.stdout


async def test_mydata_withholds_an_unreleased_exam_score(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        scenario = load_catalog().scenarios[SCENARIO]
        engine = make_engine(settings.effective_database_url)
        try:
            repo = Repository(engine)
            user = repo.get_or_create_user(telegram_id=4_100_003, display_name="Capucine", language="fr")
            exam = _play(repo, user, scenario, state={"telegram": {"chat_id": 4_100_003, "exam": True}})
            repo.save_scorecard(exam, _scorecard(), "v1")
        finally:
            engine.dispose()
        async with bot_running(settings):
            capucine = api.user(4_100_003, "Capucine", "fr")
            export = (await api.reply_to(capucine, lambda: capucine.send_text("/mydata"), timeout=30))[0]
    assert export.method == "sendDocument"
    _, data = export.files["document"]
    document = json.loads(data)
    session = _only_session(document)
    assert document["format"] == "oralblanc.user-export/2" and "script" not in session
    assert session["scorecards"][0]["withheld"] is True
    text = data.decode("utf-8")
    assert ADVICE not in text and scenario.hidden_brief.facts[0].fact.fr not in text
