"""The library as a whole (issue 17): every script lints, plays and tells a strong candidate from a weak one,
and its negotiated figures hold together.

1. `oralblanc scenarios lint` (the real command) passes on the whole library.
2. Each play file (tests/library_plays/<scenario-id>.yaml: a strong and a weak candidate, as long as each
   other, in French and in English) is played through the real `bot.rehearsal.Rehearsal` with the scripted
   persona, stored and scored as a session is: the strong candidate scores higher than the weak one in both
   languages, and the persona never says the same sentence twice.
3. Every script's `hidden_brief.terms` are coherent (see `term_problems`), and each kind has at least three
   scripts covering the three difficulties.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from bot.catalog import load_catalog
from bot.rehearsal import Rehearsal
from scenarios.model import Difficulty, Kind, Scenario, Term, Unit
from storage.repository import AsyncRepository, Repository

ROOT = Path(__file__).resolve().parent.parent
PLAYS = Path(__file__).parent / "library_plays"
CATALOG = load_catalog()
LANGS = ("fr", "en")
PAYMENT_CAP_DAYS = 60  # Code de commerce, L441-10: 60 days from the invoice date


def play_files() -> list[Path]:
    return sorted(PLAYS.glob("*.yaml"))


def scripts() -> list[Scenario]:
    return sorted(CATALOG.scenarios.values(), key=lambda s: s.id)


# --- 1. the real linter ---------------------------------------------------------------------------------


def test_the_whole_library_lints() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "scenarios", "lint", "scenarios/library", "personas/library"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- 2. strong and weak candidates, played and scored ------------------------------------------------------


@pytest.fixture
def sqlite_repo(tmp_path: Path):
    from storage.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'oralblanc.sqlite3'}")
    try:
        yield Repository(engine)
    finally:
        engine.dispose()


_SENTENCE = re.compile(r"(?<=[.!?…])[\"»”)]*\s+")


def sentence_keys(text: str) -> list[str]:
    """The persona's sentences of three words or more, folded (as the director keys them)."""
    keys = []
    for sentence in _SENTENCE.split(text):
        words = re.sub(r"[^\w%€]+", " ", sentence.lower()).split()
        if len(words) >= 3:
            keys.append(" ".join(words))
    return keys


async def play(rehearsal: Rehearsal, user_id: int, scenario_id: str, lang: str, lines: list[str]):
    """Play the candidate's lines (until the persona closes), finish the session and score it."""
    opening = await rehearsal.start(user_id, scenario_id, lang)
    replies = [opening.text]
    for line in lines:
        reply = await rehearsal.turn(opening.session_id, line)
        replies.append(reply.text)
        if reply.ended:
            break
    await rehearsal.finish(opening.session_id)
    return replies, await rehearsal.scorecard(opening.session_id)


def test_every_play_file_names_a_library_script_and_is_well_formed() -> None:
    assert play_files(), "no play file in tests/library_plays"
    for path in play_files():
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert path.stem in CATALOG.scenarios, f"{path.name}: no script {path.stem!r} in the library"
        for lang in LANGS:
            strong, weak = spec[lang]["strong"], spec[lang]["weak"]
            assert 8 <= len(strong) <= 14, f"{path.name} {lang}: {len(strong)} strong lines (8-14)"
            assert len(weak) == len(strong), (
                f"{path.name} {lang}: the weak candidate must be as long as the strong one"
            )
            assert all(isinstance(line, str) and line.strip() for line in strong + weak), (
                f"{path.name} {lang}: empty line"
            )


@pytest.mark.parametrize("path", play_files(), ids=lambda p: p.stem)
async def test_the_strong_candidate_scores_higher_and_the_persona_never_repeats_itself(
    sqlite_repo: Repository, path: Path
) -> None:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    rehearsal = Rehearsal(AsyncRepository(sqlite_repo), CATALOG)
    user = sqlite_repo.get_or_create_user(display_name="Library")
    for lang in LANGS:
        scores = {}
        for level in ("strong", "weak"):
            replies, card = await play(rehearsal, user, path.stem, lang, spec[lang][level])
            seen: dict[str, int] = {}
            for i, reply in enumerate(replies):
                for key in sentence_keys(reply):
                    assert key not in seen, (
                        f"{path.stem} {lang} {level}: turn {i} repeats {key!r} (turn {seen[key]})"
                    )
                    seen[key] = i
            scores[level] = card.overall.score_20
        assert scores["strong"] > scores["weak"], f"{path.stem} {lang}: {scores}"


# --- 3. the figures hold together, and the library covers each kind ---------------------------------------


def _better(term: Term, a: float, b: float) -> bool:
    """Whether `a` is strictly better than `b` for the persona."""
    return a > b if term.persona_wants == "more" else a < b


def _stated(value: float, text: str) -> bool:
    """Whether a figure is written in a text (thousands separated by a space, a comma or a dot, or not)."""
    digits = f"{value:g}" if not float(value).is_integer() else str(int(value))
    if digits.isdigit() and len(digits) > 3:
        head = digits[: len(digits) % 3 or 3]
        groups = [head] + [digits[i : i + 3] for i in range(len(head), len(digits), 3)]
        body = r"[\s\u202f\u00a0.,]?".join(groups)
    else:
        body = re.escape(digits).replace(r"\.", "[.,]")
    return re.search(r"(?<![\d.,])" + body + r"(?![\d])", text) is not None


