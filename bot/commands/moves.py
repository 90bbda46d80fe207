"""`oralblanc moves`: what a candidate's sentences do (the move detectors of `scenarios.moves`), so that the
detectors can be evaluated from outside the project.

    oralblanc moves --jsonl corpus.jsonl      # in: {"id", "lang", "text"} per line; out: {"id", "moves": [...]}
    echo "Qu'en pensez-vous ?" | oralblanc moves --lang fr
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from bot.commands.text_input import json_lines, open_source

app = typer.Typer(help="Detect the candidate's moves in text.", no_args_is_help=False)


@app.command("moves")
def moves(
    source: Annotated[
        str | None,
        typer.Argument(
            metavar="[FILE|-]", help="A text or JSON-lines file; - or nothing reads standard input."
        ),
    ] = None,
    jsonl: Annotated[
        bool,
        typer.Option(
            "--jsonl", help='Read lines {"id", "lang", "text"}; write {"id", "moves": [names]} per line.'
        ),
    ] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of a plain text: fr or en.")] = "fr",
) -> None:
    """The moves (open question, conditional concession, blame...) found in each text, in the detectors' order."""
    from scenarios.moves import Move, detect  # imported here: the command line starts fast

    order = {m: i for i, m in enumerate(Move)}
    stream = open_source(source)
    try:
        if jsonl:
            for item in json_lines(stream, '{"id": ..., "lang": "fr"|"en", "text": "..."}'):
                found = {h.move for h in detect(item["text"], str(item.get("lang") or ""))}
                out = {"id": item.get("id"), "moves": [str(m) for m in sorted(found, key=order.__getitem__)]}
                typer.echo(json.dumps(out, ensure_ascii=False))
            return
        text = stream.read()
    finally:
        if stream is not sys.stdin:
            stream.close()
    if lang not in ("fr", "en"):
        raise typer.BadParameter("--lang must be fr or en")
    for hit in detect(text, lang):
        typer.echo(f"{hit.move}: {hit.sentence}")
