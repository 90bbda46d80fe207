"""Text for a terminal screen: how wide to write, and words wrapped at their boundaries, never inside a
word, also when they arrive piece by piece (a persona's reply streamed as it is spoken).

A line that begins with a bullet ("▪ ", "✓ ", "→ "…) or with spaces keeps its continuation lines under
its text. Non-breaking spaces (French "« Bonjour »", "30 %") never break a line.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable

MAX_WIDTH = 100  # wider lines are harder to read, whatever the terminal's width
MIN_WIDTH = 20
BULLETS = ("▪ ", "✓ ", "✗ ", "→ ", "• ", "- ", "— ")
NO_BREAK = "\u00a0\u202f\u2007"  # no-break, narrow no-break and figure spaces


def width() -> int:
    """The width to write to: the terminal's (one column spare), at most MAX_WIDTH; 79 when not a terminal
    (or `COLUMNS`, as the shell sets it)."""
    columns = shutil.get_terminal_size((80, 24)).columns
    return max(MIN_WIDTH, min(columns - 1, MAX_WIDTH))


def _breaks(ch: str) -> bool:
    return ch.isspace() and ch not in NO_BREAK


# Words that never start a line: French punctuation set apart by a space ("prix ?", "22 %", "48 h »"),
# dashes, and the next group of digits of a number written with spaces ("315 000").
_CLOSING = re.compile(r"[:;!?%»€$)\]—–…]+[.,;:!?)\]»]*")
_DIGITS = re.compile(r"\d{3}(?:[.,]\d+)?[.,;:!?)%»]*")


def _glued(previous: str, word: str) -> bool:
    """Whether `word` must stay on the line of `previous` (the word before it)."""
    if previous.endswith("«") or _CLOSING.fullmatch(word):
        return True
    return bool(_DIGITS.fullmatch(word)) and previous[-1:].isdigit()


class Flow:
    """Writes words as they come, wrapped at `width`: a word that does not fit on the line starts the next
    one, after `indent`. `column` is where the first word starts (after a prefix already written). A word
    is written once the next one is known, so that "prix ?" or "315 000" never break (see `_glued`)."""

    def __init__(
        self, write: Callable[[str], object], width: int, *, column: int = 0, indent: str = ""
    ) -> None:
        self.write, self.width, self.indent = write, width, indent
        self.column = column
        self.fresh = True  # nothing written on this line yet (after its prefix or indent)
        self.word = ""  # the word being read
        self.group: list[str] = []  # words read, to be written together on one line
        self.newline = False  # the text itself starts a new line before the group

    def feed(self, piece: str) -> None:
        for ch in piece:
            if not _breaks(ch):
                self.word += ch
                continue
            self._end_word()
            if ch == "\n":
                self._emit()
                self.newline = True

    def close(self) -> None:
        """Write what is left and end the line."""
        self._end_word()
        self._emit()
        self.write("\n")

    def _end_word(self) -> None:
        word, self.word = self.word, ""
        if not word:
            return
        if self.group and not _glued(self.group[-1], word):
            self._emit()
        self.group.append(word)

    def _emit(self) -> None:
        if not self.group:
            return
        text, self.group = " ".join(self.group), []
        if not self.fresh and (self.newline or self.column + 1 + len(text) > self.width):
            self.write("\n" + self.indent)
            self.column, self.fresh = len(self.indent), True
        self.newline = False
        if not self.fresh:
            self.write(" ")
            self.column += 1
        self.write(text)
        self.column += len(text)
        self.fresh = False


def wrap(text: str, width: int) -> str:
    """`text` wrapped at `width`, line by line: blank lines kept, each line's leading spaces and bullet
    kept, its continuation lines under its text."""
    out: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            out.append("\n")
            continue
        body = line.lstrip(" ")
        lead = line[: len(line) - len(body)]
        bullet = next((b for b in BULLETS if body.startswith(b)), "")
        prefix = lead + bullet
        out.append(prefix)
        flow = Flow(out.append, width, column=len(prefix), indent=" " * len(prefix))
        flow.feed(body[len(bullet) :])
        flow.close()
    return "".join(out).rstrip("\n")
