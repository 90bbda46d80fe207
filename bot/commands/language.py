"""`oralblanc cefr`: the CEFR level of an English text, or of many (JSON lines)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from bot.commands.text_input import json_lines, open_source

app = typer.Typer(help="Estimate the CEFR level of English text.", no_args_is_help=False)


@app.command("cefr")
def cefr(
    source: Annotated[
        str | None,
        typer.Argument(metavar="[FILE|-]", help="A text file; - or nothing reads standard input."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the assessment (level, score, measures, evidence) as JSON.")
    ] = False,
    jsonl: Annotated[
        bool,
        typer.Option(
            "--jsonl",
            help='Read lines {"id": ..., "text": ...}; write {"id": ..., "cefr": ..., "b1_reached": ...} per line.',
        ),
    ] = False,
) -> None:
    """CEFR level (A1..C2) of English text, and whether B1 is reached (the exam's requirement)."""
    from feedback.english import MIN_WORDS, assess_text, load_model, text_measures

    stream = open_source(source)
    try:
        if jsonl:
            model = load_model()
            for item in json_lines(stream, '{"id": ..., "text": "..."}'):
                text = item["text"]
                score = model.score(text_measures(text))
                out = {"id": item.get("id"), "cefr": model.level(score), "b1_reached": score >= model.b1_cut}
                typer.echo(json.dumps(out, ensure_ascii=False))
            return
        text = stream.read()
    finally:
        if stream is not sys.stdin:
            stream.close()
    if not text.strip():
        typer.echo("No text given.", err=True)
        raise typer.Exit(2)
    assessment = assess_text(text)
    if as_json:
        payload = assessment.model_dump()
        payload["enough_text"] = assessment.words >= MIN_WORDS
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    verdict = "B1 reached" if assessment.b1_reached else "B1 not reached"
    typer.echo(f"{assessment.cefr} (score {assessment.score:.2f} on 1-6; {verdict})")
    if assessment.words < MIN_WORDS:
        typer.echo(
            f"Only {assessment.words} words: below {MIN_WORDS}, too little English to judge reliably.",
            err=True,
        )
