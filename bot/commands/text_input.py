"""Where a text command reads from: a file named on the command line, or standard input."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import typer


def open_source(source: str | None) -> TextIO:
    """The file `source`, or standard input for `-` or nothing; a clear error for a missing file."""
    if source in (None, "-"):
        return sys.stdin
    path = Path(source)
    if not path.is_file():
        raise typer.BadParameter(f"no such file: {source}", param_hint="FILE")
    return path.open(encoding="utf-8")


def json_lines(stream: TextIO, expected: str) -> Iterator[dict[str, Any]]:
    """The JSON objects of a JSON-lines stream, each with a string "text"; blank lines skipped. A line
    that is not such an object stops the command (exit 2) with its number and `expected`, the shape."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise TypeError
        except (ValueError, TypeError, RecursionError):
            typer.echo(f"line {number}: expected a JSON object {expected}", err=True)
            raise typer.Exit(2) from None
        yield item
