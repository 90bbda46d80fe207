"""The candidate's English: a CEFR level (A1–C2) and whether B1 is reached.

The exam asks for "L'anglais est maîtrisé (niveau B1 du CECRL)". The estimate rests on what the words
and sentences *are*, never on how many there are:

- **lexical range**: the CEFR level of each word (`cefrpy`'s word list, with a light lemmatiser so that
  "moving" counts as "move" and "found" as "find"): share of words above A2 and above B2, mean level of
  each sentence's hardest word, length of the content words, lexical density; reported besides: share of
  content words above B1 and above B2;
- **grammatical complexity**: subordinate clauses per sentence (and share of sentences with one, reported), connectors, complex verb forms (perfect,
  passive, modals/conditional); reported besides: verb-tense variety, conditionals, sentence and
  T-unit length (capped, so that chaining "and … and …" does not pass for complexity);
- **diversity**: MTLD (McCarthy & Jarvis 2010), reported; left out of the model, because on the few
  sentences of a short session it measures their length rather than their diversity (the level would move
  as the session's English grows).

Conditionals count an "if/unless" clause with a modal or a future in the sentence ("If the 8D confirms it,
we will cover…"); connectors include the plain linking words of B1 ("but", "because", "so", "when"…)
besides the formal ones. The scorecard and `oralblanc cefr` use the same measure on the same lines
(`assess_text`): nothing the persona said is taken out.

A tiny linear model (`cefr_model.json`: eleven non-negative coefficients, five cut points) maps the
measures to a continuous score 1..6 and a level. It is fitted by `bench/eval_cefr.py --fit` (levels
weighted by their frequency, capped; configurations chosen with `--dev` on the fit half) on one half of the
CEFR-SP train split (Arase, Uchida & Kajiwara 2022, "CEFR-Based Sentence Difficulty Annotation and
Assessment", EMNLP 2022) grouped into short texts of 1 to 8 sentences, and evaluated on the other half
(bench/README.md); the A2|B1 cut is the one that makes the most B1 decisions right. No length measure is
offered to the fit. Caveat: CEFR-SP rates how hard native sentences are to read; a
candidate's spoken English is scored on the same scale, so the level is an estimate for a trainer to confirm.

No English grammar checker is available offline, so accuracy is not measured; the level is one of
range and complexity. Nothing here touches the network.

Professional vocabulary (for "les termes professionnels sont justes … dans les deux langues"):
`find_terms` finds the sales and management terms of `PROFESSIONAL_TERMS` (English counterparts of
feedback.french's list); `find_misuses` finds the few French false friends that change the meaning in a
sales talk and that a detector can be sure of (`MISUSES`): "assist to the meeting" (attend), "a
formation on the CRM" (training), "without preventing him" (warning), "sensible data" (sensitive), "the
responsible of" (the person in charge), "any eventual problems" (possible), "commercials who" (sales reps),
"negociation" typed (negotiation). "Actually" for "currently" and "eventually" for "possibly" are not
flagged: natives use both words in ways a detector cannot tell apart.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, Field

__all__ = [
    "LEVELS",
    "MIN_WORDS",
    "CefrModel",
    "EnglishAssessment",
    "assess_english",
    "assess_text",
    "estimate_cefr",
    "find_misuses",
    "find_terms",
    "level_name",
    "load_model",
    "sentence_spans",
    "text_measures",
    "warm_up",
    "word_level",
]

log = logging.getLogger(__name__)

LEVELS: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2")
CefrLevel = Literal["A1", "A2", "B1", "B2", "C1", "C2"]

#: Below this many English words there is too little to judge (`assess_english` returns None).
MIN_WORDS = 25

#: A sentence longer than this counts as this long (unpunctuated chat would otherwise look complex).
SENTENCE_CAP = 30
#: Same for a T-unit (a main clause with what hangs on it).
TUNIT_CAP = 25


class EnglishAssessment(BaseModel):
    """The English of a session: level, B1 decision, the measures behind it and the candidate's words."""

    cefr: CefrLevel
    b1_reached: bool
    score: float = Field(description="Continuous level, 1 (A1) .. 6 (C2).")
    confidence: float = Field(
        ge=0, le=1, description="How firm the B1 decision is (amount of English, distance to the cut)."
    )
    words: int
    measures: dict[str, float]
    evidence: list[str] = Field(description="Candidate sentences that illustrate the level, verbatim.")


