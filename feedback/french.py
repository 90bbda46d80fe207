"""The accuracy of the candidate's French: grammar and spelling errors, register, professional vocabulary.

The exam's indicator: "Le français est maîtrisé … grammaire, syntaxe, orthographe". Errors come from
Grammalecte (Debian's `python3-grammalecte`, its own dictionary, offline):

- **typography is not French**: apostrophes, spaces, non-breaking spaces, capitals, commas, units,
  ligatures… are switched off (`_OFF_OPTIONS`) and anything of those kinds that still comes back is dropped;
- **grammar** (agreement, conjugation, infinitive, moods, imperative, "malgré que", elision) counts in
  every turn;
- **spelling** counts only in typed turns: a spoken turn was spelled by the speech recogniser, not the
  candidate. Spelling is the words unknown to the dictionary and what only writing shows: homophone
  confusions (a/à, ces/ses), hyphens ("est-ce", "voulez-vous"), fixed expressions, doubled words;
- style remarks (pleonasms) are counted apart (`style_issues`), not as errors;
- **the script's own wording is not an error** (`ScriptVocabulary`): the candidate repeats the terms of
  the briefing and of the persona ("la cellule Grands comptes", "Cap Clients"), which the checker may
  not parse. A grammar error is dropped when the flagged words, with the words around them (three words
  at least), are written the same way in the scenario's texts (briefing, persona's lines, any other
  French text of the script: `script_texts`); an unknown word, when the script uses that word.

Register: with a client or the Direction the candidate says "vous"; "tu" is reported (`register`,
`register_evidence`). "vous" addressed to a whole team is plural and cannot be told apart from
vouvoiement: the register is about the forms used, the scorer knows who the counterpart is (the
scenario's `register`).

Professional vocabulary: `find_terms` finds the terms of `PROFESSIONAL_TERMS` (not "d'accord", "ça a
marché", "j'ai besoin": everyday French); `find_misuses` finds the few term errors a jury marks wrong
(`MISUSES`): "chiffre d'affaire" and "cahier des charge" in writing, "adresser un problème" (an
anglicism for traiter / aborder). Remise, rabais and ristourne are all correct and never flagged.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, Field

__all__ = [
    "MIN_WORDS",
    "FrenchAssessment",
    "ScriptVocabulary",
    "FrenchCheckerUnavailable",
    "FrenchError",
    "FrenchQuote",
    "assess_french",
    "check_text",
    "count_words",
    "find_misuses",
    "find_terms",
    "register_of",
    "script_texts",
    "warm_up",
]

log = logging.getLogger(__name__)

#: Below this many French words there is too little to judge (`assess_french` returns None).
MIN_WORDS = 25

# Grammalecte option groups (see grammalecte/fr/gc_options.py).
_OFF_OPTIONS = (
    "typo",
    "apos",
    "eepi",
    "esp",
    "tab",
    "nbsp",
    "unit",
    "num",
    "nf",
    "liga",
    "mapos",
    "chim",
    "ocr",
    "maj",
    "minis",
    "virg",
    "poncfin",
    "date",
    "mc",
    "neg",
    "redon1",
    "redon2",
    "html",
    "latex",
    "md",
)
#: Error kinds that are grammar whoever spelled the words.
GRAMMAR_KINDS = frozenset({"gn", "conj", "ppas", "infi", "imp", "vmode", "bs", "eleu"})
#: Error kinds that only writing shows: spelling, counted in typed turns only.
WRITTEN_KINDS = frozenset({"conf", "tu", "inte", "loc"})
STYLE_KINDS = frozenset({"pleo"})
_WRITTEN_RULES = frozenset({"doublon"})  # "le le": a typing slip, or a spoken hesitation

# Business words the dictionary lacks; using them is not a spelling error.
ANGLICISMS = frozenset(
    """
    closing closings onboarding deadline deadlines lead leads upsell upselling cross-selling cross-sell
    email emails insight insights mindset forecast forecasts churn call calls team teams visio visios rdv
    ok okay kpi kpis roi b2b b2c saas crm erp codir comex sav rse
    """.split()
)

# The professional vocabulary of sales management and management of change (lower case, singular).
PROFESSIONAL_TERMS = (
    "client",
    "clientèle",
    "fournisseur",
    "acheteur",
    "achats",
    "prospect",
    "prospection",
    "négociation",
    "négocier",
    "contrat",
    "offre",
    "proposition",
    "devis",
    "tarif",
    "tarification",
    "prix",
    "remise",
    "rabais",
    "ristourne",
    "marge",
    "rentabilité",
    "chiffre d'affaires",
    "volume",
    "commande",
    "livraison",
    "délai",
    "échéance",
    "paiement",
    "facture",
    "facturation",
    "pénalité",
    "conditions générales",
    "cahier des charges",
    "appel d'offres",
    "partenariat",
    "partenaire",
    "engagement",
    "accord",
    "contrepartie",
    "concession",
    "garantie",
    "service après-vente",
    "qualité",
    "réclamation",
    "litige",
    "compensation",
    "geste commercial",
    "fidélisation",
    "satisfaction",
    "besoin",
    "valeur ajoutée",
    "retour sur investissement",
    "investissement",
    "budget",
    "coût",
    "économie",
    "gain",
    "performance",
    "indicateur",
    "kpi",
    "objectif",
    "stratégie",
    "plan d'action",
    "feuille de route",
    "marché",
    "part de marché",
    "concurrence",
    "concurrent",
    "positionnement",
    "segment",
    "cible",
    "ciblage",
    "grand compte",
    "compte clé",
    "portefeuille",
    "pipeline",
    "prévision",
    "reporting",
    "tableau de bord",
    "équipe",
    "collaborateur",
    "manager",
    "management",
    "accompagnement",
    "accompagner",
    "formation",
    "compétence",
    "changement",
    "réorganisation",
    "transformation",
    "conduite du changement",
    "projet",
    "planning",
    "calendrier",
    "étape",
    "jalon",
    "ressource",
    "charge de travail",
    "motivation",
    "reconnaissance",
    "adhésion",
    "concertation",
    "consultation",
    "comité de direction",
    "gouvernance",
    "risque",
    "opportunité",
    "enjeu",
    "levier",
    "synergie",
    "processus",
    "rse",
    "recrutement",
    "roi",
)
_TERM_RE = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(
        re.escape(t).replace("'", "['’]") + ("(?:s|x)?" if not t.endswith(("s", "x")) else "")
        for t in sorted(PROFESSIONAL_TERMS, key=len, reverse=True)
    )
    + r")(?![\w-])",
    re.IGNORECASE,
)

_TERMS = frozenset(PROFESSIONAL_TERMS)
# Everyday French that contains a term's word: "d'accord", "ça a marché", "j'ai besoin de", "si besoin".
_NOT_TERM_RE = re.compile(
    r"\bd['’]accords?\b"
    r"|\b(?:a|ai|as|avons|avez|ont|aurait|aurais|pas|rien|tout|bien|mal)\s+march[ée]\b"
    r"|\b(?:ai|as|a|avons|avez|ont|aurai|aurais|aurait|aurions|auriez|auraient|avoir|si|au|en cas de)\s+besoins?\b",
    re.IGNORECASE,
)

# Term errors a jury marks wrong: (pattern, the right form, only in writing?). Only sure cases: remise,
# rabais and ristourne are all correct; "appel d'offre" is tolerated by dictionaries; "opportunité" is accepted.
MISUSES: tuple[tuple[str, str, bool], ...] = (
    (r"\bchiffres?\s+d['’]affaire(?![\w-])", "chiffre d'affaires", True),
    (r"\bcahiers?\s+des\s+charge(?![\w-])", "cahier des charges", True),
    # "adresser un problème à quelqu'un" (send it) is French: not flagged when "à" follows in the sentence;
    # "adresser un problème" for "deal with it" is an anglicism (Académie française, « Dire, ne pas dire »)
    (
        (
            r"\badress(?:er|ons|ez|ent|e|é|ée|és|ées|erons|erez|era|erai|ait|ions|iez)\s+"
            r"(?:un|une|le|la|les|ce|cet|cette|ces|des|vos|votre|nos|notre|tes|ton|ta|mes|mon|ma|leurs?)\s+"
            r"(?:problèmes?|sujets?|enjeux|enjeu|risques?|défis?|points?\s+de\s+blocage)(?![\w-])(?![^.!?;:]*\b(?:à|au|aux)\s)"
        ),
        "traiter / aborder (un problème, un sujet)",
        False,
    ),
)
_MISUSE_RES = tuple((re.compile(p, re.IGNORECASE), right, written) for p, right, written in MISUSES)

_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)

# What follows "ton" when it is the noun (a tone: "changer de ton.", "sur un ton ferme"), not "your".
_TONE_AFTER = (
    r"\s*(?:[.,;:!?)»…]|$)"
    r"|\s+(?:ferme|calme|juste|neutre|posé|professionnel|positif|négatif|agressif|sec|direct|courtois|cordial"
    r"|amical|constructif|rassurant|menaçant|différent|plus|moins|trop|très|assez)\b"
)
_TU_RE = re.compile(
    r"(?<![\w-])(?:tu|te|toi|ta|tes|toi-même)(?![\w-])"
    r"|(?<![\w-])t['’](?=\w)"
    r"|(?<!\ble )(?<!\bun )(?<!\bce )(?<!\bdu )(?<!\bquel )(?<![\w-])ton(?![\w-])(?!" + _TONE_AFTER + ")",
    re.IGNORECASE,
)
_VOUS_RE = re.compile(
    r"(?<![\w-])(?:vous|votre|vos|vôtre|vôtres|vous-même|vous-mêmes)(?![\w-])", re.IGNORECASE
)


class FrenchQuote(BaseModel):
    turn_index: int = Field(description="Index in the list of turns given to assess_french.")
    quote: str = Field(description="Exact substring of that turn.")


class FrenchError(FrenchQuote):
    message: str
    kind: Literal["grammar", "spelling"]
    rule: str = Field(description="Grammalecte rule id (or 'spelling').")
    flagged: str = Field(description="The words at fault: exact substring of the turn, inside `quote`.")
    suggestions: list[str] = Field(default_factory=list)


with warnings.catch_warnings():
    # `register` is the field's name in the scorer's contract; it only shadows pydantic's ABC helper.
    warnings.filterwarnings("ignore", message=r'Field name "register"', category=UserWarning)

    class FrenchAssessment(BaseModel):
        """The French of a session: errors per 100 words (grammar everywhere, spelling in typed turns),
        the measures, each counted error with the candidate's words, and the register of address."""

        errors_per_100_words: float
        words: int
        measures: dict[str, float]
        errors: list[FrenchError]
        register: Literal["vous", "tu", "mixed", "unknown"]
        register_evidence: list[FrenchQuote] = Field(
            default_factory=list,
            description="Sentences where the candidate says 'tu' (when the register is tu or mixed).",
        )
        professional_terms: list[str] = Field(default_factory=list)
        checker: str


