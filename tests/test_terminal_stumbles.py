"""Issue 19, the terminal and scoring side: what a candidate, a trainer and a jury member stumbled on
(items 1, 4, 9, 15 and 16), each through a real door: `oralblanc` in a subprocess (in a pseudo-terminal
where a person would be typing), the CLI through typer's CliRunner, `make install` with a stand-in pip.
"""

from __future__ import annotations

import asyncio
import codecs
import fcntl
import os
import pty
import re
import select
import shutil
import stat
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.catalog import load_catalog
from bot.cli import app
from bot.config import Settings
from bot.screen import Flow, wrap
from bot.services import open_services
from feedback import charts
from feedback.report import render_html, summary
from feedback.scorecard import Scorecard
from scenarios.model import Scenario, Turn
from storage.db import make_engine
from storage.repository import Repository
from tests.test_play import FR_TURNS

OBLANC = [sys.executable, "-m", "bot.cli"]
ROOT = Path(__file__).resolve().parent.parent
GRADED = ROOT / "tests" / "data" / "graded"
SCENARIO = "negotiation-castelnau-arrosage"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
SHORT = "Quelles sont vos priorités pour la saison ?"  # typed lines shorter than the narrow screen


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "ORALBLANC_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ORALBLANC_ENGINE", "DATABASE_URL", "COLUMNS", "LINES"):
        env.pop(name, None)
    return {**env, **extra}


def _pipe(tmp_path: Path, args: list[str], lines: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*OBLANC, *args],
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        env=_env(tmp_path, **env),
        timeout=120,
    )


def _repo(tmp_path: Path) -> Repository:
    return Repository(make_engine(Settings(data_dir=tmp_path / "data").effective_database_url))