# --------------------------------------------------------------------------------------------------
# Words

_WORD_RE = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*(?:-[A-Za-z]+(?:['’][A-Za-z]+)*)*")
_CONTRACTION_RE = re.compile(r"^(.*?)(n['’]t|['’](?:s|re|ve|ll|d|m))$", re.IGNORECASE)
_CONTRACTION_BASE = {
    "n't": "not",
    "'s": "is",
    "'re": "are",
    "'ve": "have",
    "'ll": "will",
    "'d": "would",
    "'m": "am",
}
_SPECIAL_NEG = {"can": "can", "ca": "can", "wo": "will", "sha": "shall"}

FUNCTION_WORDS = frozenset(
    """
    a an the this that these those some any no every each either neither all both half several many much
    more most few fewer less least other another such what which who whom whose whatever whichever whoever
    i me my mine myself you your yours yourself yourselves he him his himself she her hers herself it its
    itself we us our ours ourselves they them their theirs themselves one ones
    be am is are was were been being have has had having do does did done doing
    will would shall should can could may might must ought not
    and or but nor so yet for if then than because although though while whereas unless since until
    till as when whenever where wherever whether after before once
    of in on at by to from with without about above below under over into onto out up down off through
    across along around among between behind beyond during except inside outside near past per via
    within upon against toward towards despite like unlike
    there here now just also too very quite rather really only even still already ever never always often
    yes no ok okay oh well please thank thanks
    """.split()
)

# Levels cefrpy gets wrong for very common forms (contractions split badly, "cannot").
_LEVEL_OVERRIDES = {"cannot": 1.0, "i": 1.0, "ok": 1.0, "okay": 1.0, "gonna": 2.0, "wanna": 2.0, "yeah": 1.0}

_IRREGULAR = {
    "found": "find",
    "known": "know",
    "knew": "know",
    "thought": "think",
    "brought": "bring",
    "taught": "teach",
    "caught": "catch",
    "bought": "buy",
    "sought": "seek",
    "meant": "mean",
    "held": "hold",
    "led": "lead",
    "left": "leave",
    "felt": "feel",
    "kept": "keep",
    "built": "build",
    "sent": "send",
    "spent": "spend",
    "lost": "lose",
    "paid": "pay",
    "said": "say",
    "made": "make",
    "told": "tell",
    "sold": "sell",
    "won": "win",
    "begun": "begin",
    "began": "begin",
    "chosen": "choose",
    "chose": "choose",
    "given": "give",
    "gave": "give",
    "taken": "take",
    "took": "take",
    "written": "write",
    "wrote": "write",
    "spoken": "speak",
    "spoke": "speak",
    "broken": "break",
    "broke": "break",
    "driven": "drive",
    "drove": "drive",
    "shown": "show",
    "grown": "grow",
    "grew": "grow",
    "drawn": "draw",
    "drew": "draw",
    "understood": "understand",
    "stood": "stand",
    "became": "become",
    "came": "come",
    "went": "go",
    "gone": "go",
    "done": "do",
    "did": "do",
    "saw": "see",
    "seen": "see",
    "got": "get",
    "gotten": "get",
    "threw": "throw",
    "thrown": "throw",
    "rose": "rise",
    "risen": "rise",
    "fell": "fall",
    "fallen": "fall",
    "ate": "eat",
    "eaten": "eat",
    "sat": "sit",
    "met": "meet",
    "ran": "run",
    "fought": "fight",
    "hid": "hide",
    "hidden": "hide",
    "forgot": "forget",
    "forgotten": "forget",
    "heard": "hear",
    "flew": "fly",
    "flown": "fly",
    "wore": "wear",
    "worn": "wear",
    "children": "child",
    "men": "man",
    "women": "woman",
    "people": "person",
    "better": "good",
    "best": "good",
    "worse": "bad",
    "worst": "bad",
    "data": "datum",
}

# Words that are verb participles when they follow a form of "be"/"have" (besides regular -ed forms).
_PARTICIPLES = frozenset(
    k
    for k, v in _IRREGULAR.items()
    if k
    not in {
        "went",
        "came",
        "knew",
        "did",
        "saw",
        "took",
        "gave",
        "wrote",
        "spoke",
        "broke",
        "drove",
        "grew",
        "drew",
        "threw",
        "rose",
        "fell",
        "ate",
        "ran",
        "flew",
        "wore",
        "chose",
        "began",
        "became",
        "forgot",
        "hid",
        "children",
        "men",
        "women",
        "people",
        "better",
        "best",
        "worse",
        "worst",
        "data",
    }
) | {"been", "put", "set", "cut", "let", "hit", "read", "run", "come", "become", "shut", "hurt", "cost"}

_BE = frozenset("be am is are was were been being 's 're 'm".split())
_HAVE = frozenset("have has had having 've 'd".split())
_MODALS = frozenset("would could might should may must 'd".split())

SUBORDINATORS = frozenset(
    "because although though while whereas unless since until whether which who whom whose whenever "
    "wherever if when where once so-that".split()
)
CONNECTORS = (
    # linking words a B1 speaker uses to tie ideas (CEFR B1: "can link a series of shorter, discrete simple
    # elements into a connected, linear sequence of points"), then the more formal ones
    "but",
    "because",
    "so",
    "also",
    "then",
    "if",
    "unless",
    "when",
    "while",
    "first",
    "finally",
    "besides",
    "thus",
    "hence",
    "since",
    "whether",
    "as soon as",
    "once",
    "until",
    "in case",
    "that is why",
    "that's why",
    "however",
    "therefore",
    "moreover",
    "furthermore",
    "nevertheless",
    "nonetheless",
    "consequently",
    "otherwise",
    "instead",
    "meanwhile",
    "whereas",
    "although",
    "despite",
    "in addition",
    "on the other hand",
    "as a result",
    "in spite of",
    "in order to",
    "as long as",
    "provided that",
    "even though",
    "even if",
    "rather than",
    "so that",
    "as well as",
    "in fact",
    "for instance",
    "for example",
)
_CONNECTOR_RE = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in CONNECTORS) + r")\b", re.IGNORECASE)


# The professional vocabulary of sales and of managing change (lower case, singular). Words that are
# mostly something else in speech are left out: "need" (we need to), "deal" (deal with), "lead" (lead the
# team), bare "account" (take into account), bare "order" (in order to).
PROFESSIONAL_TERMS = (
    "customer",
    "client",
    "supplier",
    "buyer",
    "purchasing",
    "procurement",
    "prospect",
    "prospecting",
    "negotiation",
    "contract",
    "framework agreement",
    "offer",
    "proposal",
    "quotation",
    "price",
    "pricing",
    "discount",
    "rebate",
    "margin",
    "gross margin",
    "profitability",
    "revenue",
    "turnover",
    "sales figures",
    "purchase order",
    "delivery",
    "lead time",
    "deadline",
    "payment terms",
    "invoice",
    "invoicing",
    "penalty",
    "terms and conditions",
    "specifications",
    "call for tenders",
    "tender",
    "partnership",
    "partner",
    "commitment",
    "trade-off",
    "concession",
    "warranty",
    "guarantee",
    "after-sales",
    "complaint",
    "dispute",
    "credit note",
    "goodwill gesture",
    "compensation",
    "loyalty",
    "customer retention",
    "satisfaction",
    "added value",
    "value proposition",
    "return on investment",
    "roi",
    "investment",
    "budget",
    "cost",
    "savings",
    "kpi",
    "indicator",
    "target",
    "objective",
    "strategy",
    "action plan",
    "roadmap",
    "market",
    "market share",
    "competition",
    "competitor",
    "positioning",
    "segment",
    "key account",
    "account plan",
    "account owner",
    "account ownership",
    "account manager",
    "portfolio",
    "pipeline",
    "forecast",
    "reporting",
    "dashboard",
    "crm",
    "lead scoring",
    "upselling",
    "cross-selling",
    "handover",
    "territory",
    "vertical",
    "quota",
    "variable pay",
    "bonus",
    "commission",
    "incentive",
    "team",
    "manager",
    "management",
    "coaching",
    "training",
    "skill",
    "change management",
    "reorganisation",
    "reorganization",
    "transformation",
    "project",
    "schedule",
    "timeline",
    "milestone",
    "pilot",
    "roll-out",
    "workload",
    "motivation",
    "recognition",
    "buy-in",
    "stakeholder",
    "works council",
    "consultation",
    "governance",
    "risk",
    "opportunity",
    "stake",
    "synergy",
    "process",
    "csr",
    "recruitment",
    "onboarding",
)
_TERMS = frozenset(PROFESSIONAL_TERMS)


def _term_pattern(term: str) -> str:
    """ "roll-out" also as "rollout" and "roll out"; plurals ("opportunities", "taxes", "accounts")."""
    body = r"[\s-]*".join(re.escape(w) for w in re.split(r"[\s-]+", term))
    if term.endswith("y") and term[-2:-1] not in "aeiou":
        return body[:-1] + "(?:y|ies)"
    return body + "(?:s|es)?"


_TERM_RE = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(_term_pattern(t) for t in sorted(PROFESSIONAL_TERMS, key=len, reverse=True))
    + r")(?![\w-])",
    re.IGNORECASE,
)
_TERM_KEY = {re.sub(r"[\s-]+", "", t): t for t in PROFESSIONAL_TERMS}