def _is_payment_term(term: Term) -> bool:
    words = " ".join((*term.about.fr, *term.about.en, term.label.fr, term.label.en)).lower()
    return term.unit is Unit.days and any(w in words for w in ("paiement", "payment", "règlement"))


def term_problems(scenario: Scenario) -> list[str]:
    """What does not hold together in a script's negotiated figures (`hidden_brief.terms`, scenarios/model.py):

    - the demand is beyond what the persona settles for: `accept`, when set, is strictly worse for the persona
      than `demand` (the figure has to be negotiated from the demand toward it);
    - the mandate (the candidate's limit from the briefing), when set, is within what the persona asks (not
      better for the persona than the demand: the company never gives more than it is asked) and reaches what
      the persona settles for (a deal exists within the mandate: not worse for the persona than `accept`);
    - so the zone of agreement, from `accept` to the mandate, lies between the persona's demand and what the
      candidate may give;
    - the mandate is written in the briefing, in both languages (the candidate's limit is what they read),
      except for a payment term, whose limit is the law's;
    - a payment term in days never reaches beyond the Code de commerce cap (60 days, L441-10), neither in the
      mandate nor in what the persona settles for;
    - a percentage stays within 0-100;
    - the objection the term answers belongs to a stage at or after the term's `from_stage`.
    """
    problems: list[str] = []
    stage_of = {o.id: i for i, stage in enumerate(scenario.stages) for o in stage.objections}
    for term in scenario.hidden_brief.terms:
        where = f"{scenario.id}: term {term.id}"
        if term.accept is not None and not _better(term, term.demand, term.accept):
            problems.append(f"{where}: demand {term.demand:g} is not beyond accept {term.accept:g}")
        if term.mandate is not None:
            if _better(term, term.mandate, term.demand):
                problems.append(
                    f"{where}: mandate {term.mandate:g} gives more than the demand {term.demand:g}"
                )
            if term.accept is not None and _better(term, term.accept, term.mandate):
                problems.append(
                    f"{where}: mandate {term.mandate:g} never reaches accept {term.accept:g}: no deal is possible"
                )
            if not _is_payment_term(term):
                for lang in LANGS:
                    if not _stated(term.mandate, scenario.briefing.get(lang)):
                        problems.append(
                            f"{where}: mandate {term.mandate:g} is not stated in the {lang} briefing"
                        )
        if _is_payment_term(term):
            for name in ("mandate", "accept"):
                value = getattr(term, name)
                if value is not None and value > PAYMENT_CAP_DAYS:
                    problems.append(
                        f"{where}: {name} {value:g} days is beyond the legal cap of {PAYMENT_CAP_DAYS} days"
                    )
        if term.unit is Unit.percent:
            for name in ("demand", "accept", "mandate"):
                value = getattr(term, name)
                if value is not None and not 0 <= value <= 100:
                    problems.append(f"{where}: {name} {value:g} % is not a percentage")
        if (
            term.objection is not None
            and term.from_stage is not None
            and stage_of.get(term.objection, -1) < scenario.stage_index(term.from_stage)
        ):
            problems.append(f"{where}: objection {term.objection} comes before from_stage {term.from_stage}")
    return problems


@pytest.mark.parametrize("scenario", scripts(), ids=lambda s: s.id)
def test_the_negotiated_figures_hold_together(scenario: Scenario) -> None:
    assert term_problems(scenario) == []


def test_the_rules_catch_incoherent_figures() -> None:
    scenario = CATALOG.scenario("change-verticales-crm")
    term = scenario.hidden_brief.terms[0]  # persona wants more: demand 12, accept 6, mandate 12 (months)

    def with_term(**update) -> Scenario:
        brief = scenario.hidden_brief.model_copy(update={"terms": [term.model_copy(update=update)]})
        return scenario.model_copy(update={"hidden_brief": brief})

    assert term_problems(with_term()) == []
    assert any("not beyond accept" in p for p in term_problems(with_term(accept=12)))
    assert any("more than the demand" in p for p in term_problems(with_term(mandate=18)))
    assert any("never reaches accept" in p for p in term_problems(with_term(mandate=4)))
    assert any("not stated" in p for p in term_problems(with_term(mandate=9)))


def test_each_kind_has_three_scripts_of_the_three_difficulties() -> None:
    by_kind: dict[Kind, list[Scenario]] = defaultdict(list)
    for scenario in scripts():
        by_kind[scenario.kind].append(scenario)
    for kind in Kind:
        found = by_kind.get(kind, [])
        assert len(found) >= 3, f"{kind.value}: {len(found)} script(s): {[s.id for s in found]}"
        difficulties = {s.difficulty for s in found}
        assert difficulties == set(Difficulty), (
            f"{kind.value}: difficulties {sorted(d.value for d in difficulties)}"
        )
        assert len({s.persona for s in found}) == len(found), f"{kind.value}: each script has its own persona"
