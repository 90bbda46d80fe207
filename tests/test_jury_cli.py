"""`oralblanc jury upload|publish|list|try` on the test database (SQLite and PostgreSQL): the jury's
Telegram publishing, from a terminal, with the same rules (`bot.publishing`), and exam mode's time
limit in the terminal."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from bot.catalog import load_catalog
from bot.cli import app
from bot.config import get_settings
from bot.terminal import _play
from storage.db import make_engine
from storage.repository import Repository
from tests.test_play import FR_TURNS

SCENARIO = "negotiation-castelnau-arrosage"
ROOT = Path(__file__).resolve().parent.parent
LIBRARY_FILE = ROOT / "scenarios" / "library" / f"{SCENARIO}.yaml"


@pytest.fixture
def repo(cli_database: str) -> Iterator[Repository]:
    engine = make_engine(cli_database)
    try:
        yield Repository(engine)
    finally:
        engine.dispose()


def _jury(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(app, ["jury", *args], input=input)


def _ok(*args: str, input: str | None = None) -> str:
    result = _jury(*args, input=input)
    assert result.exit_code == 0, result.output
    return result.output


def _script(tmp_path: Path, version: int, name: str = "mine.yaml") -> Path:
    """A copy of the library's negotiation with `version:` set."""
    text = LIBRARY_FILE.read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^version: \d+$", f"version: {version}", text, count=1)
    assert n == 1
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_upload_stores_a_valid_script_unpublished_and_previews_it(repo: Repository, tmp_path: Path) -> None:
    jane = repo.get_or_create_user(telegram_id=902, display_name="Jane", role="jury")
    path = _script(tmp_path, 2)
    out = _ok("upload", str(path), "--by", "tg:902")
    assert "script 1 stored (not published)" in out
    assert f"{SCENARIO} v2 — negotiation" in out
    assert "Stages: decouverte → prix → " in out and "Criteria: BLOC2.A2.C" in out
    stored = repo.latest_upload(SCENARIO)
    assert stored is not None and stored.id == 1
    assert (stored.version, stored.published, stored.uploaded_by) == (2, False, jane)
    assert stored.source == path.read_text(encoding="utf-8")
    assert stored.script["version"] == 2


def test_a_broken_script_is_reported_by_file_and_line_and_nothing_is_stored(
    repo: Repository, tmp_path: Path
) -> None:
    path = _script(tmp_path, 2, name="broken.yaml")
    text = path.read_text(encoding="utf-8").replace("persona: claire-morel", "persona: nobody", 1)
    path.write_text(text, encoding="utf-8")
    line = next(n for n, s in enumerate(text.splitlines(), start=1) if s == "persona: nobody")
    result = _jury("upload", str(path))
    assert result.exit_code == 1, result.output
    assert f"broken.yaml:{line}: unknown persona 'nobody'" in result.stdout
    assert "nothing stored" in result.stderr
    assert repo.latest_upload(SCENARIO) is None


def test_a_persona_file_is_valid_but_not_a_script(repo: Repository, tmp_path: Path) -> None:
    persona = tmp_path / "claire.yaml"
    shutil.copy(ROOT / "personas" / "library" / "claire-morel.yaml", persona)
    result = _jury("upload", str(persona))
    assert result.exit_code == 1, result.output
    assert "not a scenario script" in result.stderr
    assert repo.latest_upload("claire-morel") is None and repo.latest_upload(SCENARIO) is None


def test_publish_is_refused_without_an_upload_or_a_higher_version(repo: Repository, tmp_path: Path) -> None:
    none = _jury("publish", SCENARIO)
    assert none.exit_code == 1 and f"No script uploaded for '{SCENARIO}'" in none.stderr
    _ok("upload", str(_script(tmp_path, 1)))  # the library's version, not a new one
    same = _jury("publish", SCENARIO)
    assert same.exit_code == 1, same.output
    assert (
        "the uploaded script is v1, the live version is v1" in same.stderr and "to 2 at least" in same.stderr
    )
    assert repo.published_scripts() == []