class Terminal:
    """`oralblanc ARGS` in a pseudo-terminal `columns` wide, its controlling terminal: what a person at
    the keyboard sees (`raw`, with colours; `plain`, without) and what they type (Ctrl-C is "\\x03")."""

    def __init__(self, tmp_path: Path, args: list[str], columns: int = 60) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
        self.proc = subprocess.Popen(
            [*OBLANC, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=_env(tmp_path),
            close_fds=True,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(slave)
        self.master, self.raw = master, ""
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    @property
    def plain(self) -> str:
        return ANSI.sub("", self.raw)

    def _pump(self, timeout: float) -> bool:
        """Read what is there; False at the end of the output."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the process closed the terminal
            return False
        if not chunk:
            return False
        self.raw += self._decoder.decode(chunk).replace("\r\n", "\n")
        return True

    def read_until(self, pattern: str, timeout: float = 60) -> None:
        start, deadline = len(self.plain), time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.plain[start:]):
                return
            if not self._pump(0.2):
                break
        raise AssertionError(f"never saw {pattern!r} in {self.plain[start:]!r}")

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def wait(self, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._pump(0.2):
            if self.proc.poll() is not None and not select.select([self.master], [], [], 0)[0]:
                break
        try:
            return self.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"still running after {timeout} s; the screen: {self.plain[-600:]!r}"
            ) from None

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


PROMPT = r"Vous> $"


# --- 1. an amended score counts a criterion without evidence ---------------------------------------------


NO_EVIDENCE = {
    "format": "oralblanc.scorecard/1",
    "language": "fr",
    "criteria": [
        {"code": "BLOC2.A2.C1.CR1", "level": None, "status": "insufficient_evidence", "weight": 1.0},
        {"code": "BLOC2.A2.C2.CR2", "level": None, "status": "insufficient_evidence", "weight": 1.0},
    ],
    "overall": {"score_20": None, "review_required": False},
}


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_an_amended_criterion_leaves_the_one_without_evidence_at_zero(
    cli_database: str, sample_scenario: Scenario
) -> None:
    engine = make_engine(cli_database)
    repo = Repository(engine)
    try:
        repo.get_or_create_user(telegram_id=1, display_name="Tom", role="trainer")
        _cli("cohort", "new", "Promo", "--owner", "tg:1")
        cohort = repo.cohorts_owned(None)[0]
        cards = {}
        for tg, name in ((2, "Alice"), (3, "Bob")):
            user = repo.get_or_create_user(telegram_id=tg, display_name=name)
            repo.add_member(cohort.id, user)
            session = repo.start_session(user, sample_scenario, "fr")
            repo.add_turn(session, Turn(speaker="candidate", text="Bonjour."))
            repo.finish_session(session)
            cards[name] = repo.save_scorecard(session, NO_EVIDENCE, "test")
        assert "—/20" in _cli("review", "list")  # no criterion has a level: no score yet, said as such

        assert "score 10.0/20" in _cli(
            "review", "amend", str(cards["Alice"]), "C1.CR1", "3", "good discovery", "--by", "tg:1"
        )
        assert "score 3.3/20" in _cli(
            "review", "amend", str(cards["Bob"]), "C1.CR1", "1", "weak", "--by", "tg:1"
        )
        results = _cli("results", "Promo")
        assert (
            "Alice: 1 session(s), last score 10.0" in results
            and "Bob: 1 session(s), last score 3.3" in results
        )

        # what the candidate then reads (the summary the bot sends, /progress's score) says why
        alice = Scorecard.model_validate(repo.scorecard(cards["Alice"]).effective)
        assert alice.overall.score_20 == 10.0
        told = summary(alice)
        assert "Note : 10/20" in told
        assert (
            "Négocier une offre complexe (BLOC2.A2.C2.CR2) — pas assez d'éléments (compté 0 dans la note)"
            in told
        )

        # a second amendment starts from the first one: both criteria now have their level
        assert "score 20.0/20" in _cli(
            "review", "amend", str(cards["Alice"]), "C2.CR2", "3", "clear trade-offs", "--by", "tg:1"
        )
        alice = Scorecard.model_validate(repo.scorecard(cards["Alice"]).effective)
        assert [c.level for c in alice.criteria] == [3, 3] and "compté 0" not in summary(alice)
    finally:
        engine.dispose()


def test_a_proposal_with_a_criterion_without_evidence_counts_it_too() -> None:
    card = Scorecard.model_validate(NO_EVIDENCE)
    assert card.overall.score_20 is None
    shown = card.amend("Tom", {"BLOC2.A2.C2.CR2": 2})
    assert shown.overall.score_20 == pytest.approx(6.7)  # 2 of 3 on one criterion of two, not 13.3
    en = summary(shown.model_copy(update={"language": "en"}))
    assert "Score: 6.7/20" in en and "not enough evidence (counts as 0 in the score)" in en


# --- 4. play --resume, Ctrl-C, the resumed session's language ----------------------------------------------


def test_resuming_a_finished_session_says_it_is_over_and_fails(tmp_path: Path) -> None:
    first = _pipe(tmp_path, ["play", SCENARIO], [FR_TURNS[0], "/end"])
    assert first.returncode == 0, first.stderr
    again = _pipe(tmp_path, ["play", "--resume", "1"], [FR_TURNS[1]])
    assert again.returncode == 1
    assert "La séance n° 1 est terminée" in again.stderr
    assert f"oralblanc play {SCENARIO} --lang fr" in again.stderr
    assert "/20" not in again.stdout and "Évaluation" not in again.stdout  # not scored again
    repo = _repo(tmp_path)
    assert [t.text for t in repo.session(1).turns if t.speaker == "candidate"] == [FR_TURNS[0]]
    assert len(repo.scorecards(1)) == 1
    unknown = _pipe(tmp_path, ["play", "--resume", "99"], [])
    assert (
        unknown.returncode == 2
        and "Aucune séance n° 99" in unknown.stderr
        and "Traceback" not in unknown.stderr
    )


def test_ctrl_c_pauses_the_session_and_only_end_ends_it(tmp_path: Path) -> None:
    term = Terminal(tmp_path, ["play", SCENARIO])
    try:
        term.read_until(PROMPT)
        term.type(SHORT + "\n")
        term.read_until(PROMPT)
        term.type("\x03")  # Ctrl-C at the prompt
        code = term.wait(30)
    finally:
        term.close()
    assert code == 130
    assert "Séance n° 1 en pause" in term.plain and "oralblanc play --resume 1" in term.plain
    assert "/20" not in term.plain and "Fin de la simulation" not in term.plain
    repo = _repo(tmp_path)
    assert repo.session(1).status == "active" and repo.latest_scorecard(1) is None

    # Ctrl-D at the prompt pauses too
    term = Terminal(tmp_path, ["play", "--resume", "1"])
    try:
        term.read_until(PROMPT)
        term.type("\x04")
        assert term.wait(30) == 0
    finally:
        term.close()
    assert "Reprise de la séance n° 1" in term.plain and "oralblanc play --resume 1" in term.plain
    assert repo.session(1).status == "active"

    # a new session says one is paused; then the paused one resumes where it stopped, and /end ends it
    other = _pipe(tmp_path, ["play", SCENARIO], ["/pause"])
    assert other.returncode == 0 and "Vous avez une séance en pause, la n° 1" in other.stdout
    resumed = _pipe(tmp_path, ["play", "--resume", "1"], [FR_TURNS[3], "/end"])
    assert resumed.returncode == 0, resumed.stderr
    assert "Reprise de la séance n° 1" in resumed.stdout and "/20" in resumed.stdout
    assert [t.text for t in repo.session(1).turns if t.speaker == "candidate"] == [SHORT, FR_TURNS[3]]
    assert repo.session(1).status == "finished" and repo.latest_scorecard(1) is not None


def test_a_resumed_english_session_is_shown_in_english(tmp_path: Path) -> None:
    async def start() -> int:
        services = await open_services(Settings(data_dir=tmp_path / "data"))
        try:
            user = await services.repo.get_or_create_user(display_name="Ana", language="en")
            opening = await services.rehearsal.start(user, SCENARIO, "en")
            await services.rehearsal.turn(opening.session_id, "What matters most to you this season?")
            return opening.session_id
        finally:
            await services.close()

    session_id = asyncio.run(start())
    result = _pipe(
        tmp_path,
        ["play", "--resume", str(session_id)],
        ["Could you tell me more about your volumes?", "/end"],
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"Resuming session #{session_id}." in out
    assert "You: What matters most to you this season?" in out and "You: Could you tell me more" in out
    assert (
        "End of the role-play." in out and "Score: " in out and "Full report (open it in a browser):" in out
    )
    assert "Vous" not in out and "Fin de la simulation" not in out


# --- 9. where the full report is --------------------------------------------------------------------------


def test_the_terminal_writes_the_full_report_and_says_where(tmp_path: Path) -> None:
    result = _pipe(tmp_path, ["play", SCENARIO, "--user", "Cli Ana"], [*FR_TURNS, "/end"])
    assert result.returncode == 0, result.stderr
    found = re.search(r"^Rapport complet \(à ouvrir dans un navigateur\) :\n  (.+)$", result.stdout, re.M)
    assert found, result.stdout[-800:]
    path = Path(found.group(1))
    assert path == tmp_path / "data" / "reports" / "session-1.html" and path.is_file()
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="fr">' in page and "BLOC2.A2.C2.CR2" in page
    # the report holds the candidate's words: erasing their data erases it too
    erased = subprocess.run(
        [*OBLANC, "data", "erase", "Cli Ana", "--yes"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=60,
    )
    assert erased.returncode == 0, erased.stderr
    assert "report files: 1" in erased.stdout and not path.exists()


# --- 15. the first impression: wrapped at word boundaries, the persona's name set apart --------------------


def test_the_briefing_and_the_persona_wrap_at_word_boundaries_on_a_narrow_terminal(tmp_path: Path) -> None:
    term = Terminal(tmp_path, ["play", SCENARIO], columns=60)
    try:
        term.read_until(PROMPT)
        term.type(SHORT + "\n")
        term.read_until(PROMPT)
        term.type("/end\n")
        assert term.wait() == 0
    finally:
        term.close()
    report = str(
        tmp_path / "data" / "reports" / "session-1.html"
    )  # a path is never cut: on a line of its own
    lines = [line for line in term.plain.splitlines() if line != f"  {report}"]
    assert lines and all(len(line) <= 60 for line in lines), [line for line in lines if len(line) > 60]
    on_screen = set(term.plain.split())
    scenario = load_catalog().scenario(SCENARIO)
    cut = set(scenario.briefing.fr.split()) - on_screen
    assert not cut, f"words of the briefing broken across lines: {sorted(cut)}"
    persona = [t.text for t in _repo(tmp_path).session(1).turns if t.speaker == "persona"]
    assert len(persona) == 2
    cut = {w for text in persona for w in text.split()} - on_screen
    assert not cut, f"words of the persona broken across lines: {sorted(cut)}"
    # the name stands apart from the words: bold, in colour, on the terminal
    assert re.search(r"(\x1b\[[0-9;]*m)+Claire Morel:\x1b\[0m ", term.raw), term.raw[-2000:]
    assert f"Rapport complet (à ouvrir dans un navigateur) :\n  {report}" in term.plain


def test_wrapping_never_cuts_a_word_nor_parts_a_number_from_its_unit() -> None:
    text = "Le compte : 315 000 unités, 2,46 M€ HT ; « nos délais de 48 h » comptent, n'est-ce pas ?"
    for width in range(12, 40):
        wrapped = wrap(text, width)
        assert wrapped.split() == text.split()
        assert all(len(line) <= width for line in wrapped.splitlines())
        assert not re.search(r"^(000|:|;|\?|»|%)", wrapped, re.M), wrapped
        assert "315\n" not in wrapped and "«\n" not in wrapped
    out: list[str] = []
    flow = Flow(out.append, 30, column=14, indent=" " * 14)
    for piece in ["Bonjour. Je vous pré", "viens, j'ai quarante minutes", ". Notre convention expire."]:
        flow.feed(piece)  # a streamed reply: words split across pieces stay whole
    flow.close()
    assert (
        "".join(out).split()
        == "Bonjour. Je vous préviens, j'ai quarante minutes. Notre convention expire.".split()
    )
    assert wrap("▪ Négocier une offre complexe (BLOC2)", 30) == "▪ Négocier une offre complexe\n  (BLOC2)"


# --- 16. language and format --------------------------------------------------------------------------------


def test_scenarios_show_in_french_has_french_labels() -> None:
    out = _cli("scenarios", "show", SCENARIO, "--lang", "fr")
    flat = " ".join(out.split())
    assert "Étapes : decouverte → prix" in flat and "(passage en anglais)" in flat
    assert "Évalué sur : BLOC2.A2.C1.CR1 (Conseiller les grands comptes) ×0,5" in flat
    assert "négociation, difficile, ≈ 30 min" in flat
    assert (
        "Stages:" not in out and "Scored on:" not in out and "switch to" not in out and "at most" not in out
    )
    both = " ".join(_cli("scenarios", "show", SCENARIO).split())
    assert "Stages: decouverte" in both and "(switch to English)" in both and "×0.5" in both


def test_score_report_is_announced_after_the_summary_in_its_language(tmp_path: Path) -> None:
    for name, said in (
        ("negotiation-fr.illegal", "Rapport complet écrit dans"),
        ("pitch-en.better", "Full report written to"),
    ):
        path = tmp_path / f"{name}.html"
        result = CliRunner().invoke(
            app, ["score", str(GRADED / f"{name}.json"), "--no-judge", "--report", str(path)]
        )
        assert result.exit_code == 0, result.output
        assert f"{said} {path}" in result.stderr and "\nreport written to" not in "\n" + result.output
        assert result.output.index(said) > result.output.index("/20")  # after the summary, not before
        assert path.is_file()


def test_french_reports_write_decimals_with_a_comma(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "r.html"
    result = CliRunner().invoke(
        app, ["score", str(GRADED / "negotiation-fr.illegal.json"), "--no-judge", "--report", str(path)]
    )
    assert result.exit_code == 0, result.output
    page = path.read_text(encoding="utf-8")
    assert '<span class="big">6,7</span>' in page
    assert "poids 0,5" in page and "poids 0.5" not in page  # the library script weighs its criteria 0.5
    card = Scorecard.model_validate_json(
        CliRunner()
        .invoke(app, ["score", str(GRADED / "negotiation-fr.illegal.json"), "--no-judge", "--json"])
        .stdout
    )
    judged = card.model_copy(
        update={"criteria": [c.model_copy(update={"judge_level": 1}) for c in card.criteria]}
    )
    assert "détecteurs : 1/3" in render_html(judged) and "detectors" not in render_html(judged)

    drawn: list[str] = []  # the numbers written on the charts of a French report

    def keep_texts(fig, dpi=150) -> bytes:
        drawn.extend(t.get_text() for ax in fig.axes for t in ax.texts)
        return b""

    monkeypatch.setattr(charts, "_png", keep_texts)
    charts.progress_chart([card, card], lang="fr")
    charts.cohort_scores_chart([("Ana", [card.overall.score_20])], lang="fr")
    assert drawn.count("6,7") == 3 and "6.7" not in drawn


def _fake_python(folder: Path, fail: bool) -> None:
    """A stand-in for the venv's python: pip prints a build backend's deprecation wall (and fails if asked)."""
    bin_dir = folder / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (folder / "site").mkdir()
    script = bin_dir / "python"
    script.write_text(f"""#!/bin/sh
case "$*" in
  *"-m pip install"*" -e "*)
    echo "Obtaining file://{folder}"
    echo "  BuildBackendWarning: project.license as a TOML table is deprecated" >&2
    echo "  !!  ********************************************************************************" >&2
    {'echo "ERROR: No matching distribution found for weasyprint>=62" >&2; exit 1' if fail else "exit 0"} ;;
  *"-m pip"*) echo "Requirement already satisfied: pip"; exit 0 ;;
  *"-c"*) echo "{folder / "site"}" ;;
esac
""")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


@pytest.mark.parametrize("fail", [False, True], ids=["quiet", "error-shown"])
def test_make_install_keeps_pips_chatter_out_of_sight_but_not_its_errors(tmp_path: Path, fail: bool) -> None:
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    _fake_python(tmp_path, fail)
    result = subprocess.run(
        ["make", "--no-print-directory", "install", "APT_PACKAGES="],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    shown = result.stdout + result.stderr
    if not fail:
        assert result.returncode == 0, shown
        assert "BuildBackendWarning" not in shown and "****" not in shown
        assert (tmp_path / ".venv" / ".installed").exists()
    else:
        assert result.returncode != 0
        assert "ERROR: No matching distribution found for weasyprint>=62" in shown  # the real error, in full
        assert "BuildBackendWarning" in shown  # with everything pip said before it
        assert not (tmp_path / ".venv" / ".installed").exists()
