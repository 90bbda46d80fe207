"""The LLM words, the director decides: checks on a free-speaking persona's reply.

A reply is rejected when it
- is empty, or a refusal, or steps out of character (AI, prompt, grid, criteria, score, jury…);
- recites the persona's private material (hidden brief, limits, stage directions, rules);
- states a figure (price, %, days, amount…) that is in none of this turn's authorised material:
  the authored lines of the beats, their stage directions, the persona's card and interests, the
  facts already disclosed, the conversation so far and the candidate's own words. The limits
  (reservation price, walk-away, never-accept: "never shown to the candidate") and undisclosed facts
  are never a source of figures;
- gives away a value of the limits or of an undisclosed fact in any written form, as read by
  `personas.numerals.quantities` ("4-10", "quatre dix", "un, huit", letter by letter, Roman numerals…),
  or worked out or said in pieces over the whole reply, as read by `personas.arithmetic.composed`
  ("15 plus 3 %", "la moitié de 36 %", "Premier chiffre : un. Deuxième : huit.", "Four euros. And the
  cents? Ten."); what the authorised material itself works out may be said back.
  A value the public material also has is still refused when said in the limit's sense: the limit
  "18 %" is given away by "dix-huit pour cent" or a bare "dix-huit" even when the persona has
  "18 magasins" (the unit decides);
- agrees, accepts, concedes or concludes when the director has not authorised it at this point, in
  any phrasing, as recognised by `personas.agreements.agreements` ("ça me va", "that works for us",
  "topez là", "OK, 5 % alors");
- discloses a hidden fact the director has not revealed yet;
- is not in the language the persona must speak.

All checks are lexical and fast (about 0.2 ms a sentence): they run on every streamed sentence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, lru_cache

from personas.agreements import agreements
from personas.arithmetic import composed
from personas.model import Persona
from personas.numerals import figures, quantities
from personas.text_fold import WORD, any_of, normalise
from scenarios.director import BeatKind, Direction
from scenarios.model import Lang, Scenario, Turn


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reasons: tuple[str, ...] = ()


# --- out of character --------------------------------------------------------------------------------

_META = [
    r"\bbloc ?\d",
    r"\ba\d+\.c\d+",
    r"\bcr\d+\b",
    r"\bgrilles? (?:d'evaluation|de notation|de correction|du jury|d'examen)\b",
    r"\b(?:grading|scoring|evaluation|assessment) grid\b",
    r"\brubric",
    r"\bbareme de notation\b",
    r"\bcriteres? (?:d'evaluation|de notation)\b",
    r"\b(?:evaluation|grading|scoring|assessment) criteri",
    r"\bobservables?\b",
    r"\bindicator ids?\b",
    r"\b(?:votre|ton|your|my|mon) score\b",
    r"\b\d+(?:[.,]\d+)? ?/ ?20\b",
    r"\bnote sur 20\b",
    r"\bjury\b",
    r"\bjeu de role\b",
    r"\brole[ -]?play",
    r"\bin character\b",
    r"\b(?:mon|ce|my|this) personnage\b",
    r"\bmy character\b",
    r"\b(?:system|my|your|the|le|mon|ton|votre) prompt\b",
    r"\bsystem message\b",
    r"\bmessage systeme\b",
    r"\b(?:mes|my|previous|system) instructions\b",
    r"\binstructions precedentes\b",
    r"\bignore (?:all |your |my |tes |vos |mes )?(?:previous )?instructions\b",
    r"\bhidden (?:brief|facts?)\b",
    r"\bfiche (?:cachee|confidentielle|secrete)\b",
    r"\bbrief (?:cache|secret|confidentiel)\b",
    r"\bfaits? caches?\b",
    r"\breservation price\b",
    r"\bprix de reserve\b",
    r"\bwalk[- ]?away (?:price|point)\b",
    r"\bstage (?:note|direction)s?\b",
    r"\bdidascalie",
    r"\bnote de (?:mise en )?scene\b",
    r"\blanguage model\b",
    r"\bmodele de langage\b",
    r"\bopenai\b",
    r"\bchatgpt\b",
    r"\b(?:en tant qu'|as an? )(?:ia|ai|intelligence artificielle|assistant|chatbot)\b",
    r"\b(?:je suis|i am|i'm) (?:une? |an? )?(?:ia|ai|intelligence artificielle|assistant virtuel|chatbot|bot)\b",
    r"\bprivate brief\b",
    r"\bspeaking style\b",
    r"\bpersonality ?:",
    r"\bworst deal you\b",
    r"\byou play\b",
    r"\bthe candidate\b",
    r"\b(?:le|la|du|au) candidat(?:e)?\b",
    r"[⟦⟧]",
]
_REFUSAL = [
    r"\bi'?m sorry,? but i (?:can'?t|cannot)\b",
    r"\bi (?:can'?t|cannot) (?:help|assist) with\b",
    r"\bi (?:can'?t|cannot|won'?t) comply\b",
    r"\bje ne peux pas (?:repondre a|acceder a|donner suite a) (?:cette|votre) (?:demande|requete)\b",
    r"\bdesolee?,? (?:mais )?je ne peux pas (?:vous aider|repondre a cette|traiter)\b",
]
_META_RE = any_of(_META)
_REFUSAL_RE = any_of(_REFUSAL)

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
    words = WORD.findall(normalise(text))
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
    for word in WORD.findall(normalise(text)):
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
    words = WORD.findall(normalise(text))
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
        limits: Sequence[str] = (),
        candidate: Sequence[str] = (),
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
        self.limits = tuple(limits)  # reservation price, walk-away, never-accept: their figures never said
        self.candidate = tuple(candidate)  # the candidate's words (their offers, said back, accept them)
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
    ) -> Guard:
        brief = scenario.hidden_brief
        langs: tuple[Lang, Lang] = ("fr", "en")
        lines = [line for beat in direction.beats for line in beat.lines]
        granting = [
            line for beat in direction.beats if beat.kind.value not in _PUSHING_BACK for line in beat.lines
        ]
        facts_lines = {line for beat in direction.beats if beat.kind is BeatKind.fact for line in beat.lines}
        disclosed = [
            t
            for f in brief.facts
            if f.id in direction.revealed
            for lg in langs
            for t in (f.fact.get(lg), *f.reveal.get(lg))
        ]
        card = [persona.name, *(t.get(lg) for t in (persona.role, persona.company) for lg in langs)]
        interests = [t for lg in langs for t in brief.interests.get(lg)]
        hidden = [
            t
            for f in brief.facts
            if f.id not in direction.revealed
            for lg in langs
            for t in (f.fact.get(lg), *f.reveal.get(lg))
        ]
        said = [agreements(line) for line in granting]
        line_concludes = any(
            c for (_, c), line in zip(said, granting, strict=True) if line not in facts_lines
        )
        line_accepts = line_concludes or any(accepts for accepts, _ in said)
        resolved = any(beat.kind is BeatKind.resolved for beat in direction.beats)
        limits = brief.limits
        bounds = [t for t in (limits.reservation_price, limits.walk_away) if t is not None]
        limit_texts = [t.get(lg) for lg in langs for t in bounds] + [
            t for lg in langs for t in limits.never_accept.get(lg)
        ]
        switching = any(
            beat.kind is BeatKind.stage and _switches(scenario, beat.ref) for beat in direction.beats
        )
        return cls(
            direction.language,
            authorised=[*lines, candidate_text, *(turn.text for turn in history), *disclosed, *card],
            figures_only=[*interests, *(beat.direction for beat in direction.beats if beat.direction)],
            private=private,
            hidden_facts=hidden,
            limits=limit_texts,
            candidate=[candidate_text, *(turn.text for turn in history if turn.speaker == "candidate")],
            may_accept=line_accepts or resolved,
            may_conclude=line_concludes,
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
    def _offers(self) -> frozenset[Decimal]:
        out: set[Decimal] = set()
        for text in self.candidate:
            out |= figures(text)
        return frozenset(out)

    @cached_property
    def _allowed_numbers(self) -> dict[str, frozenset[str | None]]:
        """Every value the authorised material writes or computes ("15 plus 3 %": 18 %), with the units it
        is written with."""
        return _number_index((*self.authorised, *self.figures_only), computed=True)

    @cached_property
    def _forbidden_numbers(self) -> dict[str, frozenset[str | None]]:
        """The values the limits and the undisclosed facts write, with their units (what they would
        compute is no limit: "2 + 1 gratuit" is an offer, not 3)."""
        return _number_index((*self.limits, *self.hidden_facts))

    def _leaked(self, text: str) -> str | None:
        """A value of the limits or of an undisclosed fact that `text` writes in any form, unless the
        authorised material writes that value in the same sense."""
        stated = (*quantities(text), *composed(text))
        forbidden = self._forbidden_numbers if stated else {}
        if not forbidden:
            return None
        allowed = self._allowed_numbers
        for q in stated:
            if not q.trusted:
                continue
            hit = _forbidden_value(q.values, q.unit, forbidden, allowed)
            if hit is None and q.readings:
                plain_and_known = q.alone and any(_allowed(v, q.unit, allowed) for v in q.values)
                if not plain_and_known:
                    hit = _forbidden_value(q.readings, q.unit, forbidden, allowed)
            if hit is not None:
                return hit
        return None

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
        if self._leaked(text) is not None:
            reasons.append("it gave away a figure of your limits or of a fact you have not disclosed yet")
        if not (self.may_accept and self.may_conclude):
            accepts, concludes = agreements(text, self._offers)
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


_PUSHING_BACK = frozenset({"objection", "unresolved", "follow_up", "escalated", "withheld"})
"""Beats whose lines never authorise an agreement, even when they speak of one ("Je peux signer
aujourd'hui, à une condition : 2 % de plus"). The lines of the other beats do when they agree or
conclude (an offer taken, a closing "marché conclu"); a fact's line may concede a point, not conclude."""


def _number_index(texts: Sequence[str], computed: bool = False) -> dict[str, frozenset[str | None]]:
    index: dict[str, set[str | None]] = {}
    for text in texts:
        for q in (*quantities(text, readings=False), *(composed(text) if computed else ())):
            if q.trusted:
                for value in q.values:
                    index.setdefault(value, set()).add(q.unit)
    return {v: frozenset(units) for v, units in index.items()}


def _allowed(value: str, unit: str | None, allowed: dict[str, frozenset[str | None]]) -> bool:
    units = allowed.get(value, frozenset())
    return bool(units) and (None in units or unit is None or unit in units)


def _forbidden_value(
    values: frozenset[str],
    unit: str | None,
    forbidden: dict[str, frozenset[str | None]],
    allowed: dict[str, frozenset[str | None]],
) -> str | None:
    """The first of `values` (written with `unit`) that says a forbidden value.

    Units decide: the limit "18 %" is not said by "18 magasins", but a bare "dix-huit" says it unless
    the material itself has 18 bare or in % ("a limit whose digits also appear in public material").
    """
    for value in values:
        if unit is None and value in ("0", "1"):
            continue
        for limit_unit in forbidden.get(value, ()):
            if unit is not None and unit != limit_unit:
                continue  # another quantity that happens to share the digits ("ligne 2" is not "2 jours")
            units = allowed.get(value, frozenset())
            if None in units or (unit if unit is not None else limit_unit) in units:
                continue  # the material says it in this sense: the candidate may hear it
            return value
    return None


def _switches(scenario: Scenario, stage_id: str) -> bool:
    try:
        return scenario.stages[scenario.stage_index(stage_id)].switch_language is not None
    except KeyError:
        return False


def _fmt(value: Decimal) -> str:
    return format(value, "f")
