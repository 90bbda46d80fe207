"""Where a text command reads from: a file named on the command line, or standard input."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional, TextIO

import typer


def open_source(source: Optional[str]) -> TextIO:
    """The file `source`, or standard input for `-` or nothing; a clear error for a missing file."""
    if source in (None, "-"):
        return sys.stdin
    path = Path(source)
    if not path.is_file():
        raise typer.BadParameter(f"no such file: {source}", param_hint="FILE")
    return path.open(encoding="utf-8")
