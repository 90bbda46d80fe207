"""`oralblanc calibration [--cohort X] [--json]`: per criterion, how often trainers confirmed the level the
scorer proposed, amended it up or down, and Cohen's κ between proposed and final levels (`feedback.calibration`).

Reads the stored scorecards through the core as the terminal's operator: one cohort's (`--cohort`, a number
or a name), else every cohort's. Imports are inside the command, so that `oralblanc --help` starts at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from bot.core.operator import AsyncRepository
    from bot.core.principal import Principal
    from bot.results import Row


def calibration(
    cohort: Annotated[
        str | None, typer.Option("--cohort", help="One cohort (number or name); default: every cohort.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """How trainers' decisions compare with the proposed levels, per criterion (confirmed, raised, lowered, κ)."""
    import json

    from bot.commands.refusals import run
    from feedback.calibration import fmt_kappa, from_records

    async def records(repo: AsyncRepository, me: Principal) -> list[Row]:
        from bot.core import cohorts, results

        if cohort is not None:
            return (await results.cohort_results(repo, me, cohort)).rows
        out: list[Row] = []
        for c in await cohorts.visible(repo, me):
            out += await repo.cohort_scorecards(c.id)
        return out

    rows = run(records, ref=cohort) if cohort is not None else run(records)
    found = [card for _, _, card in rows]
    stats, total = from_records(found)
    if as_json:
        doc = {"cohort": cohort, "criteria": [s.as_dict() for s in stats], "overall": total.as_dict()}
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    if not any(s.decided for s in stats):
        typer.echo(
            "no scorecard decided by a trainer yet" + (f" ({total.pending} pending)" if total.pending else "")
        )
        return
    typer.echo(
        f"{'criterion':<20} {'decided':>7} {'confirmed':>9} {'up':>4} {'down':>5} {'kappa':>6} {'pending':>7}"
    )
    for s in [*stats, total] if len(stats) > 1 else stats:
        name = "all criteria" if s.code == "*" else s.code
        typer.echo(
            f"{name:<20} {s.decided:>7} {s.confirmed:>9} {s.up:>4} {s.down:>5} {fmt_kappa(s.kappa):>6} {s.pending:>7}"
        )