class FrenchCheckerUnavailable(RuntimeError):
    """Grammalecte cannot be imported (Debian's python3-grammalecte, made visible to the venv)."""


# --------------------------------------------------------------------------------------------------
# Grammalecte, loaded once


class _Checker:
    def __init__(self) -> None:
        try:
            import grammalecte
        except ImportError as exc:  # pragma: no cover - depends on the machine
            raise FrenchCheckerUnavailable(
                "grammalecte is not importable: install Debian's python3-grammalecte and link it into the venv "
                "(make install does both)"
            ) from exc
        checker = grammalecte.GrammarChecker("fr")
        self.gce = checker.getGCEngine()
        self.spell = checker.getSpellChecker()
        self.options = self.gce.getDefaultOptions()
        for opt in _OFF_OPTIONS:
            if opt in self.options:
                self.options[opt] = False
        self.name = f"grammalecte {getattr(self.gce, 'version', '?')}"
        self.lock = threading.Lock()  # grammalecte keeps module-level state

    def grammar(self, text: str) -> list[dict]:
        with self.lock:
            return list(self.gce.parse(text, "FR", dOptions=self.options, bContext=False))

    def spelling(self, text: str) -> list[dict]:
        with self.lock:
            return [t for t in self.spell.parseParagraph(text, False) if t.get("sType") == "WORD"]

    def suggest(self, word: str, n: int = 3) -> list[str]:
        with self.lock:
            out: list[str] = []
            for group in self.spell.suggest(word):
                out.extend(group)
            return out[:n]


