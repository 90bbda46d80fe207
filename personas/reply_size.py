"""How much text a free-speaking persona may say in one reply, in characters as well as words.

A reply is capped by words (`PromptOptions.reply_words`, about 1.5 times that at most), but a word
count does not bound a "word" of 200,000 characters. So a reply also has a character budget,
`CHARS_PER_WORD` times its target words (spoken French and English average about 6 characters a word,
space and punctuation included), and no token of a spoken sentence is longer than `MAX_TOKEN_CHARS`
(French's longest words have 25 letters), except a web or e-mail address. The actor stops reading a
reply as soon as it is over budget, so a server cannot make it read more than that.
"""

from __future__ import annotations

import re

CHARS_PER_WORD = 12
"""Characters a reply may hold per word of its target length (`reply_words`)."""
MAX_TOKEN_CHARS = 40
"""Longest run of non-space characters a spoken sentence may hold (an address apart)."""

_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_EDGES = "\"'«»“”‘’()[]{}<>.,;:!?…"


def char_budget(reply_words: int) -> int:
    """The most characters a reply of about `reply_words` words may hold."""
    return CHARS_PER_WORD * reply_words


def too_long(chars: int, budget: int) -> str:
    """Why a reply of `chars` characters, over `budget`, is refused (fed back to the model, like the
    guard's reasons)."""
    return f"it was far too long ({chars} characters; a spoken reply holds at most {budget})"


def overlong_token(sentence: str) -> str | None:
    """Why `sentence` cannot be spoken (None when it can): a run of more than `MAX_TOKEN_CHARS`
    non-space characters that is not a web or e-mail address."""
    for token in sentence.split():
        if len(token) <= MAX_TOKEN_CHARS:
            continue
        core = token.strip(_EDGES)
        if len(token) - len(core) <= 4 and _ADDRESS.fullmatch(core):
            continue  # an address, maybe in brackets or before a full stop
        return f"it held a string of {len(token)} characters that is not a word"
    return None
