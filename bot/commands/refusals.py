"""The core's refusals (`bot.core.principal.Refused`) as the terminal says them: one `error:` line on
standard error, exit status 1."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

if TYPE_CHECKING:  # heavy: imported where used, so that `oralblanc --help` starts at once
    from bot.core.operator import AsyncRepository
    from bot.core.principal import Principal, Refused

T = TypeVar("T")

PUBLISH_REFUSALS = {
    "no_upload": "No script uploaded for '{id}': `oralblanc jury upload FILE` first.",
    "already_published": "'{id}' v{version} is already live.",
    "version_not_higher": (
        "Refused: the uploaded script is v{version}, the live version is v{live}. "
        "Raise `version:` (to {next} at least) and upload the file again."
    ),
}


def message(refused: Refused, **shown: Any) -> str:
    """The line for `refused`; `shown` overrides its values (e.g. a reference as the user typed it)."""
    v = {**refused.values, **shown}
    reason = refused.reason
    if reason in PUBLISH_REFUSALS:
        return PUBLISH_REFUSALS[reason].format(**v)
    if reason == "unknown_cohort":
        return f"error: no cohort {v['ref']!r}"
    if reason == "ambiguous_cohort":
        numbers = ", ".join(str(i) for i in v["ids"])
        return f"error: several cohorts are named {v['ref']!r} (numbers {numbers}): give the number"
    if reason == "cohort_exists":
        whose = "this owner" if v.get("owner_id") is not None else "no owner"
        return f"error: {whose} already has a cohort {v['name']!r} (number {v['id']}): choose another name"
    if reason == "no_such_user":
        return f"error: {v.get('message') or 'no user ' + repr(v['ref'])}"
    if reason == "unknown_scorecard":
        return f"error: no scorecard {v['ref']}"
    if reason == "unknown_criterion":
        from feedback.charts import short_code

        codes = ", ".join(f"{short_code(c)} ({c})" for c in v["criteria"])
        return f"error: criterion {v['code']!r} is not (uniquely) scored here; criteria: {codes}"
    if reason == "amend_comment_required":
        return "error: the comment is required (the candidate gets it with the change)"
    if reason == "bad_level":
        return "error: the level is 0, 1, 2 or 3"
    if reason == "unknown_scenario":
        return f"error: no script '{v['id']}', uploaded or live"
    if reason == "unknown_session":
        return f"error: no finished session {v['ref']}"
    if reason == "no_reviewer":
        return "error: --by must name the reviewer"
    if reason == "not_allowed":
        return f"error: only for {' or '.join(v['roles'])}"
    return f"error: {refused}"


def fail(refused: Refused, **shown: Any) -> NoReturn:
    """Print the refusal on standard error and exit with status 1."""
    typer.echo(message(refused, **shown), err=True)
    raise typer.Exit(1)


def run(
    use: Callable[[AsyncRepository, Principal], Awaitable[T]], *, by: str | None = None, **shown: Any
) -> T:
    """One use case of the core, as the terminal's operator (`bot.core.operator`), on the configured
    database; a refusal is printed (`shown` overriding its values) and exits with status 1."""
    from bot.core import operator
    from bot.core.principal import Refused

    try:
        return operator.run(use, by=by)
    except Refused as refused:
        fail(refused, **shown)
