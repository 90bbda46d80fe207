"""The LLM words, the director decides: checks on a free-speaking persona's reply.

A reply is rejected when it
- is empty, or a refusal, or steps out of character (AI, prompt, grid, criteria, score, jury…);
- recites the persona's private material (hidden brief, limits, stage directions, rules);
- states a figure (price, %, days, amount…) that is in none of this turn's authorised material:
  the authored lines of the beats, their stage directions, the persona's card and interests, the
  facts already disclosed, the conversation so far and the candidate's own words. The limits
  (reservation price, walk-away, never-accept: "never shown to the candidate") and undisclosed facts
  are never a source of figures;
- agrees, accepts, concedes or concludes when the director has not authorised it at this point;
- discloses a hidden fact the director has not revealed yet;
- is not in the language the persona must speak.

All checks are lexical and fast (a few hundred microseconds): they run on every streamed sentence.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from decimal import Decimal, InvalidOperation
from typing import Sequence

from personas.model import Persona
from scenarios.director import BeatKind, Direction
from scenarios.model import Lang, Scenario, Turn


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reasons: tuple[str, ...] = ()


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {0x2019: "'", 0x2018: "'", 0x0153: "oe", 0x0152: "oe", 0x00E6: "ae", 0x00C6: "ae"}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFKD", chr(code))[:1]
        if base.isascii() and base.isalpha() and code not in table:
            table[code] = base
    return table


_FOLD = _fold_table()


@lru_cache(maxsize=16384)
def normalise(text: str) -> str:
    """Lower case, no accents, straight apostrophes, single spaces."""
    return " ".join(text.translate(_FOLD).lower().split())


# --- figures --------------------------------------------------------------------------------------

_DIGITS = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)*")

_UNIT = (
    r"(?:%|pour ?cent|percent|per ?cent|jours?|days?|mois|months?|semaines?|weeks?|ans|annees?|years?"
    r"|euros?|eur|€|k€|dollars?|\$|heures?|hours?|minutes?|unites?|units?|points?|pieces?|palettes?"
    r"|tonnes?|tons?|magasins?|stores?|millions?|milliards?|mille|thousand|centimes?|cents?)"
)

_NUMBER_WORDS: dict[str, int] = {
    # French
    "zero": 0, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
    "seize": 16, "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50,
    "soixante": 60, "quatrevingt": 80, "cent": 100, "cents": 100, "mille": 1000,
    # English
    "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "thousand": 1000,
}
_ONE = {"un": 1, "une": 1, "one": 1}
_JOINERS = {"et", "and"}
_WORD_NUMBER = re.compile(
    r"\b((?:(?:%s)[\s-]+(?:(?:et|and)[\s-]+)?)*(?:%s))\s+%s(?!\w)"
    % (
        "|".join(sorted([*_NUMBER_WORDS, *_ONE], key=len, reverse=True)),
        "|".join(sorted([*_NUMBER_WORDS, *_ONE], key=len, reverse=True)),
        _UNIT,
    )
)


@lru_cache(maxsize=16384)
def figures(text: str) -> frozenset[Decimal]:
    """The numeric values a text states: digits anywhere, number words before a unit."""
    norm = normalise(text).replace("quatre-vingts", "quatrevingt").replace("quatre-vingt", "quatrevingt")
    values: set[Decimal] = set()
    for match in _DIGITS.finditer(norm):
        values |= _digit_values(match.group(0))
    for match in _WORD_NUMBER.finditer(norm):
        value = _word_value(match.group(1))
        if value is not None:
            values.add(Decimal(value))
    return frozenset(values)


def _digit_values(token: str) -> set[Decimal]:
    token = re.sub(r"[ \u00a0\u202f]", "", token)
    seps = [c for c in token if c in ".,"]
    candidates: list[str] = []
    if not seps:
        candidates.append(token)
    elif len(set(seps)) == 2:
        decimal = seps[-1]
        thousands = "," if decimal == "." else "."
        candidates.append(token.replace(thousands, "").replace(decimal, "."))
    elif len(seps) > 1:
        candidates.append(token.replace(seps[0], ""))
    else:
        whole, frac = token.split(seps[0])
        candidates.append(f"{whole}.{frac}")
        if len(frac) == 3:
            candidates.append(whole + frac)
    out: set[Decimal] = set()
    for c in candidates:
        try:
            out.add(Decimal(c).normalize())
        except InvalidOperation:
            continue
    return out


def _word_value(words: str) -> int | None:
    total, current = 0, 0
    tokens = [t for t in re.split(r"[\s-]+", words) if t and t not in _JOINERS]
    if len(tokens) == 1 and tokens[0] in _ONE:
        return None
    for token in tokens:
        value = _NUMBER_WORDS.get(token, _ONE.get(token))
        if value is None:
            return None
        if value == 100:
            current = max(current, 1) * 100
        elif value == 1000:
            total += max(current, 1) * 1000
            current = 0
        else:
            current += value
    return total + current


# --- agreement --------------------------------------------------------------------------------------

_DEAL = [
    r"\bmarche conclu", r"\baffaire conclue", r"\bc'est (?:un|une) (?:deal|affaire)\b", r"\bdeal\b",
    r"\btope[zr]?[ -]la\b", r"\bon signe\b", r"\bje signe\b", r"\bsignons\b", r"\bje vous signe\b",
    r"\bwe have a deal\b", r"\bit'?s a deal\b", r"\blet'?s sign\b", r"\bi'?ll sign\b", r"\bwe'?ll sign\b",
    r"(?:^|[.!?]\s)agreed\b", r"\bwe'?re agreed\b", r"\bthat'?s agreed\b", r"\bvous avez gagne\b",
    r"\byou win\b", r"\bc'est entendu\b", r"\bc'est signe\b", r"\b(?:we|i)(?: have|'ve)? signed\b",
    r"\b(?:nous avons|on a|j'ai) signe\b", r"\bsigned\b",
]
_ACCEPT = [
    r"\bj'accepte\b", r"\bnous acceptons\b", r"\bon accepte\b", r"\bje suis d'accord\b",
    r"\bnous sommes d'accord\b", r"\bd'accord pour\b", r"\bok pour\b", r"\bva pour\b", r"\bje valide\b",
    r"\bnous validons\b", r"\bje vous accorde\b", r"\bje concede\b", r"\bj'approuve\b", r"\bc'est accepte\b",
    r"\bje peux accepter\b", r"\bnous pouvons accepter\b", r"\bje dis oui\b", r"\bj'accepte tout\b",
    r"\btout ce que vous voulez\b", r"\bc'est d'accord\b", r"\bje m'engage\b",
    r"\bi accept\b", r"\bwe accept\b", r"\bi agree\b", r"\bwe agree\b", r"\bi can accept\b",
    r"\bwe can accept\b", r"\bi'?ll accept\b", r"\bwe'?ll accept\b", r"\bfine by me\b", r"\bi concede\b",
    r"\bwe can do (?:that|it)\b", r"\byou'?ve got (?:it|yourself a deal)\b", r"\bi approve\b",
    r"\bapproved\b", r"\bsounds good\b", r"\bi say yes\b", r"\banything you want\b",
    r"\bwhatever you want\b", r"\bi commit\b", r"\bwe commit\b", r"(?:^|[.!?]\s)(?:confirmed|confirme)\b",
]
_DEAL_RE = re.compile("|".join(f"(?:{p})" for p in _DEAL))
_ACCEPT_RE = re.compile("|".join(f"(?:{p})" for p in _ACCEPT))
_NEGATIONS = {
    "ne", "n", "pas", "jamais", "non", "sans", "aucun", "aucune", "hors", "ni", "refuse", "refuser",
    "not", "never", "no", "cannot", "can't", "won't", "don't", "doesn't", "didn't", "wouldn't",
    "couldn't", "without", "nor", "refuse",
}
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@lru_cache(maxsize=4096)
def agreements(text: str) -> tuple[bool, bool]:
    """(accepts, concludes): whether the text accepts or concedes, and whether it closes a deal.

    Negated ("je n'accepte pas", "no deal") and asked ("Deal?") forms do not count.
    """
    norm = normalise(text)
    return _any_affirmed(norm, _ACCEPT_RE), _any_affirmed(norm, _DEAL_RE)


_SENTENCE_STOP = re.compile(r"[.!?]")


def _any_affirmed(norm: str, pattern: re.Pattern[str]) -> bool:
    for match in pattern.finditer(norm):
        before = _WORD.findall(norm[max(0, match.start() - 40) : match.start()])[-4:]
        if _NEGATIONS & set(before):
            continue
        end = _SENTENCE_STOP.search(norm, match.end())
        if end is not None and end.group(0) == "?":
            continue
        return True
    return False


# --- out of character --------------------------------------------------------------------------------

_META = [
    r"\bbloc ?\d", r"\ba\d+\.c\d+", r"\bcr\d+\b",
    r"\bgrilles? (?:d'evaluation|de notation|de correction|du jury|d'examen)\b",
    r"\b(?:grading|scoring|evaluation|assessment) grid\b", r"\brubric", r"\bbareme de notation\b",
    r"\bcriteres? (?:d'evaluation|de notation)\b", r"\b(?:evaluation|grading|scoring|assessment) criteri",
    r"\bobservables?\b", r"\bindicator ids?\b", r"\b(?:votre|ton|your|my|mon) score\b",
    r"\b\d+(?:[.,]\d+)? ?/ ?20\b", r"\bnote sur 20\b", r"\bjury\b", r"\bjeu de role\b", r"\brole[ -]?play",
    r"\bin character\b", r"\b(?:mon|ce|my|this) personnage\b", r"\bmy character\b",
    r"\b(?:system|my|your|the|le|mon|ton|votre) prompt\b", r"\bsystem message\b", r"\bmessage systeme\b",
    r"\b(?:mes|my|previous|system) instructions\b", r"\binstructions precedentes\b",
    r"\bignore (?:all |your |my |tes |vos |mes )?(?:previous )?instructions\b",
    r"\bhidden (?:brief|facts?)\b", r"\bfiche (?:cachee|confidentielle|secrete)\b",
    r"\bbrief (?:cache|secret|confidentiel)\b", r"\bfaits? caches?\b", r"\breservation price\b",
    r"\bprix de reserve\b", r"\bwalk[- ]?away (?:price|point)\b", r"\bstage (?:note|direction)s?\b",
    r"\bdidascalie", r"\bnote de (?:mise en )?scene\b", r"\blanguage model\b", r"\bmodele de langage\b",
    r"\bopenai\b", r"\bchatgpt\b", r"\b(?:en tant qu'|as an? )(?:ia|ai|intelligence artificielle|assistant|chatbot)\b",
    r"\b(?:je suis|i am|i'm) (?:une? |an? )?(?:ia|ai|intelligence artificielle|assistant virtuel|chatbot|bot)\b",
    r"\bprivate brief\b", r"\bspeaking style\b", r"\bpersonality ?:", r"\bworst deal you\b", r"\byou play\b",
    r"\bthe candidate\b", r"\b(?:le|la|du|au) candidat(?:e)?\b", r"[⟦⟧]",
]
_REFUSAL = [
    r"\bi'?m sorry,? but i (?:can'?t|cannot)\b", r"\bi (?:can'?t|cannot) (?:help|assist) with\b",
    r"\bi (?:can'?t|cannot|won'?t) comply\b", r"\bje ne peux pas (?:repondre a|acceder a|donner suite a) (?:cette|votre) (?:demande|requete)\b",
    r"\bdesolee?,? (?:mais )?je ne peux pas (?:vous aider|repondre a cette|traiter)\b",
]
_META_RE = re.compile("|".join(_META))
_REFUSAL_RE = re.compile("|".join(_REFUSAL))

# --- language ---------------------------------------------------------------------------------------

_STOPWORDS: dict[Lang, frozenset[str]] = {
    "fr": frozenset(
        "le la les des est et une je vous nous pas que qui pour dans ce cette sur avec du il elle mais "
        "c'est ne notre votre nos vos mon ma mes aux au sont tres plus".split()
    ),
    "en": frozenset(
        "the is and an i you we not that which for in this with of it she he but are to be have your "
        "our my at they their was were will would can very more".split()
    ),
}


def language_of(text: str) -> Lang | None:
    """`fr` or `en` when the text clearly is in that language, else None."""
    words = _WORD.findall(normalise(text))
    if len(words) < 8:
        return None
    fr = sum(w in _STOPWORDS["fr"] for w in words)
    en = sum(w in _STOPWORDS["en"] for w in words)
    if fr >= 3 and fr > 2 * en:
        return "fr"
    if en >= 3 and en > 2 * fr:
        return "en"
    return None


# --- words and n-grams -------------------------------------------------------------------------------

_STEM_STOP = frozenset(
    "dans pour avec mais nous vous sont cette leur leurs entre plus tres tout tous aussi comme "
    "that this with will from have your their they them what when been were would could should there "
    "about into also than then just very".split()
)


@lru_cache(maxsize=16384)
def stems(text: str) -> frozenset[str]:
    """Content words, crudely stemmed: what a sentence is about."""
    out = set()
    for word in _WORD.findall(normalise(text)):
        word = word.split("'")[-1]
        if len(word) < 4 or word in _STEM_STOP:
            continue
        if len(word) > 4 and word.endswith("s"):
            word = word[:-1]
        out.add(word[:5])
    return frozenset(out)


@lru_cache(maxsize=16384)
def ngrams(text: str, n: int = 5) -> frozenset[tuple[str, ...]]:
    """Word n-grams (to spot recited text)."""
    words = _WORD.findall(normalise(text))
    return frozenset(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


@lru_cache(maxsize=256)
def _ngram_union(texts: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    for text in texts:
        out |= ngrams(text)
    return frozenset(out)


# --- the guard --------------------------------------------------------------------------------------


class Guard:
    """Checks replies for one turn against what the director authorises at this point.

    Built once per attempt; what it derives from the material is computed on first need and cached
    per text, so a turn costs well under a millisecond.
    """

    def __init__(
        self,
        language: Lang,
        *,
        authorised: Sequence[str],
        figures_only: Sequence[str] = (),
        private: Sequence[str] = (),
        hidden_facts: Sequence[str] = (),
        may_accept: bool = False,
        may_conclude: bool = False,
        switching: bool = False,
    ):
        self.language = language
        self.switching = switching  # the turn switches language: both are heard
        self.authorised = tuple(authorised)  # lines, candidate's words, conversation, disclosed facts, card
        self.figures_only = tuple(figures_only)  # stage directions, interests: their figures only
        self.private = tuple(private)  # never recited
        self.hidden_facts = tuple(hidden_facts)  # never disclosed
        self.may_accept = may_accept
        self.may_conclude = may_conclude

    @classmethod
    def for_turn(
        cls,
        scenario: Scenario,
        persona: Persona,
        direction: Direction,
        candidate_text: str,
        history: Sequence[Turn] = (),
        private: Sequence[str] = (),
    ) -> "Guard":
        brief = scenario.hidden_brief
        langs: tuple[Lang, Lang] = ("fr", "en")
        lines = [line for beat in direction.beats for line in beat.lines]
        disclosed = [
            t for f in brief.facts if f.id in direction.revealed for lg in langs for t in (f.fact.get(lg), *f.reveal.get(lg))
        ]
        card = [persona.name, *(t.get(lg) for t in (persona.role, persona.company) for lg in langs)]
        interests = [t for lg in langs for t in brief.interests.get(lg)]
        hidden = [
            t for f in brief.facts if f.id not in direction.revealed for lg in langs for t in (f.fact.get(lg), *f.reveal.get(lg))
        ]
        line_accepts = any(any(agreements(line)) for line in lines)
        resolved = any(beat.kind is BeatKind.resolved for beat in direction.beats)
        switching = any(
            beat.kind is BeatKind.stage and _switches(scenario, beat.ref) for beat in direction.beats
        )
        return cls(
            direction.language,
            authorised=[*lines, candidate_text, *(turn.text for turn in history), *disclosed, *card],
            figures_only=[*interests, *(beat.direction for beat in direction.beats if beat.direction)],
            private=private,
            hidden_facts=hidden,
            may_accept=line_accepts or resolved,
            may_conclude=line_accepts,
            switching=switching,
        )

    # --- derived material (lazy) -----------------------------------------------------------------

    @cached_property
    def figures(self) -> frozenset[Decimal]:
        out: set[Decimal] = set()
        for text in (*self.authorised, *self.figures_only):
            out |= figures(text)
        return frozenset(out)

    @cached_property
    def _private_ngrams(self) -> frozenset[tuple[str, ...]]:
        return _ngram_union(self.private)

    @cached_property
    def _public_ngrams(self) -> frozenset[tuple[str, ...]]:
        return _ngram_union(self.authorised)

    @cached_property
    def _known_stems(self) -> frozenset[str]:
        out: set[str] = set()
        for text in self.authorised:
            out |= stems(text)
        return frozenset(out)

    @cached_property
    def _hidden_stems(self) -> tuple[frozenset[str], ...]:
        return tuple(s for s in map(stems, self.hidden_facts) if s)

    # --- the check -------------------------------------------------------------------------------

    def check(self, text: str) -> Verdict:
        """Whether `text` may be said to the candidate now, and why not."""
        if not text.strip():
            return Verdict(False, ("it was empty",))
        reasons: list[str] = []
        norm = normalise(text)
        if _REFUSAL_RE.search(norm):
            reasons.append("it refused to answer instead of speaking as your character")
        if _META_RE.search(norm):
            reasons.append("it stepped out of character (it spoke about the exercise, not the business)")
        recited = ngrams(text) & self._private_ngrams
        if recited and recited - self._public_ngrams:
            reasons.append("it recited your private brief or your instructions")
        stated = figures(text)
        if stated:
            extra = sorted(stated - self.figures)
            if extra:
                shown = ", ".join(_fmt(v) for v in extra[:3])
                reasons.append(f"it stated figures that are not in your material ({shown})")
        if not (self.may_accept and self.may_conclude):
            accepts, concludes = agreements(text)
            if (concludes and not self.may_conclude) or (accepts and not self.may_accept):
                reasons.append("it agreed to or conceded something the stage note does not allow")
        reply = stems(text)
        for fact in self._hidden_stems:
            hit = fact & reply
            if len(hit) >= max(3, math.ceil(0.5 * len(fact))) and hit - self._known_stems:
                reasons.append("it disclosed a fact you have not disclosed yet")
                break
        lang = None if self.switching else language_of(text)
        if lang is not None and lang != self.language:
            reasons.append(f"it was not in {'French' if self.language == 'fr' else 'English'}")
        return Verdict(not reasons, tuple(reasons))


def _switches(scenario: Scenario, stage_id: str) -> bool:
    try:
        return scenario.stages[scenario.stage_index(stage_id)].switch_language is not None
    except KeyError:
        return False


def _fmt(value: Decimal) -> str:
    return format(value, "f")
