"""`oralblanc cohort …`, `oralblanc results <cohort> [--csv]`, `oralblanc review …`: what trainers do
on Telegram, from a terminal (the database is `DATABASE_URL`, else the SQLite file in the data dir).

Mount with `app.add_typer(trainer_commands.app)` (no name: `cohort`, `results` and `review` become
top-level commands). Each command calls one use case of the core (`bot.core`) as the terminal's
operator, who has the database in hand (every role); `--by` names the person recorded as reviewer or
owner (`tg:<id>`, `id:<n>` or a display name). The candidates a decision concerns cannot be told
from here: a note on standard error says so.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:  # heavy: imported where used, so that `oralblanc --help` starts at once
    from bot.core.operator import AsyncRepository
    from bot.core.principal import Principal

T = TypeVar("T")


log = logging.getLogger(__name__)

app = typer.Typer(no_args_is_help=True)
cohort_app = typer.Typer(help="Cohorts of candidates: create, list, members.", no_args_is_help=True)
review_app = typer.Typer(help="Scorecards waiting for a trainer: list, confirm, amend.", no_args_is_help=True)
app.add_typer(cohort_app, name="cohort")
app.add_typer(review_app, name="review")


def _run(
    use: Callable[[AsyncRepository, Principal], Awaitable[T]], *, by: str | None = None, **shown: Any
) -> T:
    """One use case of the core, as the terminal's operator (`bot.core.operator`); a refusal is printed
    as an `error:` line (`shown` overrides its values), exit status 1."""
    from bot.commands.refusals import run

    return run(use, by=by, **shown)


@cohort_app.command("new")
def cohort_new(
    name: str,
    owner: Annotated[
        str | None, typer.Option("--owner", help="The trainer who owns it (tg:<id>, id:<n>, name).")
    ] = None,
    bot_username: Annotated[
        str | None, typer.Option("--bot-username", help="To print the t.me invite link.")
    ] = None,
) -> None:
    """Create a cohort; prints its number and invite code (and link with --bot-username). An owner's
    cohorts have different names."""
    from bot.core import cohorts
    from bot.core.principal import person

    async def create(repo: AsyncRepository, me: Principal) -> cohorts.Created:
        owner_id = (await person(repo, owner)).id if owner else None
        return await cohorts.create(repo, me, name, owner_id=owner_id)

    created = _run(create)
    typer.echo(f"cohort {created.id} {name!r}: invite code {created.invite_code}")
    if bot_username:
        typer.echo(f"https://t.me/{bot_username.lstrip('@')}?start={created.invite_code}")


@cohort_app.command("list")
def cohort_list() -> None:
    """Every cohort: number, name, owner, members, invite code."""
    from bot.core import cohorts

    for item in _run(cohorts.list_owned):
        c = item.cohort
        typer.echo(f"{c.id}\t{c.name}\towner={c.owner_id}\tmembers={item.members}\t{c.invite_code}")


@cohort_app.command("members")
def cohort_members(cohort: str) -> None:
    """The members of a cohort (user id, display name)."""
    from bot.core import cohorts

    _, members = _run(lambda repo, me: cohorts.members(repo, me, cohort), ref=cohort)
    for m in members:
        typer.echo(f"{m.id}\t{m.display_name}")


@app.command("results")
def results_command(
    cohort: str,
    as_csv: Annotated[bool, typer.Option("--csv", help="One CSV row per session and criterion.")] = False,
    html_out: Annotated[Path | None, typer.Option("--html", help="Also write the HTML summary here.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the HTML summary: fr or en.")] = "fr",
) -> None:
    """A cohort's results: per candidate and criterion, the last and best levels (or the CSV)."""
    from bot.core import results
    from feedback.charts import short_code

    if lang not in ("fr", "en"):
        typer.echo(f"error: --lang must be fr or en, not {lang!r}", err=True)
        raise typer.Exit(2)
    outcome = _run(lambda repo, me: results.cohort_results(repo, me, cohort), ref=cohort)
    if html_out is not None:
        html_out.write_text(outcome.to_html(lang), encoding="utf-8")
    if as_csv:
        typer.echo(outcome.to_csv(), nl=False)
        return
    for r in outcome.by_candidate():
        typer.echo(f"{r.name}: {r.sessions} session(s), last score {_score(r.last_score)}")
        for code in r.levels:
            typer.echo(f"  {short_code(code)}: last {r.last(code)} best {r.best(code)}")


def _score(score: float | None) -> str:
    """A score out of 20 as printed here: "—" when there is none (no criterion has a level yet)."""
    return "—" if score is None else str(score)


@review_app.command("list")
def review_list() -> None:
    """Scorecards waiting for a decision: number, candidate, scenario, proposed score."""
    from bot.catalog import load_catalog
    from bot.core import review

    catalog = load_catalog()
    for item in _run(lambda repo, me: review.proposed(repo, me, catalog, excerpts=False)):
        score = (item.record.data.get("overall") or {}).get("score_20")
        typer.echo(
            f"{item.record.id}\t{item.candidate.display_name}\t{item.session.scenario_id}\t{_score(score)}/20"
        )


@review_app.command("confirm")
def review_confirm(
    scorecard_id: int,
    by: Annotated[str, typer.Option("--by", help="The reviewer (tg:<id>, id:<n>, name).")],
    comment: Annotated[str | None, typer.Option("--comment")] = None,
) -> None:
    """Confirm the proposed scorecard."""
    from bot.catalog import load_catalog
    from bot.core import review
    from bot.core.outbox import PrintedOutbox

    catalog, outbox = load_catalog(), PrintedOutbox(lambda line: typer.echo(line, err=True))
    _run(
        lambda repo, me: review.confirm(repo, me, catalog, str(scorecard_id), outbox, comment=comment), by=by
    )
    typer.echo(f"scorecard {scorecard_id} confirmed")


@review_app.command("amend")
def review_amend(
    scorecard_id: int,
    criterion: str,
    level: Annotated[int, typer.Argument(min=0, max=3)],
    comment: str,
    by: Annotated[str, typer.Option("--by", help="The reviewer (tg:<id>, id:<n>, name).")],
) -> None:
    """Set one criterion's level (0-3), with a comment; the score out of 20 follows."""
    from bot.catalog import load_catalog
    from bot.core import review
    from bot.core.outbox import PrintedOutbox

    catalog, outbox = load_catalog(), PrintedOutbox(lambda line: typer.echo(line, err=True))
    # from the scorecard that counts: a second amendment keeps the first one
    done = _run(
        lambda repo, me: review.amend(
            repo, me, catalog, str(scorecard_id), [criterion, str(level), comment], outbox
        ),
        by=by,
        code=criterion,
    )
    typer.echo(
        f"scorecard {scorecard_id} amended: {done.code} = {level}; score {_score(done.card.overall.score_20)}/20"
    )