@cache
def _checker() -> _Checker:
    return _Checker()


def warm_up() -> None:
    """Load Grammalecte and compile its rules now (at start-up), not at the first assessment (~0.5 s)."""
    _checker().grammar("Bonjour, je vous remercie.")


# --------------------------------------------------------------------------------------------------
# Helpers


def count_words(text: str) -> int:
    """Words of a French text ("qu'on" counts two)."""
    return len(_WORD_RE.findall(text))


def _context(text: str, start: int, end: int, words: int = 2) -> tuple[int, int]:
    """Widen [start, end) to whole words plus `words` words each side, within the text's line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    s, e = start, end
    while s > line_start and not text[s - 1].isspace():
        s -= 1
    while e < line_end and not text[e].isspace():
        e += 1
    for _ in range(words):
        k = s
        while k > line_start and text[k - 1].isspace():
            k -= 1
        while k > line_start and not text[k - 1].isspace():
            k -= 1
        s = k
        k = e
        while k < line_end and text[k].isspace():
            k += 1
        while k < line_end and not text[k].isspace():
            k += 1
        e = k
    return s, e


def _sentence_at(text: str, pos: int) -> tuple[int, int]:
    """Bounds of the sentence of `text` holding position `pos` (verbatim, trimmed)."""
    starts = [0] + [m.end() for m in re.finditer(r"[.!?…]+[\"'»”)]*\s+|\n+", text)]
    s = max(b for b in starts if b <= pos)
    m = re.compile(r"[.!?…]+|\n").search(text, pos)
    e = m.end() if m else len(text)
    seg = text[s:e]
    return s + (len(seg) - len(seg.lstrip())), s + len(seg.rstrip())


_TOKEN_RE = re.compile(r"\w+")
#: Fewest words around a grammar error that must read the same in the script for it to be the script's wording.
MIN_SHARED_WORDS = 3


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group().casefold()) for m in _TOKEN_RE.finditer(text.replace("’", "'"))]


class ScriptVocabulary:
    """The wording of a scenario's own texts, to tell the script's terms from the candidate's errors."""

    def __init__(self, texts: Iterable[str] = ()) -> None:
        # one string of lower-case words; " | " between texts, so a phrase never spans two of them
        self._words = " " + " | ".join(" ".join(w for _, _, w in _tokens(t)) for t in texts if t) + " "

    def __bool__(self) -> bool:
        return self._words.strip() != ""

    def covers(self, text: str, start: int, end: int, *, grammar: bool) -> bool:
        """Whether `text[start:end]` is the script's wording: for a grammar error, its words with those
        around them (`MIN_SHARED_WORDS` at least, one more than the flagged ones) appear as such in the
        script; for an unknown word, the script uses it."""
        tokens = _tokens(text)
        inside = [i for i, (s, e, _) in enumerate(tokens) if s < end and start < e]
        if not inside or not self:
            return False
        first, last = inside[0], inside[-1]
        size = max(MIN_SHARED_WORDS, last - first + 2) if grammar else last - first + 1
        for begin in range(max(0, last - size + 1), first + 1):
            window = tokens[begin : begin + size]
            if len(window) == size and f" {' '.join(w for _, _, w in window)} " in self._words:
                return True
        return False


