"""Figures the candidate offers: "nous pouvons baisser le prix de 3 %", "I can give you sixty days".

`offered_figures(text, lang)` reads each sentence in which the candidate commits to something (je / nous /
on / I / we with a verb of offering, accepting or granting, not negated) and returns the figures of that
sentence with their unit: percent, eur, days, units, months (years are read as months). Figures inside
the condition of a conditional offer ("si vous vous engagez sur 24 mois, ...") are the counterpart asked,
not the offer; the offer is then marked conditional. A figure the candidate only quotes or argues with
("vous demandez 6 %", "6 % représenteraient 148 k€") is not an offer. Deterministic, standard library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scenarios.model import Unit
from scenarios.topics import normalise

__all__ = ["Figure", "OfferedSentence", "offered_figures", "format_figure"]


@dataclass(frozen=True)
class Figure:
    value: float
    unit: Unit
    context: str = ""  # the words around the figure (what it is about)


@dataclass(frozen=True)
class OfferedSentence:
    text: str  # the sentence, as written
    figures: tuple[Figure, ...]  # what is offered
    conditional: bool  # tied to a counterpart
    elliptic: bool = (
        False  # a short figure with no offering verb ("Et même 15 %."): an offer only as a follow-on
    )


_SENTENCES = re.compile(r"[^.!?;]+(?:[.!?;]+|$)")
# a decimal point/comma between digits is part of the number: do not split sentences there
_DECIMAL = re.compile(r"(?<=\d)[.,](?=\d)")

_WORDS = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "quinze": 15,
    "dix-huit": 18,
    "vingt": 20,
    "vingt-quatre": 24,
    "trente": 30,
    "quarante": 40,
    "quarante-cinq": 45,
    "cinquante": 50,
    "soixante": 60,
    "quatre-vingt-dix": 90,
    "cent": 100,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "eighteen": 18,
    "twenty": 20,
    "twenty-four": 24,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "hundred": 100,
    "half": 0.5,
}
_WORD_RE = "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True))

_NUMBER = (
    r"(?P<num>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?"
    rf"|\b(?:{_WORD_RE})\b)"
)
_MULT = r"(?:\s?(?P<mult>k|m|md|mds|millions?|milliers?|mille|thousand|billion|milliards?)\b)?"
_UNIT = (
    r"\s?(?P<unit>%|pour ?cents?|per ?cent|percent|€|euros?|eur\b|jours?|days?|mois\b|months?"
    r"|ans?\b|annees?|years?|unites?|units?|pieces?)"
)
_FIGURE = re.compile(rf"(?P<eur_before>€\s?)?{_NUMBER}{_MULT}(?:{_UNIT})?", re.IGNORECASE)

_UNITS = {
    "%": Unit.percent,
    "pour": Unit.percent,
    "per": Unit.percent,
    "percent": Unit.percent,
    "€": Unit.eur,
    "euro": Unit.eur,
    "eur": Unit.eur,
    "jour": Unit.days,
    "day": Unit.days,
    "mois": Unit.months,
    "month": Unit.months,
    "an": Unit.months,
    "annee": Unit.months,
    "year": Unit.months,
    "unite": Unit.units,
    "unit": Unit.units,
    "piece": Unit.units,
}
_MULTIPLIERS = {
    "k": 1e3,
    "millier": 1e3,
    "mille": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "million": 1e6,
    "md": 1e9,
    "mds": 1e9,
    "milliard": 1e9,
    "billion": 1e9,
}

_OFFER_FR = (
    r"\b(?:je|j'|nous|on)\b[^.?!]{0,40}?\b(?:propos\w*|peux|peut|pouvons|pourr\w*|accord\w*|offr\w*|consen\w*"
    r"|garanti\w*|engage\w*|accept\w*|pret\w*|vais|allons|mets|mettons|donn\w*|maint\w*|pren\w* en charge"
    r"|rembours\w*|baiss\w*|descend\w*|monte\w*|ramen\w*|aligne\w*|lache\w*|cede\w*|ajout\w*|rajout\w*"
    r"|prolong\w*|couvr\w*)\b"
)
_OFFER_EN = (
    r"\b(?:i|we|i'm|we're|i'll|we'll|i'd|we'd)\b[^.?!]{0,40}?(?:\b(?:can|could|will|would|shall|am|are)\b|'ll|'d|'m|'re)"
    r"\s+(?:\w+\s+){0,3}?(?:give|offer|grant|do|go|cut|lower|reduce|drop|extend|keep|maintain|guarantee|cover"
    r"|refund|reimburse|accept|agree|match|add|pay|take|commit|move|bring|propose|consider|throw|knock|shave"
    r"|prepared|willing|ready)\b"
    r"|\b(?:i|we)\b[^.?!]{0,20}?\b(?:offer|propose|guarantee|grant|commit|agree|accept)\w*\b"
)
_OFFER = re.compile(
    rf"{_OFFER_FR}|{_OFFER_EN}"
    r"|\b(?:d'accord pour|ok pour|va pour|disons|on part sur|let's say|how about|ok with|fine with|deal at)\b"
)
_NEGATION = re.compile(
    r"\b(?:ne|n')\b[^.?!]{0,40}\b(?:pas|jamais|plus|aucun\w*|guere)\b|\bpas question\b|\bimpossible\b|\brefus\w*"
    r"|\b(?:can't|cannot|won't|wouldn't|couldn't|not|never|no way|unable)\b"
)
_CONDITION = re.compile(
    r"\b(?:si|s'il|s'ils|if|a condition (?:que|qu'|de|d')|provided(?: that)?|as long as|pourvu qu(?:e|')|sous reserve (?:que|qu'|de|d')"
    r"|en echange d\w*|en contrepartie d\w*|in exchange for|in return for|contre (?:un|une|des|votre|vos)|against (?:a|your))\b"
)
_COUNTERPART = re.compile(r"\b(?:en contrepartie|en echange|in return|in exchange)\b")
_MAIN_AFTER = re.compile(r"(?<!\d),(?!\d)|\b(?:alors|then)\b")
_CLAUSES = re.compile(r"(?<!\d),(?!\d)|:|\b(?:mais|but|en revanche|par contre|however|instead)\b")
_PROTECT = {".": "\u2024", ",": "\u201a"}


def offered_figures(text: str) -> list[OfferedSentence]:
    """The sentences of `text` in which the candidate offers something, with the figures offered."""
    out: list[OfferedSentence] = []
    protected = _DECIMAL.sub(lambda m: _PROTECT[m.group(0)], text)  # keep "4,5 %" and "2.4" in one sentence
    for m in _SENTENCES.finditer(protected):
        raw = m.group(0).replace("\u2024", ".").replace("\u201a", ",").strip()
        if not raw:
            continue
        norm = normalise(raw)
        if _OFFER.search(norm) is None:
            main, conditional = _main_clause(norm)
            if _is_elliptic(main):
                figures = tuple(_figures(main))
                if figures:
                    out.append(OfferedSentence(raw, figures, conditional, elliptic=True))
            continue
        main, conditional = _main_clause(norm)
        clauses = [c for c in _CLAUSES.split(_DECIMAL_COMMA.sub("\u201a", main)) if c.strip()]
        clauses = [c.replace("\u201a", ",") for c in clauses]
        if not any(_OFFER.search(c) and not _NEGATION.search(c) for c in clauses):
            continue
        figures = tuple(f for c in clauses if not _NEGATION.search(c) for f in _figures(c))
        if figures:
            out.append(OfferedSentence(raw, figures, conditional or bool(_COUNTERPART.search(norm))))
    return out


_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")


_NOT_OURS = re.compile(
    r"\b(?:vous|votre|vos|you|your|ils|they|leur|their|il|elle|he|she|je|j'|nous|notre|nos|on|i|we|our|my|mon|ma|mes"
    r"|refuse\w*|declin\w*)\b"
)


def _is_elliptic(norm: str) -> bool:
    """ "Et même 15 %.", "Allez, 12 %.", "Say 4%." — short, no subject, not a question or a refusal."""
    words = norm.split()
    return (
        len(words) <= 10
        and not norm.rstrip().endswith("?")
        and not _NEGATION.search(norm)
        and not _NOT_OURS.search(norm)
    )


def _main_clause(norm: str) -> tuple[str, bool]:
    """The sentence without its condition clause, and whether there was one."""
    cond = _CONDITION.search(norm)
    if cond is None:
        return norm, False
    before, after = norm[: cond.start()], norm[cond.start() :]
    if before.strip(" ,") and _OFFER.search(before):  # "we can do 3% if you commit to 24 months"
        return before, True
    end = _MAIN_AFTER.search(after)
    if end is None:  # the whole sentence is the condition
        return before, True
    return before + " " + after[end.end() :], True


_BEFORE, _AFTER = 6, 5


def _figures(norm: str):
    for m in _FIGURE.finditer(norm):
        unit_word = (m.group("unit") or "").strip().lower()
        unit = None
        if m.group("eur_before"):
            unit = Unit.eur
        elif unit_word:
            key = unit_word.split()[0]
            if key.startswith("pourcent"):
                key = "pour"
            unit = _UNITS.get(key) or (_UNITS.get(key[:-1]) if key.endswith("s") else None)
        if unit is None:
            continue
        value = _number(m.group("num"))
        if value is None:
            continue
        mult = (m.group("mult") or "").lower()
        if mult:
            value *= _MULTIPLIERS.get(mult, _MULTIPLIERS.get(mult.rstrip("s"), 1))
        if unit is Unit.months and unit_word.startswith(("an", "year")):
            value *= 12
        before = norm[: m.start()].split()[-_BEFORE:]
        after = norm[m.end() :].split()[:_AFTER]
        yield Figure(round(value, 4), unit, " ".join((*before, m.group(0), *after)))


def _number(text: str) -> float | None:
    text = text.strip().lower()
    if text in _WORDS:
        return float(_WORDS[text])
    compact = re.sub(r"[ \u00a0\u202f]", "", text)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", compact):
        compact = compact.replace(",", "")
    compact = compact.replace(",", ".")
    try:
        return float(compact)
    except ValueError:
        return None


def format_figure(value: float, unit: Unit, lang: str) -> str:
    """A figure as the persona says it: "6 %" / "6%", "40 000 €" / "€40,000", "60 jours" / "60 days"."""
    number = f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    if lang == "fr":
        number = number.replace(",", "\u202f").replace(".", ",")
    if unit is Unit.percent:
        return f"{number} %" if lang == "fr" else f"{number}%"
    if unit is Unit.eur:
        return f"{number} €" if lang == "fr" else f"€{number}"
    words = {
        Unit.days: ("jours", "days"),
        Unit.units: ("unités", "units"),
        Unit.months: ("mois", "months"),
    }[unit]
    return f"{number} {words[0] if lang == 'fr' else words[1]}"
