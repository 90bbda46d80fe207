"""Helpers the rule sets are built with: patterns compiled per language, clause starts, negation.

`_by_lang` compiles a rule set for French and English (`<H>` is the hyphen of an inversion, `<CS>`
where a clause may start); `_first`, `_has` and `_search` look for a rule set in a sentence, skipping
what is negated ("je ne vous propose pas", "I don't understand") unless told not to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from scenarios.moves.sentences import _Sentence

_H = r"(?:-|\s)"  # the hyphen of an inversion, typed or not: "pensez-vous" / "pensez vous"
_CS = {  # where a clause may start
    "fr": r"(?:^|[,:;(«\"]\s*|\s-\s|\b(?:et|mais|alors|donc|or|puis|ensuite|enfin|bref|ok|okay|bon|bien"
    r"|justement|concretement|aussi|sinon|d'ailleurs|du coup)\s+)",
    "en": r"(?:^|[,:;(\"]\s*|\s-\s|\b(?:and|but|so|then|ok|okay|well|now|also|right|alright|otherwise"
    r"|actually|just)\s+)",
}


def _compile(lang: str, *patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p.replace("<H>", _H).replace("<CS>", _CS[lang])) for p in patterns)


def _by_lang(fr: Sequence[str], en: Sequence[str]) -> dict[str, tuple[re.Pattern[str], ...]]:
    return {"fr": _compile("fr", *fr), "en": _compile("en", *en)}


_FR_NE = re.compile(r"(?<![\w'])(?:ne\b|n')")
_FR_NEG_PARTICLE = re.compile(r"\b(?:pas|plus|jamais|guere|aucune?|rien|point|nullement|personne)\b")
_FR_REFUSAL = re.compile(
    r"\b(?:pas question|hors de question|impossible|exclu|refuse|refusons|inutile) (?:de|d'|que)\b"
)
_FR_SPOKEN_NEG_BEFORE = re.compile(r"\bpas(?: de| d')?$")
_FR_SPOKEN_NEG_AFTER = re.compile(r"(?:pas|jamais|plus)\b(?! mal\b| de souci| de probleme| du tout)")
_EN_NEG = re.compile(
    r"\b(?:not|never|no longer|cannot|unable|refuse|no way|no intention|wouldn't|won't|can't|don't"
    r"|doesn't|didn't|isn't|aren't|wasn't|weren't|couldn't|shouldn't|haven't|hasn't|hadn't)\b|n't\b"
)
_CLAUSE_BREAK = re.compile(r"[,;:]|\s(?:mais|but)\s")


def _clause_start(norm: str, index: int) -> int:
    start = 0
    for m in _CLAUSE_BREAK.finditer(norm, 0, index):
        start = m.end()
    return start


def _negated(norm: str, start: int, end: int, lang: str) -> bool:
    """Whether the words matched at [start, end) are negated ("je ne vous propose pas", "I don't ...")."""
    before = norm[_clause_start(norm, start) : start]
    tail = " ".join(before.split()[-3:])
    matched = norm[start:end]
    if lang == "en":  # the negation comes first: "I don't understand", not "... is not easy"
        return bool(_EN_NEG.search(tail + " " + " ".join(matched.split()[:2])))
    if _FR_REFUSAL.search(before):
        return True
    after = " ".join(norm[end:].split()[:3])
    if _FR_SPOKEN_NEG_BEFORE.search(tail) or _FR_SPOKEN_NEG_AFTER.match(after):
        return True  # spoken French drops the "ne": "c'est pas votre faute", "je comprends pas"
    region = tail + " " + matched
    ne = _FR_NE.search(region)
    if not ne:
        return False
    return bool(_FR_NEG_PARTICLE.search(region[ne.end() :] + " " + after))


def _first(
    patterns: dict[str, tuple[re.Pattern[str], ...]], s: _Sentence, negatable: bool = True
) -> re.Match[str] | None:
    """The first match of any pattern in the sentence's languages, skipping negated ones."""
    for lang in s.langs:
        for pattern in patterns[lang]:
            for m in pattern.finditer(s.norm):
                if not negatable or not _negated(s.norm, m.start(), m.end(), lang):
                    return m
    return None


def _has(patterns: dict[str, tuple[re.Pattern[str], ...]], s: _Sentence, negatable: bool = True) -> bool:
    return _first(patterns, s, negatable) is not None


def _search(patterns: dict[str, tuple[re.Pattern[str], ...]], norm: str, langs: Iterable[str]) -> bool:
    return any(p.search(norm) for lang in langs for p in patterns[lang])