def script_texts(scenario: Any) -> list[str]:
    """Every French text of a scenario (a pydantic model or its data): title, briefing, the persona's
    lines, objections, facts…: each string found under a `fr` key."""
    data = scenario.model_dump() if hasattr(scenario, "model_dump") else scenario
    out: list[str] = []

    def walk(value: Any, french: bool) -> None:
        if isinstance(value, str):
            if french:
                out.append(value)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                walk(item, french or key == "fr")
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, french)

    walk(data, False)
    return out


def _rule_base(rule_id: str) -> str:
    return re.sub(r"_a\d+_\d+$", "", rule_id)


def check_text(
    text: str, *, spoken: bool = False, turn_index: int = 0, vocabulary: ScriptVocabulary | None = None
) -> tuple[list[FrenchError], int]:
    """The counted errors of one turn and its number of style remarks (see the module doc); what
    `vocabulary` (the scenario's own wording) covers is not an error."""
    checker = _checker()
    errors: list[FrenchError] = []
    style = 0
    seen_rules: set[tuple[int, str]] = set()
    taken: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            for err in sorted(checker.grammar(line), key=lambda e: (e["nStart"], e["nEnd"])):
                kind, rule = err.get("sType") or "notype", err.get("sRuleId", "")
                if kind in STYLE_KINDS:
                    style += 1
                    continue
                category: Literal["grammar", "spelling"]
                if kind in GRAMMAR_KINDS:
                    category = "grammar"
                elif kind in WRITTEN_KINDS or rule in _WRITTEN_RULES:
                    if spoken:
                        continue
                    category = "spelling"
                else:
                    continue  # typography and the like
                start, end = offset + err["nStart"], offset + err["nEnd"]
                if vocabulary is not None and vocabulary.covers(text, start, end, grammar=True):
                    taken.append((start, end))
                    continue
                sent = _sentence_at(text, start)
                if (sent[0], _rule_base(rule)) in seen_rules or any(s < end and start < e for s, e in taken):
                    continue  # one fault flagged twice (both ends of an agreement) counts once
                seen_rules.add((sent[0], _rule_base(rule)))
                taken.append((start, end))
                flagged = text[start:end].strip() or text[start:end]
                fs = start + text[start:end].find(flagged)
                qs, qe = _context(text, fs, fs + len(flagged))
                errors.append(
                    FrenchError(
                        turn_index=turn_index,
                        quote=text[qs:qe],
                        flagged=flagged,
                        message=_clean_message(err.get("sMessage", "")),
                        kind=category,
                        rule=rule,
                        suggestions=list(err.get("aSuggestions") or [])[:3],
                    )
                )
            if not spoken:
                for tok in checker.spelling(line):
                    word = tok["sValue"]
                    if _ignore_unknown_word(word):
                        continue
                    start, end = offset + tok["nStart"], offset + tok["nEnd"]
                    if any(s < end and start < e for s, e in taken):
                        continue
                    if vocabulary is not None and vocabulary.covers(text, start, end, grammar=False):
                        continue
                    taken.append((start, end))
                    qs, qe = _context(text, start, end)
                    sugg = checker.suggest(word)
                    msg = f"Mot inconnu du dictionnaire : « {word} »" + (
                        f" (peut-être : {', '.join(sugg)})" if sugg else ""
                    )
                    errors.append(
                        FrenchError(
                            turn_index=turn_index,
                            quote=text[qs:qe],
                            flagged=text[start:end],
                            message=msg,
                            kind="spelling",
                            rule="spelling",
                            suggestions=sugg,
                        )
                    )
        offset += len(line) + 1
    errors.sort(key=lambda e: text.find(e.quote))
    return errors, style