def _canonical_term(found: str) -> str | None:
    """The entry of PROFESSIONAL_TERMS a matched form stands for ("opportunities" → "opportunity")."""
    key = re.sub(r"[\s-]+", "", found.lower())
    for k in (
        key,
        key[:-3] + "y" if key.endswith("ies") else None,
        key[:-2] if key.endswith("es") else None,
        key[:-1] if key.endswith("s") else None,
    ):
        if k is not None and k in _TERM_KEY:
            return _TERM_KEY[k]
    return None


def find_terms(text: str) -> list[tuple[int, int, str]]:
    """(start, end, term) of each professional term in an English text; the term as listed (singular)."""
    out = []
    for m in _TERM_RE.finditer(text):
        term = _canonical_term(m.group(0))
        if term is not None:
            out.append((m.start(), m.end(), term))
    return out


_PERSON = r"(?:me|you|him|her|us|them|anyone|anybody|everyone|everybody|the (?:team|client|customer|buyer)|[A-Z][a-z]+)"
# French false friends that change the meaning in a sales talk: (pattern, the right word, only in writing?).
MISUSES: tuple[tuple[str, str, bool], ...] = (
    # "assister à" = attend; "assist" = help, and takes no "to" before a noun
    (
        r"(?i:\bassist(?:s|ed|ing)?\s+to\s+(?:the|a|an|our|your|this|that|my|their|every|each|all)\b)",
        "attend",
        False,
    ),
    # "une formation" = training; "a formation" is an arrangement (a team formation is English: not flagged)
    (
        r"(?i:\bformations?\s+(?:on|about|budgets?|sessions?|courses?|programmes?|programs?|plans?|days?)\b)",
        "training",
        False,
    ),
    (
        (
            r"(?i:\b(?:follow|take|attend|give|offer|organi[sz]e|provide|book|plan)(?:s|ed|ing)?\s+(?:a|an|the|some|this|"
            r"that|your|our|his|her|their)\s+(?:\w+\s+)?formations?\b)"
        ),
        "training",
        False,
    ),
    # "prévenir quelqu'un" = warn / let know; "prevent someone" = stop them (from doing something)
    (
        r"(?i:\bwithout\s+preventing)\s+" + _PERSON + r"(?![^.!?;]*\bfrom\b)",
        "warning / letting … know",
        False,
    ),
    (
        r"(?i:\bprevent(?:s|ed|ing)?)\s+" + _PERSON + r"\s+(?i:before(?:hand)?|in advance|about|that)\b",
        "warn / let … know",
        False,
    ),
    # "sensible" = sensitive; "sensible data" would be reasonable data
    (r"(?i:\bsensible\s+(?:data|information|personal data|customer data)\b)", "sensitive", False),
    # "le responsable de" = the person in charge of / head of
    (
        r"(?i:\b(?:the|a|our|your|their|his|her)\s+responsibles?\s+(?:of|for)\b)",
        "the person in charge of",
        False,
    ),
    # "d'éventuels problèmes" = possible problems; "eventual" = final
    (
        (
            r"(?i:\b(?:any|for|about|with|of|your)\s+eventual\s+(?:\w+\s+)?(?:questions|problems|issues|difficulties|"
            r"delays|penalties|claims|complaints|objections|changes|risks|errors|costs|discounts)\b)"
        ),
        "possible",
        False,
    ),
    # "un commercial" = a sales rep; "a commercial" is an advertisement, and is not a "who"
    (r"(?i:\bcommercials?\s+who\b)", "sales rep(s)", False),
    # "négociation" spelled the French way
    (r"(?i:\bnegociat\w*)", "negotiate / negotiation", True),
)
_MISUSE_RES = tuple((re.compile(p), right, written) for p, right, written in MISUSES)