def test_publish_makes_the_upload_live_once_and_list_shows_it(repo: Repository, tmp_path: Path) -> None:
    jane = repo.get_or_create_user(telegram_id=902, display_name="Jane", role="jury")
    _ok("upload", str(_script(tmp_path, 2)))
    before = _ok("list")
    assert re.search(rf"(?m)^1\t{SCENARIO}\tv2\tunpublished\t\d{{4}}-\d\d-\d\d \d\d:\d\d UTC$", before), (
        before
    )
    assert f"{SCENARIO}\tv1\t(library)" in before

    done = _ok("publish", SCENARIO, "--by", "tg:902")
    assert f"'{SCENARIO}' v2 is live. Sessions already started keep their version." in done
    assert [(s.id, s.version, s.published_by) for s in repo.published_scripts()] == [(1, 2, jane)]
    after = _ok("list")
    assert re.search(rf"(?m)^1\t{SCENARIO}\tv2\tpublished\t", after), after
    assert f"{SCENARIO}\tv2\t(script 1)" in after

    again = _jury("publish", SCENARIO)
    assert again.exit_code == 1 and f"'{SCENARIO}' v2 is already live." in again.stderr
    _ok("upload", str(_script(tmp_path, 2)))  # a new upload of the live version: v3 is needed
    stale = _jury("publish", SCENARIO)
    assert stale.exit_code == 1 and "live version is v2" in stale.stderr and "to 3 at least" in stale.stderr
    assert f"2\t{SCENARIO}\tv2\tunpublished" in _ok("list")


def test_list_says_so_when_nothing_was_uploaded(repo: Repository) -> None:
    assert _ok("list").strip() == "No script uploaded."


def test_try_plays_the_unpublished_upload_in_exam_mode_and_stores_it(
    repo: Repository, tmp_path: Path
) -> None:
    unknown = _jury("try", "no-such-scenario")
    assert unknown.exit_code == 1 and "no script 'no-such-scenario'" in unknown.stderr
    _ok("upload", str(_script(tmp_path, 3)))
    out = _ok("try", SCENARIO, "--lang", "en", "--user", "Jane", input="\n".join(FR_TURNS[:2]) + "\n")
    assert f"Jury trial of '{SCENARIO}' v3 (uploaded version, not published), in exam mode." in out
    assert "Exam: 30 min at most." in out and "Claire Morel:" in out and "/20" in out
    jane = repo.find_user("Jane").id
    [session] = repo.sessions_for_user(jane)
    assert (session.scenario_version, session.status) == (3, "finished")
    record = repo.session(session.id)
    assert [t.text for t in record.turns if t.speaker == "candidate"] == FR_TURNS[:2]
    assert repo.latest_scorecard(session.id) is not None
    assert repo.published_scripts() == []  # trying publishes nothing


def test_a_trial_from_the_terminal_is_marked_a_trial_and_left_out_of_the_transcripts(
    repo: Repository,
) -> None:
    """As Telegram's /try and the web console's trials: not a candidate's session."""
    turns = "\n".join(FR_TURNS[:2]) + "\n"
    played = CliRunner().invoke(app, ["play", SCENARIO, "--user", "Paul"], input=turns)
    assert played.exit_code == 0, played.output
    _ok("try", SCENARIO, "--user", "Jane", input=turns)
    [candidate] = repo.sessions_for_user(repo.find_user("Paul").id)
    [tried] = repo.sessions_for_user(repo.find_user("Jane").id)
    assert tried.status == candidate.status == "finished"
    prefs = repo.session(tried.id).state.get("telegram", {})
    assert prefs.get("trial") is True and prefs.get("exam") is True and "deadline" in prefs
    assert repo.trial_sessions(SCENARIO) == {tried.id}
    listed = _ok("transcripts", SCENARIO).splitlines()
    assert len(listed) == 1 and listed[0].startswith(f"Session #{candidate.id} — ")


class Clock:
    def __init__(self) -> None:
        self.start = self.now = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class TypedAt:
    """Piped input whose lines are typed at given minutes after the start (moving the clock)."""

    def __init__(self, clock: Clock, lines: list[tuple[int, str]]) -> None:
        self.clock, self.lines = clock, list(lines)

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        if not self.lines:
            return ""
        minutes, text = self.lines.pop(0)
        self.clock.now = self.clock.start + timedelta(minutes=minutes)
        return text + "\n"


