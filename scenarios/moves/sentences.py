"""A turn cut into sentences, each normalised and read in its language.

Normalising lowers the case, drops accents (except the grave of "où"), unifies apostrophes, dashes and
spaces. Sentences end on . ? ! ; … and newlines, not on "3.5", "M.", "etc.", "e.g.". The declared
language is a hint: a sentence plainly in the other language is read with that language's rules. A
French sentence said with "tu" is rewritten with "vous", the form the French rules are written for.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def _languages(lang: str) -> tuple[str, ...]:
    code = (lang or "").strip().lower()[:2]
    return (code,) if code in ("fr", "en") else ("fr", "en")


_APOSTROPHES = dict.fromkeys(map(ord, "\u2019\u2018\u02bc\u0060\u00b4\u2032\u201b"), "'")
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
_SPACES = re.compile(r"\s+")
_ELISION_SPACE = re.compile(r"\b([cdjlmnst]|qu|jusqu|lorsqu|puisqu|presqu)'\s+")
_LEADING_JUNK = re.compile(r"^[^\w«\"]+")


def _normalize(text: str) -> str:
    """Lower case, accents dropped (except the grave of "où"), one kind of apostrophe, dash and space."""
    text = text.translate(_APOSTROPHES).lower().replace("œ", "oe").replace("æ", "ae")
    chars: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            if ch == "\u0300" and chars and chars[-1] == "u":
                chars[-1] = "ù"  # "où" (where) must stay apart from "ou" (or)
            continue
        chars.append(ch)
    text = _DASHES.sub("-", "".join(chars))
    text = _ELISION_SPACE.sub(r"\1'", text)
    text = _SPACES.sub(" ", text).strip()
    return _LEADING_JUNK.sub("", text)


_TERMINATOR = re.compile(r"(?:[.?!;\u2026]+)[\"'\u2019\u201d\u00bb)\]]*(?=\s|$)|[?!]+(?=[^\W\d_])")
_TITLES = frozenset("mm mme mmes mlle mlles dr pr mr mrs ms prof st ste".split())  # "M. Dupont", "Dr. Smith"
_ABBREVIATIONS = frozenset(  # no stop when the sentence goes on in lower case: "etc. et", "approx. 3"
    "etc cf vs env approx inc ltd co jr sr resp min max nb ex tel al av bd ca".split()
)
_NUMBER_ABBREVIATIONS = frozenset("art p pp no n vol fig chap ref tel".split())  # "art. L441-10", "p. 3"
_WORD_BEFORE = re.compile(r"([^\W_]+)$")
_ACRONYM_BEFORE = re.compile(r"(?:\b[^\W\d_]\.)+[^\W\d_]$")


@dataclass(frozen=True)
class _Sentence:
    start: int
    end: int
    text: str
    norm: str
    langs: tuple[str, ...]
    question: bool


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: split on . ? ! ; … and newlines, not on 3.5, M., etc., e.g."""
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.splitlines(keepends=True):
        line_end = line_start + len(line.rstrip("\r\n"))
        seg_start = line_start
        for m in _TERMINATOR.finditer(text, line_start, line_end):
            if _is_false_stop(text, seg_start, m):
                continue
            spans.append((seg_start, m.end()))
            seg_start = m.end()
        spans.append((seg_start, line_end))
        line_start += len(line)
    return [trimmed for span in spans if (trimmed := _trim(text, *span))]


def _is_false_stop(text: str, seg_start: int, m: re.Match[str]) -> bool:
    """Whether a period ends an abbreviation, an initial or a list number rather than a sentence."""
    if m.group().rstrip("\"'\u2019\u201d\u00bb)]") != ".":
        return False
    before = text[seg_start : m.start()]
    if _ACRONYM_BEFORE.search(before):  # e.g. / i.e. / U.S.
        return True
    word_match = _WORD_BEFORE.search(before)
    if not word_match:
        return False
    word, lower = word_match.group(1), word_match.group(1).lower()
    following = text[m.end() :].lstrip()[:2]
    if word == "M" or lower in _TITLES:
        return bool(following) and following[0].isalpha()
    if lower in _ABBREVIATIONS and following and (following[0].islower() or following[0].isdigit()):
        return True
    if lower in _NUMBER_ABBREVIATIONS and re.match(r"\d|[LRD]\.?\d|[LRD]\s?\d", following):
        return True
    if word.isdigit() and not before[: word_match.start()].strip():
        return True  # "1. " opening a numbered item
    if len(word) == 1 and word.isupper():
        previous = before[: word_match.start()].split()
        return not previous or previous[-1][:1].isupper()  # an initial: "J. Dupont", "Jean P. Martin"
    return False


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if not any(ch.isalnum() for ch in text[start:end]):
        return None
    return start, end