def _clean_message(msg: str) -> str:
    return msg.split("|")[-1].strip() if msg else "Erreur de grammaire."


def _ignore_unknown_word(word: str) -> bool:
    """Names, brands, acronyms, figures and the usual business anglicisms are not spelling errors."""
    if len(word) < 2 or any(c.isdigit() for c in word):
        return True
    if word[0].isupper():  # a name or a brand (a sentence-initial typo is missed: acceptable)
        return True
    return word.lower().replace("’", "'") in ANGLICISMS


def _canonical_term(found: str) -> str | None:
    """The entry of PROFESSIONAL_TERMS a matched form stands for ("volumes" → "volume")."""
    t = found.lower().replace("’", "'")
    if t in _TERMS:
        return t
    if t[-1:] in ("s", "x") and t[:-1] in _TERMS:
        return t[:-1]
    return None


def find_terms(text: str) -> list[tuple[int, int, str]]:
    """(start, end, term) of each professional term in a French text; the term as listed (singular)."""
    everyday = [(m.start(), m.end()) for m in _NOT_TERM_RE.finditer(text)]
    out = []
    for m in _TERM_RE.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in everyday):
            continue
        term = _canonical_term(m.group(0))
        if term is not None:
            out.append((m.start(), m.end(), term))
    return out


