"""`oralblanc cohort …`, `oralblanc results <cohort> [--csv]`, `oralblanc review …`: what trainers do
on Telegram, from a terminal (the database is `DATABASE_URL`, else the SQLite file in the data dir).

Mount with `app.add_typer(trainer_commands.app)` (no name: `cohort`, `results` and `review` become
top-level commands). A terminal user has the database in hand, so no role is checked here; `--by`
names the person recorded as reviewer or owner (`tg:<id>`, `id:<n>` or a display name).
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Annotated

import typer

from bot import results
from bot.commands.data import _find, _repository
from feedback.charts import short_code
from feedback.scorecard import Scorecard
from storage.repository import CohortRecord, NotFound, Repository

log = logging.getLogger(__name__)

app = typer.Typer(no_args_is_help=True)
cohort_app = typer.Typer(help="Cohorts of candidates: create, list, members.", no_args_is_help=True)
review_app = typer.Typer(help="Scorecards waiting for a trainer: list, confirm, amend.", no_args_is_help=True)
app.add_typer(cohort_app, name="cohort")
app.add_typer(review_app, name="review")


def _cohort(repo: Repository, ref: str) -> CohortRecord:
    """The cohort numbered or named `ref`; an error when none is, or several share the name."""
    cohorts = repo.cohorts_owned(None)
    found = [c for c in cohorts if ref.isdigit() and c.id == int(ref)]
    found = found or [c for c in cohorts if c.name.casefold() == ref.strip().casefold()]
    if not found:
        typer.echo(f"error: no cohort {ref!r}", err=True)
        raise typer.Exit(1)
    if len(found) > 1:
        numbers = ", ".join(str(c.id) for c in found)
        typer.echo(f"error: several cohorts are named {ref!r} (numbers {numbers}): give the number", err=True)
        raise typer.Exit(1)
    return found[0]


@cohort_app.command("new")
def cohort_new(
    name: str,
    owner: Annotated[str | None, typer.Option("--owner", help="The trainer who owns it (tg:<id>, id:<n>, name).")] = None,
    bot_username: Annotated[str | None, typer.Option("--bot-username", help="To print the t.me invite link.")] = None,
) -> None:
    """Create a cohort; prints its number and invite code (and link with --bot-username). An owner's
    cohorts have different names."""
    repo, engine = _repository()
    try:
        owner_id = _find(repo, owner).id if owner else None
        same = [c for c in repo.cohorts_owned(None)
                if c.owner_id == owner_id and c.name.casefold() == name.strip().casefold()]
        if same:
            whose = "this owner" if owner_id is not None else "no owner"
            typer.echo(f"error: {whose} already has a cohort {same[0].name!r} (number {same[0].id}): "
                       "choose another name", err=True)
            raise typer.Exit(1)
        code = secrets.token_urlsafe(12)
        cohort_id = repo.create_cohort(name, owner_id=owner_id, invite_code=code)
        typer.echo(f"cohort {cohort_id} {name!r}: invite code {code}")
        if bot_username:
            typer.echo(f"https://t.me/{bot_username.lstrip('@')}?start={code}")
    finally:
        engine.dispose()


@cohort_app.command("list")
def cohort_list() -> None:
    """Every cohort: number, name, owner, members, invite code."""
    repo, engine = _repository()
    try:
        for c in repo.cohorts_owned(None):
            typer.echo(f"{c.id}\t{c.name}\towner={c.owner_id}\tmembers={len(repo.members(c.id))}\t{c.invite_code}")
    finally:
        engine.dispose()


@cohort_app.command("members")
def cohort_members(cohort: str) -> None:
    """The members of a cohort (user id, display name)."""
    repo, engine = _repository()
    try:
        for m in repo.members(_cohort(repo, cohort).id):
            typer.echo(f"{m.id}\t{m.display_name}")
    finally:
        engine.dispose()


@app.command("results")
def results_command(
    cohort: str,
    as_csv: Annotated[bool, typer.Option("--csv", help="One CSV row per session and criterion.")] = False,
    html_out: Annotated[Path | None, typer.Option("--html", help="Also write the HTML summary here.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the HTML summary: fr or en.")] = "fr",
) -> None:
    """A cohort's results: per candidate and criterion, the last and best levels (or the CSV)."""
    if lang not in ("fr", "en"):
        typer.echo(f"error: --lang must be fr or en, not {lang!r}", err=True)
        raise typer.Exit(2)
    repo, engine = _repository()
    try:
        target = _cohort(repo, cohort)
        rows = repo.cohort_scorecards(target.id)
        if html_out is not None:
            html_out.write_text(results.to_html(target.name, rows, lang), encoding="utf-8")
        if as_csv:
            typer.echo(results.to_csv(target.name, rows), nl=False)
            return
        for r in results.by_candidate(rows):
            typer.echo(f"{r.name}: {r.sessions} session(s), last score {_score(r.last_score)}")
            for code in r.levels:
                typer.echo(f"  {short_code(code)}: last {r.last(code)} best {r.best(code)}")
    finally:
        engine.dispose()


def _score(score: float | None) -> str:
    """A score out of 20 as printed here: "—" when there is none (no criterion has a level yet)."""
    return "—" if score is None else str(score)


@review_app.command("list")
def review_list() -> None:
    """Scorecards waiting for a decision: number, candidate, scenario, proposed score."""
    repo, engine = _repository()
    try:
        for user, session, card in repo.proposed_scorecards(None):
            score = (card.data.get("overall") or {}).get("score_20")
            typer.echo(f"{card.id}\t{user.display_name}\t{session.scenario_id}\t{_score(score)}/20")
    finally:
        engine.dispose()


@review_app.command("confirm")
def review_confirm(
    scorecard_id: int, by: Annotated[str, typer.Option("--by", help="The reviewer (tg:<id>, id:<n>, name).")],
    comment: Annotated[str | None, typer.Option("--comment")] = None,
) -> None:
    """Confirm the proposed scorecard."""
    repo, engine = _repository()
    try:
        reviewer = _find(repo, by)
        repo.scorecard(scorecard_id)
        repo.review_scorecard(scorecard_id, reviewer_id=reviewer.id, status="confirmed", comment=comment)
        typer.echo(f"scorecard {scorecard_id} confirmed")
    except NotFound as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


@review_app.command("amend")
def review_amend(
    scorecard_id: int, criterion: str, level: Annotated[int, typer.Argument(min=0, max=3)], comment: str,
    by: Annotated[str, typer.Option("--by", help="The reviewer (tg:<id>, id:<n>, name).")],
) -> None:
    """Set one criterion's level (0-3), with a comment; the score out of 20 follows."""
    repo, engine = _repository()
    try:
        reviewer = _find(repo, by)
        # from the scorecard that counts: a second amendment keeps the first one
        card = Scorecard.model_validate(repo.scorecard(scorecard_id).effective)
        code = results.match_criterion(card, criterion)
        if code is None:
            codes = ", ".join(f"{short_code(c.code)} ({c.code})" for c in card.criteria)
            typer.echo(f"error: criterion {criterion!r} is not (uniquely) scored here; criteria: {codes}", err=True)
            raise typer.Exit(1)
        amended = card.amend(reviewer.display_name, {code: level}, comment)
        repo.review_scorecard(scorecard_id, reviewer_id=reviewer.id, status="amended", comment=comment, amended=amended)
        typer.echo(f"scorecard {scorecard_id} amended: {code} = {level}; score {_score(amended.overall.score_20)}/20")
    except NotFound as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