# The session's language is a hint: a sentence plainly in the other language (the exam switches
# language mid-session) is read with that language's rules.
_FUNCTION_WORDS = {
    "fr": frozenset(
        "le la les des du un une et est je j vous nous pour que qui dans pas avec sur ce cette ces votre vos notre"
        " nos mais ou au aux il elle c qu l d n tu te ton ta tes mon mes sont avez sommes etes comment pourquoi"
        " quel quelle bonjour merci oui tres aussi donc alors si ne se sa son leur leurs chez depuis entre par"
        " sans ca cela moi toi en".split()
    ),
    "en": frozenset(
        "the and is are i you we for that this with not your our but or of to it be have has do does will would"
        " can could what how why which who there they my at from if so was were about thank thanks hello hi yes"
        " just all an in by".split()
    ),
}
_WORD = re.compile(r"[a-z\u00f9]+")


def _sentence_language(norm: str, declared: str) -> str:
    other = "en" if declared == "fr" else "fr"
    words = _WORD.findall(norm)
    ours = sum(word in _FUNCTION_WORDS[declared] for word in words)
    theirs = sum(word in _FUNCTION_WORDS[other] for word in words)
    return other if theirs >= 3 and theirs >= 2 * ours else declared


# French rules are written for "vous"; a manager speaking to a team member says "tu".
_TU_VERBS = {
    "as": "avez",
    "es": "etes",
    "vas": "allez",
    "peux": "pouvez",
    "veux": "voulez",
    "dois": "devez",
    "sais": "savez",
    "vois": "voyez",
    "crois": "croyez",
    "fais": "faites",
    "dis": "dites",
    "prends": "prenez",
    "comprends": "comprenez",
    "apprends": "apprenez",
    "viens": "venez",
    "tiens": "tenez",
    "connais": "connaissez",
    "mets": "mettez",
    "sens": "sentez",
    "pars": "partez",
    "ecris": "ecrivez",
    "lis": "lisez",
    "vis": "vivez",
    "suis": "suivez",
    "rejoins": "rejoignez",
    "perds": "perdez",
    "attends": "attendez",
    "reponds": "repondez",
    "entends": "entendez",
    "finis": "finissez",
    "choisis": "choisissez",
    "reussis": "reussissez",
}
_TU_IMPERATIVES = {
    "dis": "dites",
    "parle": "parlez",
    "explique": "expliquez",
    "raconte": "racontez",
    "decris": "decrivez",
    "presente": "presentez",
    "detaille": "detaillez",
    "precise": "precisez",
    "montre": "montrez",
    "donne": "donnez",
    "excuse": "excusez",
    "rassure": "rassurez",
    "aide": "aidez",
}
_TU_CLITICS = r"(?:(?:ne|me|te|se|nous|vous|le|la|les|lui|leur|y|en) |[mtsln]')*"
_TU_SUBJECT = re.compile(r"\b(?:tu |t'(?=as\b))(" + _TU_CLITICS + r")([a-z]+)\b")
_TU_ELIDED_SUBJECT = re.compile(r"(?:^|(?<=[,;:] ))t'(en |y )?([a-z]+)\b")  # spoken: "t'en penses quoi ?"
_TU_INVERSION = re.compile(r"\b([a-z]+)-tu\b")
_TU_IMPERATIVE = re.compile(r"\b([a-z]+)-(moi|nous|m'en|toi)\b")


def _vous_verb(verb: str) -> str:
    if verb in _TU_VERBS:
        return _TU_VERBS[verb]
    for ending, plural in (("rais", "riez"), ("ras", "rez"), ("ais", "iez"), ("es", "ez")):
        if verb.endswith(ending) and len(verb) > len(ending) + 1:
            return verb[: -len(ending)] + plural
    return verb


def _as_vous(norm: str) -> str:
    """The same French sentence said with "vous": "si je te comprends bien" -> "si je vous comprends bien"."""
    if not re.search(
        r"\b(?:tu|te|toi|ton|ta|tes)\b|\bt'|-tu\b|\b(?:" + "|".join(_TU_IMPERATIVES) + r")-", norm
    ):
        return norm
    norm = _TU_IMPERATIVE.sub(
        lambda m: (
            f"{_TU_IMPERATIVES.get(m.group(1), m.group(1))}-{'vous' if m.group(2) == 'toi' else m.group(2)}"
        ),
        norm,
    )
    norm = _TU_INVERSION.sub(lambda m: f"{_vous_verb(m.group(1))}-vous", norm)
    norm = _TU_SUBJECT.sub(
        lambda m: "vous " + re.sub(r"\bte |\bt'", "vous ", m.group(1)) + _vous_verb(m.group(2)), norm
    )
    norm = _TU_ELIDED_SUBJECT.sub(lambda m: f"vous {m.group(1) or ''}{_vous_verb(m.group(2))}", norm)
    norm = re.sub(r"\bt'", "vous ", norm)
    norm = re.sub(r"\b(?:te|toi|tu)\b", "vous", norm)
    norm = re.sub(r"\b(?:ton|ta)\b", "votre", norm)
    return re.sub(r"\btes\b", "vos", norm)