def find_misuses(text: str, *, spoken: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, the right word) of each false friend of `MISUSES` in an English text; spelling ones only
    when the candidate typed the turn."""
    found = sorted(
        (m.start(), m.end(), right)
        for pattern, right, written in _MISUSE_RES
        if not (written and spoken)
        for m in pattern.finditer(text)
    )
    out: list[tuple[int, int, str]] = []
    for start, end, right in found:  # one error caught by two patterns counts once
        if not out or start >= out[-1][1]:
            out.append((start, end, right))
    return out


@cache
def _analyzer():
    from cefrpy import CEFRAnalyzer

    return CEFRAnalyzer()


def _lemma_candidates(w: str) -> Iterable[str]:
    if w in _IRREGULAR:
        yield _IRREGULAR[w]
    n = len(w)
    if n > 4 and w.endswith("ies"):
        yield w[:-3] + "y"
    if n > 4 and w.endswith("ied"):
        yield w[:-3] + "y"
    if n > 3 and w.endswith("es"):
        yield w[:-2]
    if n > 3 and w.endswith("s") and not w.endswith("ss"):
        yield w[:-1]
    if n > 4 and w.endswith("ed"):
        yield w[:-2]
        yield w[:-1]
        if w[-3] == w[-4]:
            yield w[:-3]
    if n > 5 and w.endswith("ing"):
        yield w[:-3]
        yield w[:-3] + "e"
        if w[-4] == w[-5]:
            yield w[:-4]
    if n > 5 and w.endswith("ly"):
        yield w[:-2]
        if w.endswith("ily"):
            yield w[:-3] + "y"
    if n > 4 and w.endswith("er"):
        yield w[:-2]
    if n > 5 and w.endswith("est"):
        yield w[:-3]


@lru_cache(maxsize=65536)
def word_level(word: str) -> float | None:
    """CEFR level of an English word, 1 (A1) .. 6 (C2), or None when unknown. Case-insensitive;
    an inflected form is no harder than its base ("moving" as "move", "found" as "find")."""
    w = word.lower().replace("’", "'")
    if w in _LEVEL_OVERRIDES:
        return _LEVEL_OVERRIDES[w]
    if "-" in w:
        parts = [word_level(p) for p in w.split("-") if len(p) > 1]
        known = [p for p in parts if p is not None]
        return max(known) if known and len(known) == len(parts) else None
    a = _analyzer()
    levels = []
    if a.is_word_in_database(w):
        levels.append(a.get_average_word_level_float(w))
    for cand in _lemma_candidates(w):
        if len(cand) >= 3 and a.is_word_in_database(cand):
            levels.append(a.get_average_word_level_float(cand))
    return min(levels) if levels else None


@lru_cache(maxsize=65536)
def _is_past_form(word: str) -> bool:
    w = word.lower()
    if w in _PARTICIPLES:
        return True
    if len(w) > 3 and w.endswith("ed"):
        a = _analyzer()
        if not a.is_word_in_database(w):
            return True
        pos = set(a.get_all_pos_for_word_as_str(w))
        return bool(pos & {"VBN", "VBD"})
    return False


# --------------------------------------------------------------------------------------------------
# Sentences and tokens

_SENT_END_RE = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, trimmed; text[start:end] is the sentence verbatim."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END_RE.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        seg = text[s:e]
        lead = len(seg) - len(seg.lstrip())
        s2, e2 = s + lead, s + len(seg.rstrip())
        if e2 > s2:
            out.append((s2, e2))
    return out


def _tokens(sentence: str) -> list[tuple[str, bool]]:
    """Lower-cased word tokens of a sentence, contractions split ("don't" → do, not), each with a flag
    telling whether it looks like a proper noun (capitalised, not first, not "I")."""
    out: list[tuple[str, bool]] = []
    for i, m in enumerate(_WORD_RE.finditer(sentence)):
        raw = m.group(0)
        proper = i > 0 and raw[0].isupper() and raw not in ("I", "I'm", "I’m", "I'd", "I'll", "I've")
        cm = _CONTRACTION_RE.match(raw)
        if cm and not proper:
            base, suffix = cm.group(1).lower(), cm.group(2).lower().replace("’", "'")
            if suffix == "'s" and base not in {
                "it",
                "he",
                "she",
                "that",
                "what",
                "there",
                "here",
                "who",
                "where",
                "let",
            }:
                out.append((base, False))  # possessive: "the client's" → client
                continue
            if suffix == "n't":
                base = _SPECIAL_NEG.get(base, base)
            if base:
                out.append((base, False))
            out.append((suffix, False))
            continue
        out.append((raw.lower().replace("’", "'"), proper))
    return out


# --------------------------------------------------------------------------------------------------
# Measures

_CLAUSE_SUBJECT = frozenset(
    "i we you he she it they there this these those the our your my his her their a an".split()
)
_COORD = frozenset({"and", "but", "so", "or", "then"})
_SUBJECT_START = frozenset(
    "i we you he she it they there this that these those the our your my his her their its a an".split()
)


def _tunit_lengths(tokens: Sequence[str]) -> list[int]:
    """Lengths in words of the T-units of a sentence (Hunt 1965; Lu 2010): a new one starts at a
    coordinating conjunction followed by what looks like a new subject ("... and we can ..."), so that
    chaining simple clauses with "and" does not pass for complexity."""
    lengths: list[int] = []
    count = 0
    for i, t in enumerate(tokens):
        if t.startswith("'") or t == "n't":
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if t in _COORD and nxt in _SUBJECT_START and count >= 2:
            lengths.append(count)
            count = 0
            continue
        count += 1
    if count:
        lengths.append(count)
    return lengths


def _mtld_pass(tokens: Sequence[str], threshold: float = 0.72) -> float:
    factors = 0.0
    types: set[str] = set()
    count = 0
    for t in tokens:
        count += 1
        types.add(t)
        if len(types) / count <= threshold:
            factors += 1
            types, count = set(), 0
    if count:
        ttr = len(types) / count
        factors += (1 - ttr) / (1 - threshold) if ttr < 1 else 0.0
    return len(tokens) / factors if factors else float(len(tokens))


def mtld(tokens: Sequence[str]) -> float:
    """Measure of Textual Lexical Diversity (McCarthy & Jarvis 2010), mean of both directions, capped at 200."""
    if not tokens:
        return 0.0
    value = (_mtld_pass(tokens) + _mtld_pass(list(reversed(tokens)))) / 2
    return min(value, 200.0)


def text_measures(text: str, *, given_vocabulary: Iterable[str] = ()) -> dict[str, float]:
    """The measures of one English text (see the module doc). `given_vocabulary`: words the scenario
    handed the candidate, left out of the lexical profile (using them shows no range)."""
    given = {w.lower() for w in given_vocabulary}
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    words: list[str] = []
    levels: list[float] = []
    content_levels: list[float] = []
    content_letters: list[int] = []
    unknown = 0
    lexical = 0
    sent_lengths: list[int] = []
    tunit_lengths: list[int] = []
    sentence_max: list[float] = []
    subordinators = 0
    subordinate_sentences = 0
    complex_verbs = 0
    conditionals = 0
    tenses: set[str] = set()
    for sentence in sentences:
        before = len(content_levels)
        toks = _tokens(sentence)
        plain = [t for t, _ in toks]
        n = sum(1 for t in plain if not t.startswith("'") and t != "n't")
        if n == 0:
            continue
        sent_lengths.append(min(n, SENTENCE_CAP))
        tunit_lengths.extend(min(k, TUNIT_CAP) for k in _tunit_lengths(plain))
        words.extend(t for t in plain if not t.startswith("'") and t != "n't")
        for tok, proper in toks:
            if proper or tok.startswith("'") or tok == "n't":
                continue
            lexical += 1
            if tok in given:
                continue
            lvl = word_level(tok)
            if lvl is None:
                unknown += 1
                continue
            levels.append(lvl)
            if tok not in FUNCTION_WORDS:
                content_levels.append(lvl)
                content_letters.append(len(tok))
        if len(content_levels) > before:
            sentence_max.append(max(content_levels[before:]))
        sub = sum(1 for t in plain if t in SUBORDINATORS)
        # "that" opening a clause ("I think that we…", "the price that you propose"), not "that price"
        sub += sum(
            1 for i, t in enumerate(plain[:-1]) if t == "that" and i > 0 and plain[i + 1] in _CLAUSE_SUBJECT
        )
        subordinators += sub
        subordinate_sentences += sub > 0
        has_modal = False
        has_if = "if" in plain or "unless" in plain
        # the main clause of a conditional: a modal, or a future ("If the 8D confirms it, we will cover the cost")
        has_consequence = any(t in _MODALS or t in {"will", "'ll", "can", "shall"} for t in plain)
        for i, t in enumerate(plain):
            nxt = plain[i + 1] if i + 1 < len(plain) else ""
            nxt2 = plain[i + 2] if i + 2 < len(plain) else ""
            if t in _HAVE and (
                _is_past_form(nxt)
                or (nxt in {"not", "n't", "already", "never", "just", "ever"} and _is_past_form(nxt2))
            ):
                complex_verbs += 1
                tenses.add("past_perfect" if t in {"had", "'d"} else "perfect")
            elif t in _BE and (
                _is_past_form(nxt) or (nxt in {"not", "n't", "being", "been"} and _is_past_form(nxt2))
            ):
                complex_verbs += 1
                tenses.add("passive")
            elif t in _BE and nxt.endswith("ing") and len(nxt) > 4:
                tenses.add("progressive")
            if t in _MODALS:
                has_modal = True
                complex_verbs += 1
                tenses.add("modal")
            if t in {"will", "'ll"} or (t == "going" and nxt == "to"):
                tenses.add("future")
            if (
                i > 0
                and _is_past_form(t)
                and plain[i - 1] not in _BE | _HAVE
                and plain[i - 1] not in {"not", "n't"}
            ):
                tenses.add("past")
        if has_if and (has_modal or has_consequence):
            conditionals += 1
    n_sent = max(len(sent_lengths), 1)
    n_levels = max(len(levels), 1)
    n_content = max(len(content_levels), 1)
    top = sorted(content_levels, reverse=True)[: max(1, len(content_levels) // 4)]
    connectors = len(_CONNECTOR_RE.findall(text))
    return {
        "words": float(len(words)),
        "sentences": float(len(sent_lengths)),
        "mean_word_level": sum(levels) / n_levels if levels else 0.0,
        "content_word_level": sum(content_levels) / n_content if content_levels else 0.0,
        "top_quartile_word_level": sum(top) / len(top) if content_levels else 0.0,
        "share_above_a2": sum(1 for v in levels if v >= 2.5) / n_levels,
        "share_above_b1": sum(1 for v in levels if v >= 3.5) / n_levels,
        "share_above_b2": sum(1 for v in levels if v >= 4.5) / n_levels,
        "content_share_above_b1": sum(1 for v in content_levels if v >= 3.5) / n_content,
        "content_share_above_b2": sum(1 for v in content_levels if v >= 4.5) / n_content,
        "sentence_max_word_level": sum(sentence_max) / len(sentence_max) if sentence_max else 0.0,
        "content_word_letters": sum(content_letters) / n_content if content_letters else 0.0,
        "mean_sentence_length": sum(sent_lengths) / n_sent,
        "mean_tunit_length": sum(tunit_lengths) / max(len(tunit_lengths), 1),
        "lexical_density": len(content_levels) / n_levels if levels else 0.0,
        "subordinators_per_sentence": subordinators / n_sent,
        "subordinate_sentence_share": subordinate_sentences / n_sent,
        "connectors_per_100_words": 100.0 * connectors / max(len(words), 1),
        "complex_verbs_per_sentence": complex_verbs / n_sent,
        "conditionals": float(conditionals),
        "conditionals_per_sentence": conditionals / n_sent,
        "tense_variety": float(len(tenses)),
        "mtld": mtld(words),
        "share_unknown_words": unknown / max(lexical, 1),
    }


# --------------------------------------------------------------------------------------------------
# The model


class CefrModel(BaseModel):
    """Linear score on standardised measures, then cut points between levels."""

    version: int
    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    cuts: list[float] = Field(min_length=5, max_length=5, description="A1|A2, A2|B1, B1|B2, B2|C1, C1|C2")
    fitted_on: str = ""

    def score(self, measures: dict[str, float]) -> float:
        z = self.intercept
        for name, mu, sd, c in zip(self.features, self.mean, self.scale, self.coef, strict=True):
            z += c * (measures.get(name, 0.0) - mu) / (sd or 1.0)
        return min(6.0, max(1.0, z))

    def level(self, score: float) -> str:
        return LEVELS[sum(1 for c in self.cuts if score >= c)]

    @property
    def b1_cut(self) -> float:
        return self.cuts[1]


@cache
def load_model() -> CefrModel:
    """The fitted model shipped with the package (loaded once)."""
    raw = resources.files("feedback").joinpath("cefr_model.json").read_text(encoding="utf-8")
    return CefrModel.model_validate(json.loads(raw))


def warm_up() -> None:
    """Load the word list and the model now (at start-up) rather than at the first assessment."""
    load_model()
    word_level.cache_clear()
    word_level("warm")


def level_name(score: float) -> str:
    return load_model().level(score)


def estimate_cefr(text: str) -> tuple[str, float]:
    """CEFR level of an English text and its continuous score (1 = A1 .. 6 = C2)."""
    model = load_model()
    score = model.score(text_measures(text))
    return model.level(score), round(score, 3)


def assess_english(texts: list[str], *, given_vocabulary: Iterable[str] = ()) -> EnglishAssessment | None:
    """Assess the candidate's English turns (in order). None when they hold fewer than MIN_WORDS words.
    `given_vocabulary`: words the scenario handed the candidate (left out of the lexical profile)."""
    assessment = assess_text(texts, given_vocabulary=given_vocabulary)
    return assessment if assessment.words >= MIN_WORDS else None


def assess_text(texts: str | Sequence[str], *, given_vocabulary: Iterable[str] = ()) -> EnglishAssessment:
    """Like `assess_english`, whatever the amount of English (the `oralblanc cefr` command uses it)."""
    if isinstance(texts, str):
        texts = [texts]
    texts = [t for t in texts if t and t.strip()]
    joined = "\n".join(t.strip() for t in texts)
    given_vocabulary = frozenset(w.lower() for w in given_vocabulary)
    measures = text_measures(joined, given_vocabulary=given_vocabulary)
    n_words = int(measures["words"])
    model = load_model()
    score = model.score(measures)
    level = model.level(score)
    # Confidence of the B1 decision: more English and a larger distance to the cut make it firmer.
    amount = min(1.0, n_words / 150)
    distance = min(1.0, abs(score - model.b1_cut) / 0.75)
    return EnglishAssessment(
        cefr=level,  # type: ignore[arg-type]
        b1_reached=score >= model.b1_cut,
        score=round(score, 2),
        confidence=round(amount * (0.4 + 0.6 * distance), 2),
        words=n_words,
        measures={k: round(v, 3) for k, v in measures.items()},
        evidence=_evidence(texts, model, given=given_vocabulary),
    )


def _evidence(texts: Sequence[str], model: CefrModel, n: int = 3, given: Iterable[str] = ()) -> list[str]:
    """The candidate's sentences that best show their range: the highest-scoring sentences of at least
    six words (verbatim substrings of the input)."""
    scored: list[tuple[float, int, str]] = []
    order = 0
    for text in texts:
        for s, e in sentence_spans(text):
            sentence = text[s:e]
            if len(_WORD_RE.findall(sentence)) < 6:
                continue
            scored.append((model.score(text_measures(sentence, given_vocabulary=given)), order, sentence))
            order += 1
    best = sorted(scored, key=lambda x: (-x[0], x[1]))[:n]
    return [s for _, _, s in sorted(best, key=lambda x: x[1])]
