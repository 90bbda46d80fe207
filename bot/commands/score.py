"""`oralblanc score TRANSCRIPT [--json] [--report FILE.pdf|FILE.html]`: the scorecard of a transcript.

The transcript (`oralblanc.transcript/1`, a file or `-` for standard input) names its scenario, found
in the library, or only its `kind` (a trainer's typed record of a real mock exam), scored on the
referential's oral criteria for that kind with equal weights. The LLM judge runs when a chat API is
configured (OPENAI_API_KEY or OPENAI_BASE_URL), at temperature 0, unless `--no-judge`.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:  # heavy: imported where used, so that `oralblanc --help` starts at once
    from scenarios.model import Scenario, Transcript


logger = logging.getLogger(__name__)

app = typer.Typer(help="Score a rehearsal transcript against the exam's criteria.")

REPORT_WRITTEN = {"fr": "Rapport complet écrit dans {path}", "en": "Full report written to {path}"}


MAX_TRANSCRIPT_CHARS = 8 * 1024 * 1024
"""Largest transcript read (a long session with word timings is under 1 MB)."""


class UnreadableTranscript(ValueError):
    """A transcript that is too large, not JSON, or not `oralblanc.transcript/1`: the message says which."""


def _read(path: str) -> Transcript:
    """The transcript in a file or on standard input (`-`), read no further than `MAX_TRANSCRIPT_CHARS`."""
    from pydantic import ValidationError

    from scenarios.model import Transcript

    if path == "-":
        text = sys.stdin.read(MAX_TRANSCRIPT_CHARS + 1)
    else:
        with Path(path).open(encoding="utf-8") as stream:
            text = stream.read(MAX_TRANSCRIPT_CHARS + 1)
    if len(text) > MAX_TRANSCRIPT_CHARS:
        raise UnreadableTranscript(f"larger than {MAX_TRANSCRIPT_CHARS // (1024 * 1024)} MB")
    try:
        # pydantic's JSON parser refuses nesting deeper than it supports (no RecursionError)
        return Transcript.model_validate_json(text)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        if errors and errors[0]["type"] == "json_invalid":
            raise UnreadableTranscript(
                f"not JSON: {errors[0]['msg'].removeprefix('Invalid JSON: ')}"
            ) from None
        raise


def find_scenario(transcript: Transcript) -> Scenario | None:
    """The library scenario the transcript names; None (score by kind) when it names none or an unknown one."""
    if transcript.scenario is None:
        return None
    from bot.catalog import load_catalog

    try:
        return load_catalog().scenario(transcript.scenario)
    except KeyError:
        if transcript.kind is None:
            raise
        logger.warning(
            "scenario %s is not in the library: scored by kind %s", transcript.scenario, transcript.kind
        )
        return None


@app.command()
def score(
    transcript: Annotated[str, typer.Argument(help="Transcript JSON file, or - for standard input.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the scorecard as JSON (oralblanc.scorecard/1).")
    ] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write the full report: FILE.pdf or FILE.html.")
    ] = None,
    use_judge: Annotated[
        bool | None,
        typer.Option(
            "--judge/--no-judge", help="Ask the LLM judge (default: when a chat API is configured)."
        ),
    ] = None,
) -> None:
    """Score TRANSCRIPT: criteria, levels, the candidate's words as evidence, advice and a score out of 20."""
    from pydantic import ValidationError

    from feedback.report import summary, write_report
    from feedback.scorer import ascore

    try:
        record = _read(transcript)
    except (OSError, UnicodeDecodeError, ValidationError, UnreadableTranscript) as exc:
        typer.echo(f"cannot read the transcript: {exc}", err=True)
        raise typer.Exit(2) from None
    try:
        scenario = find_scenario(record)
    except KeyError as exc:
        typer.echo(f"{exc.args[0]}", err=True)
        raise typer.Exit(2) from None
    judge = None
    if use_judge is not False:
        from bot.config import Settings
        from bot.engines import judge_from_settings

        judge = judge_from_settings(Settings())
        if use_judge and judge is None:
            typer.echo("no chat API configured for the judge (OPENAI_API_KEY or OPENAI_BASE_URL)", err=True)
            raise typer.Exit(2)
    if report is not None and report.suffix.lower() not in (".pdf", ".html", ".htm"):
        typer.echo("--report needs a .pdf or .html file name", err=True)
        raise typer.Exit(2)
    card = asyncio.run(ascore(record, scenario, judge))
    typer.echo(card.to_json() if as_json else summary(card))
    if report is not None:
        write_report(card, report)
        # after the summary, in its language (on stderr, so that `--json` output stays a document)
        typer.echo(REPORT_WRITTEN[card.language].format(path=report), err=True)
