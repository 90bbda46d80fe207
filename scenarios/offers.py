"""Figures the candidate offers: "nous pouvons baisser le prix de 3 %", "I can give you sixty days".

`offered_figures(text, lang)` reads each sentence in which the candidate commits to something (je / nous /
on / I / we with a verb of offering, accepting or granting, not negated) and returns the figures of that
sentence with their unit: percent, eur, days, units, months (years are read as months). Figures inside
the condition of a conditional offer ("si vous vous engagez sur 24 mois, ...") are the counterpart asked,
not the offer; the offer is then marked conditional. A figure the candidate only quotes or argues with
("vous demandez 6 %", "6 % représenteraient 148 k€") is not an offer. Every figure offered is read, not only
the first ("3 % de remise, voire 15 %", "we could start at 2 % and go to 12 %"), so that the mandate check
sees the largest concession: a figure said without an offering verb of its own ("…, voire 15 %", "Et même
15 %.") goes on with the offer before it and carries its words, which tell the term it is about (without
them, at the opening of a negotiation, the 15 % fell on no term). Not offers, though in an offering
sentence: a clause said of the other side ("vous demandez 15 %, je peux faire 3 %"), a figure set against
the offer ("au lieu des 15 % que vous demandez", "rather than 15%"), and the amount or quantity an offer
applies to ("3 % sur 500 unités", "12 000 € sur les 91 800 € réclamés"); the other side's demand granted
("je vous accorde les 6 % que vous demandez") is offered. Deterministic, standard library.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
    # the sentence normalised, without its condition ("si vous signez sur trois ans" is what the other side
    # gives, not what the offer is about)
    offer_clause: str = ""


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
    r"|\b(?:i|we)(?:'ll|'d| can| could| will| would| shall| might)\s+(?:\w+\s+){0,2}?(?:start|begin)(?: you)?"
    r" (?:at|with|from)\b"
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
_CLAUSES = re.compile(r"(?<!\d),(?!\d)|:|\b(?:mais|but|en revanche|par contre|however|instead(?! of))\b")
_PROTECT = {".": "\u2024", ",": "\u201a"}


def offered_figures(text: str) -> list[OfferedSentence]:
    """The sentences of `text` in which the candidate offers something, with the figures offered."""
    out: list[OfferedSentence] = []
    previous: tuple[Figure, ...] = ()  # what the sentence before offered
    protected = _DECIMAL.sub(lambda m: _PROTECT[m.group(0)], text)  # keep "4,5 %" and "2.4" in one sentence
    for m in _SENTENCES.finditer(protected):
        raw = m.group(0).replace("\u2024", ".").replace("\u201a", ",").strip()
        if not raw:
            continue
        offered = _offered_sentence(raw, previous)
        previous = offered.figures if offered is not None else ()
        if offered is not None:
            out.append(offered)
    return out


def _offered_sentence(raw: str, before: tuple[Figure, ...]) -> OfferedSentence | None:
    """What one sentence offers (None if nothing); `before`: the figures the previous sentence offered, which
    a follow-on ("Et même 15 %.") continues."""
    norm = normalise(raw)
    main, conditional = _main_clause(norm)
    if _OFFER.search(norm) is None:
        follow_on = _continuing(tuple(_figures(main)), before) if _is_elliptic(main) else ()
        if not follow_on:
            return None
        return OfferedSentence(raw, follow_on, conditional, elliptic=True, offer_clause=main)
    clauses = [
        c.replace("\u201a", ",") for c in _CLAUSES.split(_DECIMAL_COMMA.sub("\u201a", main)) if c.strip()
    ]
    if not any(_OFFER.search(c) and not _NEGATION.search(c) for c in clauses):
        return None
    figures = _clauses_figures(clauses)
    if not figures:
        return None
    return OfferedSentence(raw, figures, conditional or bool(_COUNTERPART.search(norm)), offer_clause=main)


def _clauses_figures(clauses: list[str]) -> tuple[Figure, ...]:
    """The figures offered by the clauses of an offering sentence, in order: those of the clauses that offer,
    and of the clauses without a subject that go on with them ("…, voire 15 %")."""
    figures: tuple[Figure, ...] = ()
    for clause in clauses:
        offers = _OFFER.search(clause) is not None
        if _NEGATION.search(clause) or not (offers or _SAID_OF_THEM.search(clause) is None):
            continue  # refused, or said of the other side ("vous demandez 15 %", "your volumes grew 12 %")
        own = _offered_in(clause)
        figures += own if offers else _continuing(own, figures)
    return figures


def _continuing(figures: tuple[Figure, ...], before: tuple[Figure, ...]) -> tuple[Figure, ...]:
    """Figures said without an offering verb of their own ("…, voire 15 %", "Et même 15 %.") go on with the
    offer before them: a figure in the same unit is about what that offer was about."""
    out = []
    for f in figures:
        previous = next((b for b in reversed(before) if b.unit is f.unit), None)
        out.append(f if previous is None else Figure(f.value, f.unit, f"{f.context} {previous.context}"))
    return tuple(out)


_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
# a clause whose subject is the other side: "vous demandez 15 %", "votre demande de 6 % est importante",
# "your volumes grew 12 %" (not "avec le variable maintenu 12 mois pour ceux qui acceptent leur poste")
_SAID_OF_THEM = re.compile(
    r"^\W*(?:(?:et|mais|or|donc|alors|puisque|car|and|but|so|since|because)\s+)*(?:vous|votre|vos|you|your|ils"
    r"|elles|they|leur|leurs|their)\b"
)
# a figure the other side says: "vous demandez 15 %", "you're asking for 15%" (not "je vous propose 3 %")
_THEY_SAY = re.compile(
    r"(?:\bvous (?:me |nous )?(?:demand|voul|souhait|exig|propos|attend|reclam|vis|evoqu|mentionn|parl|annonc"
    r"|cit)(?:ez|iez)\b(?: de| d'| a| sur)?|\bvous (?:m'|nous )?(?:avez|aviez) (?:demande|exige|propose|reclame"
    r"|evoque|mentionne|parle de|annonce|cite)|\b(?:you|they)(?:'re| are| were)? (?:ask|want|request|demand"
    r"|propos|suggest|mention|expect|claim|quot)\w*(?: for| of)?)\W*$"
)
# a figure set against the one offered: "au lieu des 15 % (que vous demandez)", "rather than your 15%"
_INSTEAD_OF = re.compile(
    r"\b(?:au lieu (?:de|des|du|d')|plutot que(?: de| d')?|plutot qu'|instead of|rather than|malgre|despite"
    r"|par rapport (?:a|aux|au)|compared (?:to|with)|versus|vs)(?: (?:les|la|le|l'|vos|votre|leurs?|the|your"
    r"|their|a|an|un|une))?(?: (?:demande|exigence|proposition|offre|request|demand|ask|proposal|offer|target)"
    r"(?: de| d'| of| for| at)?)?\W*$"
)
# what an offer applies to, after the figure offered: "3 % sur 500 unités", "2 % on your 400,000 units",
# "12 000 € sur les 91 800 € que vous réclamez"
_BASE_BEFORE = re.compile(
    r"\b(?:sur|on|over|of|out of|pour|for|per|par|au-dela de|above|beyond|a partir de|from|avec|with"
    r"|de plus de|more than)(?: (?:les|des|the|a|an|un|une|chaque|each|every|ces|these|those|vos|votre|your"
    r"|leurs?|their))?\W*$"
)
_PART_OF = re.compile(r"\b(?:sur|of|out of|parmi)(?: les| vos| leurs| the| your| their)\W*$")
_AMOUNTS = frozenset({Unit.units, Unit.eur})


def _offered_in(clause: str) -> tuple[Figure, ...]:
    """The figures a clause offers: not a figure the other side says or one set against the offer, nor what
    an offer applies to (an amount or a quantity after a figure offered)."""
    out: list[Figure] = []
    end = 0  # where the words leading to the next figure start
    for m, figure in _figures_at(clause):
        lead = clause[end : m.start()]
        end = m.end()
        if _THEY_SAY.search(lead) or _INSTEAD_OF.search(lead):
            continue
        if _applies_to(figure, lead, out):
            continue
        out.append(figure)
    return tuple(out)


def _applies_to(figure: Figure, lead: str, offered: list[Figure]) -> bool:
    """An amount or a quantity the figures offered before it apply to: "3 % sur 500 unités", "12 000 € sur
    les 91 800 €" (not "6 M€ pour 1,2 M€ investis", where both are the candidate's)."""
    if figure.unit not in _AMOUNTS or not _BASE_BEFORE.search(lead):
        return False
    return any(f.unit is not figure.unit for f in offered) or (bool(offered) and bool(_PART_OF.search(lead)))


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


def _figures(norm: str) -> Iterator[Figure]:
    for _, figure in _figures_at(norm):
        yield figure


def _figures_at(norm: str) -> Iterator[tuple[re.Match[str], Figure]]:
    """Each figure with a unit in `norm`, with where it was found."""
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
        yield m, Figure(round(value, 4), unit, " ".join((*before, m.group(0), *after)))


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