def find_misuses(text: str, *, spoken: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, the right form) of each term error of `MISUSES` in a French text; spelling ones only
    when the candidate typed the turn (a spoken turn was spelled by the speech recogniser)."""
    return sorted(
        (m.start(), m.end(), right)
        for pattern, right, written in _MISUSE_RES
        if not (written and spoken)
        for m in pattern.finditer(text)
    )


def register_of(texts: Sequence[str]) -> tuple[str, int, int, list[FrenchQuote]]:
    """(register, tu forms, vous forms, sentences saying tu) of the candidate's French turns."""
    tu = vous = 0
    evidence: list[FrenchQuote] = []
    for i, text in enumerate(texts):
        tu_hits = list(_TU_RE.finditer(text))
        tu += len(tu_hits)
        vous += len(_VOUS_RE.findall(text))
        seen: set[tuple[int, int]] = set()
        for m in tu_hits:
            span = _sentence_at(text, m.start())
            if span not in seen:
                seen.add(span)
                evidence.append(FrenchQuote(turn_index=i, quote=text[span[0] : span[1]]))
    if tu == 0 and vous == 0:
        register = "unknown"
    elif tu == 0:
        register = "vous"
    elif vous == 0:
        register = "tu"
    else:
        register = "mixed"
    return register, tu, vous, evidence if register in ("tu", "mixed") else []


# --------------------------------------------------------------------------------------------------


def assess_french(turns: list[tuple[str, bool]], *, given: Iterable[str] = ()) -> FrenchAssessment | None:
    """Assess the candidate's French turns, each given as (text, spoken). None below MIN_WORDS words.
    `given`: the scenario's own texts (`script_texts`, the persona's turns): their wording is not an error.

    Raises FrenchCheckerUnavailable when Grammalecte is not installed."""
    texts = [t or "" for t, _ in turns]
    words = [count_words(t) for t in texts]
    total = sum(words)
    if total < MIN_WORDS:
        return None
    checker = _checker()
    vocabulary = ScriptVocabulary(given)
    errors: list[FrenchError] = []
    style = 0
    for i, (text, spoken) in enumerate(turns):
        if not (text or "").strip():
            continue
        errs, st = check_text(text, spoken=spoken, turn_index=i, vocabulary=vocabulary)
        errors.extend(errs)
        style += st
    typed_words = sum(w for w, (_, spoken) in zip(words, turns, strict=True) if not spoken)
    grammar = sum(1 for e in errors if e.kind == "grammar")
    spelling = sum(1 for e in errors if e.kind == "spelling")
    register, tu, vous, evidence = register_of(texts)
    terms = [t[s:e].lower() for t in texts for s, e, _ in find_terms(t)]
    measures: dict[str, float] = {
        "words": float(total),
        "typed_words": float(typed_words),
        "spoken_words": float(total - typed_words),
        "grammar_errors": float(grammar),
        "spelling_errors": float(spelling),
        "grammar_per_100_words": round(100.0 * grammar / total, 2),
        "spelling_per_100_typed_words": round(100.0 * spelling / typed_words, 2) if typed_words else 0.0,
        "style_issues": float(style),
        "tu_forms": float(tu),
        "vous_forms": float(vous),
        "professional_terms": float(len(terms)),
        "professional_terms_distinct": float(len(set(terms))),
        "professional_terms_per_100_words": round(100.0 * len(terms) / total, 2),
    }
    if tu + vous:
        measures["vouvoiement_ratio"] = round(vous / (tu + vous), 3)
    return FrenchAssessment(
        errors_per_100_words=round(100.0 * (grammar + spelling) / total, 2),
        words=total,
        measures=measures,
        errors=errors,
        register=register,  # type: ignore[arg-type]
        register_evidence=evidence,
        professional_terms=sorted(set(terms)),
        checker=checker.name,
    )