@pytest.mark.parametrize("exam", [True, False], ids=["exam", "practice"])
async def test_in_exam_mode_a_line_past_the_time_limit_is_not_taken(
    repo: Repository, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], exam: bool
) -> None:
    scenario = load_catalog().scenario(SCENARIO)
    assert scenario.duration_min == 30
    clock = Clock()
    monkeypatch.setattr(
        "sys.stdin",
        TypedAt(clock, [(1, FR_TURNS[0]), (29, FR_TURNS[1]), (31, FR_TURNS[2]), (32, FR_TURNS[3])]),
    )
    code = await _play(get_settings(), SCENARIO, "fr", None, None, "Jane", None, None, exam=exam, clock=clock)
    assert code == 0
    out = capsys.readouterr().out
    session = repo.sessions_for_user(repo.find_user("Jane").id)[-1]
    taken = [t.text for t in repo.session(session.id).turns if t.speaker == "candidate"]
    assert session.status == "finished" and repo.latest_scorecard(session.id) is not None
    if exam:
        assert "Examen : 30 min au plus" in out
        assert "Le temps imparti (30 min) est écoulé" in out
        assert taken == FR_TURNS[:2]  # the line typed at 31 min and the ones after it are not taken
    else:
        assert "30 min" not in out
        assert taken == FR_TURNS


async def test_a_trial_paused_and_resumed_keeps_its_time_limit(
    repo: Repository, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The deadline is stored with the trial: resumed past it, the next line is not taken and the
    trial ends, as it would have without the pause."""
    scenario = load_catalog().scenario(SCENARIO)
    clock = Clock()
    monkeypatch.setattr("sys.stdin", TypedAt(clock, [(1, FR_TURNS[0]), (2, "/pause")]))
    settings = get_settings()
    code = await _play(
        settings,
        SCENARIO,
        "fr",
        None,
        None,
        "Jane",
        None,
        None,
        scenario=scenario,
        exam=True,
        trial=True,
        clock=clock,
    )
    [session] = repo.sessions_for_user(repo.find_user("Jane").id)
    assert code == 0 and repo.session(session.id).status == "active"  # paused
    await _resume_past_the_time_limit(repo, monkeypatch, capsys, clock, "Jane", session.id)


async def test_an_exam_script_paused_and_resumed_keeps_its_time_limit(
    repo: Repository, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A candidate's exam script from the terminal stores its deadline too (not a trial): a pause does not
    lift the time limit."""
    exam_script = load_catalog().scenario(SCENARIO).model_copy(update={"exam": True})
    clock = Clock()
    monkeypatch.setattr("sys.stdin", TypedAt(clock, [(1, FR_TURNS[0]), (2, "/pause")]))
    settings = get_settings()
    code = await _play(
        settings, SCENARIO, "fr", None, None, "Camille", None, None, scenario=exam_script, clock=clock
    )
    [session] = repo.sessions_for_user(repo.find_user("Camille").id)
    prefs = repo.session(session.id).state["telegram"]
    assert code == 0 and prefs["exam"] is True and "trial" not in prefs and "deadline" in prefs
    await _resume_past_the_time_limit(repo, monkeypatch, capsys, clock, "Camille", session.id)


async def _resume_past_the_time_limit(
    repo: Repository,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    clock: Clock,
    name: str,
    session_id: int,
) -> None:
    """Resumed 31 minutes in, past a 30-minute limit: the line is not taken and the session ends."""
    monkeypatch.setattr("sys.stdin", TypedAt(clock, [(31, FR_TURNS[1]), (32, FR_TURNS[2])]))
    code = await _play(get_settings(), SCENARIO, "fr", None, None, name, session_id, None, clock=clock)
    assert code == 0
    assert "Le temps imparti (30 min) est écoulé" in capsys.readouterr().out
    record = repo.session(session_id)
    assert record.status == "finished"
    assert [t.text for t in record.turns if t.speaker == "candidate"] == FR_TURNS[:1]
