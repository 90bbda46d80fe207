"""Detectors of what a candidate's turn *does*, in French and English.

A turn is split into sentences; each sentence is normalised (lower case, accents dropped except the
"ù" of "où", typographic apostrophes and spaces unified) and checked against small, named rule sets.
A hit names the move and quotes the sentence exactly as the candidate wrote it, with its offsets.

The rules look at what a sentence does, not at surface counts: a question mark does not make an open
question, a digit does not make a quantified argument, "si vous avez des questions" is not a
conditional concession, "je ne comprends pas pourquoi vous..." is not empathy. Some moves exclude
others in the same sentence: a leading question is neither an open nor a closed question, a concession
tied to a counterpart is conditional and not unconditional, a figure that only quantifies a concession,
a question or a date is not a quantified argument. A question the candidate answers at once ("Le
résultat ? 15 % d'économies.") is rhetorical and not a question. A figure argues only when the
sentence compares it or ties it to a cause, a consequence or a gain: a list of figures is not an argument.

The declared language is a hint: a sentence plainly in the other language (the exam switches language
mid-session) is read with that language's rules. French rules are written for "vous"; a sentence said
with "tu" is first rewritten with "vous" ("si je te comprends bien" -> "si je vous comprends bien").

Only the standard library is used; everything is deterministic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Move", "MoveHit", "detect", "detect_moves", "turn_language"]


class Move(StrEnum):
    open_question = "open_question"
    closed_question = "closed_question"
    leading_question = "leading_question"
    reformulation = "reformulation"
    summary = "summary"
    quantified_argument = "quantified_argument"
    conditional_concession = "conditional_concession"
    unconditional_concession = "unconditional_concession"
    empathy = "empathy"
    proposal = "proposal"
    regulation_reference = "regulation_reference"
    next_step = "next_step"
    feedback_request = "feedback_request"
    blame = "blame"
    imposition = "imposition"


@dataclass(frozen=True)
class MoveHit:
    move: Move
    sentence: str
    start: int
    end: int


_MOVE_ORDER = {move: index for index, move in enumerate(Move)}


def detect(text: str, lang: str) -> list[MoveHit]:
    """Every move found in `text`, one hit per (sentence, move), in reading order.

    `lang` is "fr" or "en" (a region suffix such as "fr-FR" is accepted); any other value applies the
    rules of both languages.
    """
    langs = _languages(lang)
    sentences = [_sentence(text, start, end, langs) for start, end in _sentence_spans(text)]
    found = [_sentence_moves(s) for s in sentences]
    _drop_rhetorical_questions(sentences, found)
    _pair_concessions_with_counterparts(sentences, found)
    hits: list[MoveHit] = []
    for s, moves in zip(sentences, found):
        for move in sorted(moves, key=_MOVE_ORDER.__getitem__):
            hits.append(MoveHit(move, s.text, s.start, s.end))
    return hits


def detect_moves(text: str, lang: str) -> set[Move]:
    return {hit.move for hit in detect(text, lang)}


def turn_language(text: str, declared: str) -> str:
    """The language most of `text` is in ("fr" or "en"); `declared` when it cannot tell."""
    words = _WORD.findall(_normalize(text))
    other = "en" if declared == "fr" else "fr"
    ours = sum(word in _FUNCTION_WORDS[declared] for word in words)
    theirs = sum(word in _FUNCTION_WORDS[other] for word in words)
    return other if theirs >= 2 and theirs > 1.5 * ours else declared


# ---------------------------------------------------------------------------------------------------
# Languages, normalisation, sentences
# ---------------------------------------------------------------------------------------------------


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


def _sentence(text: str, start: int, end: int, langs: tuple[str, ...]) -> _Sentence:
    raw = text[start:end]
    norm = _normalize(raw)
    if len(langs) == 1:
        langs = (_sentence_language(norm, langs[0]),)
    if langs == ("fr",):
        norm = _as_vous(norm)
    return _Sentence(start, end, raw, norm, langs, _is_question_form(norm, langs))


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
    "as": "avez", "es": "etes", "vas": "allez", "peux": "pouvez", "veux": "voulez", "dois": "devez",
    "sais": "savez", "vois": "voyez", "crois": "croyez", "fais": "faites", "dis": "dites", "prends": "prenez",
    "comprends": "comprenez", "apprends": "apprenez", "viens": "venez", "tiens": "tenez",
    "connais": "connaissez", "mets": "mettez", "sens": "sentez", "pars": "partez", "ecris": "ecrivez",
    "lis": "lisez", "vis": "vivez", "suis": "suivez", "rejoins": "rejoignez", "perds": "perdez",
    "attends": "attendez", "reponds": "repondez", "entends": "entendez", "finis": "finissez",
    "choisis": "choisissez", "reussis": "reussissez",
}
_TU_IMPERATIVES = {
    "dis": "dites", "parle": "parlez", "explique": "expliquez", "raconte": "racontez", "decris": "decrivez",
    "presente": "presentez", "detaille": "detaillez", "precise": "precisez", "montre": "montrez",
    "donne": "donnez", "excuse": "excusez", "rassure": "rassurez", "aide": "aidez",
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
    if not re.search(r"\b(?:tu|te|toi|ton|ta|tes)\b|\bt'|-tu\b|\b(?:" + "|".join(_TU_IMPERATIVES) + r")-", norm):
        return norm
    norm = _TU_IMPERATIVE.sub(
        lambda m: f"{_TU_IMPERATIVES.get(m.group(1), m.group(1))}-{'vous' if m.group(2) == 'toi' else m.group(2)}",
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


# ---------------------------------------------------------------------------------------------------
# Pattern helpers
# ---------------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------------
# Questions: open, closed, leading (and suggestions, which are proposals, not questions)
# ---------------------------------------------------------------------------------------------------

_QUESTION_MARK = re.compile(r"\?[\s!?.\"'\u00bb\u201d)]*$")
_IMPERATIVE_REFLEXIVE = (
    r"(?:rendez|rassurez|souvenez|rappelez|renseignez|asseyez|detendez|projetez|mettez|figurez|tenez|preparez"
    r"|adressez|imaginez|dites|allez|occupez|inquietez|sentez|installez)-vous"
)
_QUESTION_FORM = _by_lang(
    fr=[
        r"^(?:<CS>)?est<H>ce (?:que|qu')",
        r"^(?:<CS>)?qu'est<H>ce",
        r"^(?:(?:et|mais|alors|donc),? )?(?!" + _IMPERATIVE_REFLEXIVE + r")[a-z]+-(?:t-)?(?:vous|tu|il|elle|ils"
        r"|elles|on)\b",
        r"^(?:comment|pourquoi|combien|quel(?:le)?s?|quand|où|que|qui)\b.*\b[a-z]+-(?:t-)?(?:vous|tu|il|elle|on)\b",
    ],
    en=[
        r"^(?:(?:so|and|ok|okay|well|now|but),? )?(?:do|does|did|are|is|have|has)"
        r" (?:you|we|they|it|there|this|that|your|the|our)\b",
        r"^(?:what|who|how|why|which|where|when)(?:'s| (?:do|does|did|are|is|was|were|have|has|can|could"
        r"|would|will|should))\b",
    ],
)


def _is_question_form(norm: str, langs: Sequence[str]) -> bool:
    return bool(_QUESTION_MARK.search(norm)) or _search(_QUESTION_FORM, norm, langs)


_SUGGESTION = _by_lang(
    fr=[
        r"\bpourquoi ne pas\b",
        r"\bque diriez<H>vous (?:de|d'|si)",
        r"\bqu'est<H>ce que vous diriez (?:de|d'|si)",
        r"\b(?:ca|cela) vous dirait (?:de|d')",
        r"^(?:(?:alors|bon|bien|ok|donc),? )?et si (?:nous|on|je|j')\b",
        # a proposal asked as a question about what would help: what we would do, offered for the other to take
        r"\b(?:est<H>ce (?:que|qu')(?:cela|ca|il)|cela|ca|(?:cela|ca) ne) vous (?:aiderait|serait utile|rendrait service"
        r"|faciliterait)\b.*\b(?:si (?:nous|je|j'|on)|que (?:nous|je|j'|on)|de (?:recevoir|avoir|disposer))",
        r"\b(?:cela|ca) vous (?:aiderait|serait<H>il utile|faciliterait)<H>(?:t<H>)?il (?:que|si|de)\b",
        r"\b(?:vous aiderait|vous serait utile|vous faciliterait)<H>(?:t<H>)?(?:il|elle)\b",
        r"\bserait<H>(?:il|ce) utile (?:que|qu'|si) (?:nous|je|j'|on)\b",
        r"\best<H>ce qu'(?:un|une) .{3,60} vous (?:aiderait|serait utile|faciliterait)\b",
    ],
    en=[
        r"\bwhy not\b",
        r"\bwhy don't (?:we|i)\b",
        r"\bhow about (?:we|i|us|a|an|if|\w+ing)\b",
        r"\bwhat about (?:we|if|a|an|\w+ing)\b",
        r"\bwhat if (?:we|i)\b",
        r"\bwould you (?:be open to|consider|be willing to consider)\b",
        # a proposal asked as a question about what would help: what we would do, offered for the other to take
        r"\b(?:would|could|might) it (?:help|be useful|be helpful|make (?:things|it|life) easier)(?: you| for you)?"
        r" if (?:we|i)\b",
        r"\b(?:would|could|might) (?:a|an|some|our|the) (?!\w+ (?:do|think)\b)[\w\s-]{3,60} (?:help|be useful"
        r"|be helpful|make (?:things|it) easier)\b",
        r"\b(?:would|could) (?:it|that) help (?:you )?(?:to have|if)\b",
    ],
)

_LEADING_ANYWHERE = _by_lang(
    fr=[
        r"\bn'est<H>ce pas\b",
        r"\bvous (?:etes|seriez|serez|etiez) (?:bien |sans doute |surement |certainement |forcement |tous )?"
        r"d'accord (?:avec moi )?(?:pour dire |pour reconnaitre |sur le fait )?(?:que|qu')",
        r"\bvous (?:etes|seriez|serez) (?:bien )?d'accord avec moi\b",
        r"\bon (?:est|sera|serait) (?:bien |tous )?d'accord (?:pour dire )?(?:que|qu')",
        r"\b(?:etes|seriez)<H>vous (?:bien )?d'accord (?:avec moi|pour dire|pour reconnaitre|que|qu')",
        r"\bvous (?:conviendrez|admettrez|reconnaitrez|avouerez)\b",
        r"(?:^|[,;:]\s*)(?:avouez|admettez|reconnaissez|convenez) (?:que|qu'|bien|avec moi)",
        r"\b(?:qui|personne) (?:ne |n')(?:voudrait|souhaiterait|veut|reve|aimerait|serait|refuserait|dirait)\b",
        r"\bqui (?:refuserait|dirait non|irait contre)\b",
        r"\bcomment ne pas\b",
        r"\bvous ne (?:pensez|trouvez|croyez|diriez|voyez) pas (?:que|qu')",
        r"\bne (?:pensez|trouvez|croyez|diriez|voyez)<H>vous pas\b",
    ],
    en=[
        r"\bdon't you (?:think|agree|feel|believe|see|want|find)\b",
        r"\bdo you not (?:think|agree|feel|believe|see|want)\b",
        r"\bwouldn't you (?:agree|say|like|want|prefer|think|rather)\b",
        r"\bwould you not (?:agree|say)\b",
        r"\bisn't it (?:true|clear|obvious|fair|reasonable|better|time|a fact)\b",
        r"\bis it not (?:true|clear|obvious|fair|better)\b",
        r"\bsurely (?:you|we|this|that|it|the|there|nobody|no one|your|everyone|anyone)\b",
        r"\byou(?:'d| would| will|'ll)? (?:surely |certainly |obviously |of course |probably )?"
        r"agree (?:that|with me)\b",
        r"\byou (?:must|have to|'ve got to|got to) (?:admit|agree|see|realise|realize|recognise|recognize)\b",
        r"\bwho (?:wouldn't|would not|doesn't|does not|would ever) (?:want|like|love|prefer|agree|refuse|say no)\b",
        r"\bhow could (?:you|anyone) (?:not|refuse|say no|argue)\b",
        r"\bwhy wouldn't you\b",
        r"\badmit (?:it|that)\b",
        r"\bwe both know\b",
        r"\byou know (?:very well|full well|as well as i do)\b",
    ],
)
_LEADING_WHEN_ASKED = _by_lang(
    fr=[
        r"\bvous ne (?:pensez|trouvez|croyez|voulez|souhaitez|aimeriez|voudriez|seriez|trouveriez|penseriez"
        r"|croiriez|imaginez|allez) pas\b",
        r"\bvous n'(?:etes|allez|auriez|aimeriez|avez) pas (?:d'accord|envie|interet|me dire|peur)\b",
        r"(?:^|[,;:]\s*)(?:ne |n')(?:\w+ ){0,2}?[a-z']+-(?:t-)?(?:vous|il|elle|on|nous|ils) (?:\w+ )?pas\b",
        r"(?<!^)\b(?:bien sur|forcement|evidemment|surement|certainement|naturellement|sans aucun doute"
        r"|sans doute|de toute evidence|assurement)\b",
        r"\bvous (?:voyez|savez|comprenez|imaginez|sentez) bien (?:que|qu')",
        r"\bil (?:est|serait|parait) (?:evident|clair|logique|dommage|absurde|indispensable)\b",
        r"\bc'est (?:quand meme|tout de meme|evidemment|clairement|forcement)\b",
        r"\b(?:quand meme|tout de meme)\b",
        r"^(?:(?:et|mais|alors|donc),? )?pourquoi (?:est-ce que )?(?:vous )?(?:ne |n')[^?]*\bpas\b",
        r"\b(?:je suppose|j'imagine|je presume|je pars du principe) (?:que|qu')",
        r"\b(?:simplement|juste)\b.*\b(?:c'est bien (?:ca|cela)|non|pas vrai)\s*\?",
    ],
    en=[
        r"^(?:(?:so|and|but|well|now|ok|okay),? )?(?:isn't|aren't|don't|doesn't|wouldn't|won't|can't"
        r"|shouldn't|haven't|hasn't|didn't|couldn't|wasn't) (?:it|that|this|you|we|there|they|your|the)\b",
        r"\b(?:obviously|of course|clearly|naturally|certainly|undoubtedly)\b",
        r"\byou (?:surely|certainly|obviously|must) (?:want|need|agree|see|know|realise|realize|understand)\b",
        r"\bisn't that (?:true|right|clear|obvious|better|what|so|fair)\b",
        r"\byou(?:'d| would) (?:surely |certainly )?agree\b",
        r"\bwhy (?:don't|didn't|won't|wouldn't|haven't|aren't) you\b",
        r"\bi (?:guess|assume|suppose|presume|take it)\b",
        r"\b(?:simply|just)\b.*\b(?:is that right|right|isn't it|no)\s*\?",
    ],
)
_LEADING_TAG = _by_lang(  # "..., non ?", "..., right?", "..., don't you?"
    fr=[
        r"(?:,\s*|(?<!\bou)\s)(?:non|pas vrai|hein|vrai|oui ou non|j'imagine|je suppose|je presume|j'espere)\s*\?"
    ],
    en=[
        r",\s*(?:right|no|yes|yeah|surely|i suppose|i imagine|i hope|isn't it|aren't you|aren't they|aren't we"
        r"|don't you|don't they|don't we|doesn't it|won't you|won't it|wouldn't it|wouldn't you|can't you|can't we|haven't you"
        r"|hasn't it|didn't you|didn't it|wasn't it|weren't you|shouldn't we|shouldn't you|isn't that so"
        r"|don't you agree)\s*\?",
        r",\s*(?:is|are|was|were|do|does|did|has|have|had|will|would|can|could|should|shall)(?:n't)?"
        r" (?:it|you|we|they|he|she|there|i|that)\s*\?"
    ],
)


def _is_suggestion(s: _Sentence) -> bool:
    return _has(_SUGGESTION, s, negatable=False)  # "pourquoi ne pas" carries its own "ne pas"


def _is_leading(s: _Sentence) -> bool:
    if _has(_LEADING_ANYWHERE, s, negatable=False):
        return True
    if not s.question:
        return False
    if _has(_LEADING_WHEN_ASKED, s, negatable=False):
        return True
    return _has(_LEADING_TAG, s, negatable=False) and not _is_reformulation(s)


_OPEN_NOT_A_QUESTION = {  # removed before looking for interrogative words
    "fr": re.compile(
        r"\b(?:c'est|voila|voici|c'est donc|voila donc) pourquoi\b|\bn'importe (?:quel\w*|quoi|comment|qui|où"
        r"|quand|lequel\w*)\b|\bquoi qu'il\b|\bquel(?:le)?s? que soi\w*\b|\btel(?:le)?s? quel(?:le)?s?\b"
        r"|\bje ne sais pas (?:comment|pourquoi|quoi|quel\w*|combien)\b|\bpourquoi ne pas\b"
    ),
    "en": re.compile(
        r"\bwhat (?:you're|you are|you|i'm|i am|i|we're|we are|we)(?: really| actually| just)? (?:saying|say|said"
        r"|mean|meant|hearing|hear|heard|understand|understood|propose|suggest|recommend|need is|want is"
        r"|offer|'re offering|are offering)\b|\b(?:that's|that is|this is|which is|here's|here is|here are)"
        r" (?:why|how|what|where|when)\b|\bno matter (?:what|how|who|which|where|when)\b|\bwhat's more\b"
        r"|\bi don't know (?:how|what|why|who|which|where|when)\b"
    ),
}
_PREP_FR = r"(?:(?:a|avec|pour|de|par|chez|sur|aupres de|selon|d'apres|entre)\s+)?"
_OPEN_WORDS = _by_lang(
    fr=[
        r"\bcomment\b",
        r"\bpourquoi\b",
        r"\bcombien\b",
        r"\bquoi\b",
        r"\bquel(?:le)?s?\b",
        r"<CS>" + _PREP_FR + r"(?:lequel|laquelle|lesquel(?:le)?s|auquel|auxquel(?:le)?s|duquel)\b",
        r"\bqu'est<H>ce\b",
        r"<CS>(?:que|qu')\s*(?:\w+\s+){0,2}?[a-z]+-(?:t-)?(?:vous|tu|il|elle|on|ils|elles|nous)\b",
        r"<CS>" + _PREP_FR + r"qui\b",
        r"\bqui\s*\?",
        r"\bc'est qui\b",
        r"<CS>(?:(?:depuis|jusqu'a|a partir de|pour|de|d'ici)\s+)?quand\b",
        r"\bquand\s*\?",
        r"\bc'est quand\b",
        r"<CS>(?:d'|par |jusqu')?où\b",
        r"\b(?:d'|par |jusqu')où\b",
        r"\boù\s*\?",
        r"\bc'est où\b",
        r"\b(?:où|quand|qui) (?:exactement|precisement|donc|actuellement|aujourd'hui|en general|en ce moment)\b",
    ],
    en=[
        r"<CS>(?:(?:in|on|to|for|from|with|at|by|of|about|under|since|through|towards?)\s+)?"
        r"(?:what|who|whom|whose|how|why|which|where|when)\b",
        r"\b(?:what|why|how|who|whom|where|when|which one)\s*\?",
    ],
)
_INFO_VERBS_FR = (
    r"(?:decrire|expliquer|detailler|preciser|raconter|presenter|parler|dire|en dire|partager|indiquer"
    r"|eclairer|donner|communiquer|faire part|expliciter|developper|illustrer|citer|resumer|montrer comment)"
)
_OBJ_FR = r"(?:me |m'|nous |m'en |nous en |en |lui )?"
_OPEN_REQUEST = _by_lang(
    fr=[
        r"\b(?:pouvez|pourriez|voudriez|pourrais|peux|voudrais|accepteriez)<H>(?:vous|tu) " + _OBJ_FR + _INFO_VERBS_FR,
        r"\bvous (?:pouvez|pourriez|voulez bien|voudriez bien) " + _OBJ_FR + _INFO_VERBS_FR,
        r"<CS>(?:parlez|dites|decrivez|expliquez|racontez|presentez|detaillez|precisez|partagez|montrez)"
        r"<H>(?:moi|nous)\b",
        r"<CS>(?:dites|parlez)<H>m'en\b",
        r"^(?:decrivez|detaillez|expliquez|racontez|presentez|precisez)\b",
        r"\bj'aimerais (?:bien |beaucoup )?(?:mieux )?(?:comprendre|savoir|connaitre|en savoir|entendre"
        r"|que vous me (?:parliez|decriviez|expliquiez|racontiez|disiez|presentiez|detailliez))\b",
        r"\bje (?:voudrais|souhaiterais|souhaite|veux|serais curieux de|serais curieuse de) (?:bien )?(?:mieux )?"
        r"(?:comprendre|savoir|connaitre|en savoir)\b",
        r"\bje me demande (?:comment|pourquoi|combien|quel|ce qui|ce que|qui|où|quand|en quoi|dans quelle)\b",
        r"\baidez<H>moi a (?:mieux )?(?:comprendre|voir)\b",
    ],
    en=[
        r"\b(?:can|could|would|will) you (?:please |perhaps |maybe |kindly )?(?:tell|explain|describe|walk"
        r"|talk|take|share|clarify|elaborate|detail|outline|expand|give me|help me understand|say more"
        r"|run me through|paint)\b",
        r"<CS>(?:please )?(?:tell me|walk me through|talk me through|take me through|run me through|describe"
        r"|explain|help me understand|give me (?:an overview|an idea|a sense|a picture|more detail|some detail"
        r"|an example)|share with me|say more|elaborate)\b",
        r"\bi(?:'d| would) (?:really )?(?:like|love|want) to (?:better )?(?:understand|know|hear|learn|find out)\b",
        r"\bi(?:'m| am) (?:curious|interested) (?:about|to (?:know|hear|understand|learn)|how|what|why)\b",
        r"\bi (?:want|need) to (?:understand|know)\b",
        r"\bi(?: wonder|'m wondering| am wondering) (?:how|what|why|who|which|where|when)\b",
        r"\bdo you (?:know|have any idea) (?:what|how|why|who|where|when|which)\b",
        r"\b(?:may|can|could) i ask (?:how|what|why|who|which|where|when)\b",
    ],
)
_YES_NO_AFTER_REQUEST = re.compile(r"^\s*(?:me |us |moi |nous )?(?:si\b|s'il\b|s'ils\b|if\b|whether\b)")
_BARE_AFTER_REQUEST = re.compile(r"^\s*(?:[,.!?]|$)")  # "Dites-moi, vous avez un budget ?"


def _open_request(s: _Sentence) -> bool | None:
    """True: a request for information; False: a yes/no request ("dites-moi si..."); None: neither."""
    for lang in s.langs:
        for pattern in _OPEN_REQUEST[lang]:
            for m in pattern.finditer(s.norm):
                if _negated(s.norm, m.start(), m.end(), lang):
                    continue
                after = s.norm[m.end() :]
                if _YES_NO_AFTER_REQUEST.match(after):
                    return False
                if _BARE_AFTER_REQUEST.match(after) and re.search(r"(?:moi|nous|tell me)$", m.group()):
                    continue
                return True
    return None


def _has_open_word(s: _Sentence) -> bool:
    for lang in s.langs:
        norm = _OPEN_NOT_A_QUESTION[lang].sub(" ", s.norm)
        if any(p.search(norm) for p in _OPEN_WORDS[lang]):
            return True
    return False


def _question_moves(s: _Sentence) -> set[Move]:
    if _is_suggestion(s):
        return set()
    if _is_leading(s):
        return {Move.leading_question}
    request = _open_request(s)
    if request:
        return {Move.open_question}
    if not s.question:
        return set()
    if _is_rhetorical_statement(s):
        return set()
    if request is None and _has_open_word(s):
        return {Move.open_question}
    return {Move.closed_question}


_RHETORICAL_STATEMENT = _by_lang(  # "Saviez-vous que ...?" presents a fact, it asks nothing
    fr=[r"\b(?:le )?saviez<H>vous\b", r"\bvous saviez que\b", r"^imaginez\b"],
    en=[r"\bdid you know\b", r"\byou know that\b", r"^imagine\b"],
)


def _is_rhetorical_statement(s: _Sentence) -> bool:
    return _has(_RHETORICAL_STATEMENT, s, negatable=False)


_SELF_ANSWER = re.compile(  # what opens the candidate's own answer to the question just asked
    r"^(?:c'est simple|tout simplement|simple|la reponse|reponse\b|eh bien|et bien|grace a|it's simple|simply"
    r"|simple|the answer|answer\b|well,|thanks to)"
)
_WHY_ANSWERED = re.compile(r"^(?:parce qu|because\b)(?! ?e? sinon| otherwise)")
_FRAGMENT_OPENING = re.compile(
    r"^(?:le|la|les|l'|notre|nos|mon|ma|mes|son|sa|ses|leur|leurs|un|une|du|the|our|my|a|an|their|its)\b"
)
_ADDRESSES_LISTENER = re.compile(r"\b(?:vous|you|tu)\b|-vous\b")


def _drop_rhetorical_questions(sentences: list[_Sentence], found: list[set[Move]]) -> None:
    """A question the candidate answers at once is a figure of speech, not a question."""
    for i, s in enumerate(sentences[:-1]):
        nxt = sentences[i + 1]
        if not s.question or nxt.question or not found[i] & {Move.open_question, Move.closed_question}:
            continue
        words = s.norm.rstrip(" ?!.").split()
        why = re.match(r"^(?:(?:et|mais|alors|and|but|so),? )?(?:pourquoi|why)\b", s.norm)
        answered = bool(_SELF_ANSWER.match(nxt.norm) or (why and _WHY_ANSWERED.match(nxt.norm)))
        fragment = (
            len(words) <= 4 and _FRAGMENT_OPENING.match(s.norm) and not _ADDRESSES_LISTENER.search(s.norm)
        )
        if answered or fragment:
            found[i] -= {Move.open_question, Move.closed_question}


# ---------------------------------------------------------------------------------------------------
# Reformulation, summary
# ---------------------------------------------------------------------------------------------------

_REFORMULATION = _by_lang(
    fr=[
        r"\bsi je (?:vous )?comprends bien\b",
        r"\bsi j'ai bien (?:compris|saisi|entendu|suivi)\b",
        r"\bsi je vous (?:suis|entends) bien\b",
        r"\bsi je vous ai bien (?:compris|suivi|entendu)\b",
        r"\bsi j'entends bien\b",
        r"\bsi je (?:resume|reformule|traduis) (?:bien )?(?:votre|vos|ce que vous)\b",
        r"\bautrement dit\b",
        r"\ben d'autres (?:termes|mots)\b",
        r"\bvous voulez dire (?:que|qu')",
        r"\bce que j'entends\b",
        r"\bce que je (?:comprends|retiens|percois),? c'est\b",
        r"\bsi je reformule\b",
        r"\bvous etes en train de me dire\b",
        r"\bce que vous me dites,? c'est\b",
        r"\bje (?:verifie|m'assure|veux etre sur|voudrais etre sur) (?:que|d'avoir) (?:j'ai )?bien (?:compris|suivi|saisi)\b",
        r"\b(?:pour|je) reformule[rz]?\b",
        r"\bvous me dites (?:donc )?(?:que|qu')",
        r"\bvous (?:etes en train de dire|dites donc) (?:que|qu')",
        r"\bd'apres ce que vous (?:dites|me dites|m'avez dit|avez dit)\b",
        r"\bc'est bien (?:ca|cela)\b",
        r"\best<H>ce bien (?:ca|cela)\b",
        r"\bai<H>je bien compris\b",
        r"\bj'ai bien compris\s*\?",
        r"\bje me trompe\s*\?",
        r"\bcorrigez<H>moi si je me trompe\b",
        r"\bdonc,? pour vous,",
        r"\bpour vous,? (?:l'essentiel|le plus important|la priorite|l'enjeu|le vrai sujet|le probleme),? c'est\b",
        r"\bvotre (?:priorite|preoccupation|inquietude|crainte|besoin|enjeu|probleme)(?: principale?| premiere?)?,?"
        r" (?:c'est|est donc|serait)\b",
    ],
    en=[
        r"\bif i (?:understand|understood|hear|heard|follow|followed|get|got)(?: you| this| that| it)?"
        r" (?:correctly|right|well|properly)\b",
        r"\bif i'm (?:hearing|understanding|following|reading) you (?:correctly|right)\b",
        r"\bif i'?ve understood(?: you)? (?:correctly|right)\b",
        r"\bso what you're saying\b",
        r"\bwhat you're (?:saying|telling me) is\b",
        r"\bwhat (?:i'm|i am) hearing\b",
        r"\bwhat i hear (?:is|you)\b",
        r"\bwhat i understand is\b",
        r"\bas i understand it\b",
        r"\bso you're saying\b",
        r"\bin other words\b",
        r"\blet me (?:rephrase|reformulate|paraphrase|make sure i (?:understand|understood|got|get))\b",
        r"\bto (?:rephrase|paraphrase)\b",
        r"\bto put it (?:another way|differently)\b",
        r"\b(?:so|do) you mean (?:that|to say)\b",
        r"\bso you mean\b",
        r"^(?:<CS>)?you mean (?:that )?(?:the|your|you|it|this|there)\b",
        r"\bif i follow you\b",
        # checking one's understanding before saying it back: "If I've got this right, ...", "Let me check I've understood:"
        r"\bif i(?:'ve| have)? (?:got|get|understood|followed) (?:this|that|it|you|everything) (?:right|correctly)\b",
        r"\blet me (?:check|see|make sure)(?: if| that)? i(?:'ve| have)? (?:got|understood|understand|heard|followed)"
        r"(?: (?:this|that|it|you|everything))?(?: right| correctly)?\s*[,:]",
        r"^(?:<CS>)?(?:so )?you(?:'re| are) telling me\b",
        r"\bcorrect me if i'm wrong\b",
        r"\bam i right in (?:thinking|saying|understanding)\b",
        r"\b(?:did|have) i (?:got|get|understood|understand) (?:that|this|it|you) (?:right|correctly)\b",
        r"\bis that (?:right|correct)\s*\?",
        r"\bso,? for you,",
        r"\bfor you,? the (?:key|main|real|most important) (?:issue|point|concern|thing|priority) is\b",
    ],
)
_SUMMARY = _by_lang(
    fr=[
        r"\bpour (?:resumer|recapituler|conclure|synthetiser|faire (?:court|simple|la synthese))\b",
        r"\ben (?:resume|synthese|conclusion|somme|bref)\b",
        r"\b(?:recapitulons|resumons|synthetisons)\b",
        r"\bsi (?:je|l'on|on) (?:resume|recapitule|fait la synthese|fais la synthese)\b",
        r"\bje (?:resume|recapitule)\b",
        r"\b(?:faisons|je fais) (?:la synthese|un recapitulatif|le recapitulatif)\b",
        r"\b(?:nous sommes|on est) (?:donc |bien |maintenant )?d'accord sur\b",
        r"\bnous nous sommes (?:donc |bien )?mis d'accord sur\b",
        r"\bnous avons (?:donc |bien )?(?:convenu|acte|valide ensemble)\b",
        r"\bce que nous avons (?:decide|convenu|retenu|acte)\b",
        r"\b(?:on|nous) reti(?:ent|enons) donc\b",
        r"\bvoici ce que nous avons (?:convenu|retenu|decide)\b",
        r"\bpoint par point\b",
    ],
    en=[
        r"\bto (?:sum up|summari[sz]e|recap|conclude|wrap up|sum it up|recapitulate)\b",
        r"\bin (?:summary|short|conclusion|a nutshell|sum)\b",
        r"\blet me (?:sum up|summari[sz]e|recap|recapitulate|wrap up)\b",
        r"\blet's (?:recap|sum up|summari[sz]e|wrap up|recapitulate)\b",
        r"\bsumming up\b",
        r"\b(?:quick )?recap\b",
        r"\bso,? we(?:'re| are)? (?:all )?agreed? (?:on|that)\b",
        r"\bwe(?:'ve| have)? agreed (?:on|to|that)\b",
        r"\bso we agree\b",
        r"\bwhat we(?:'ve| have)? agreed (?:on|is)\b",
    ],
)


def _is_reformulation(s: _Sentence) -> bool:
    return _has(_REFORMULATION, s)


# ---------------------------------------------------------------------------------------------------
# Quantified argument
# ---------------------------------------------------------------------------------------------------

_NUM = r"(?<![\w.,])\d+(?:[ .,]\d{3})*(?:[.,]\d+)?"
_WORD_NUM = (
    r"\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt"
    r"|trente|quarante|cinquante|soixante|cent|mille|two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)"
    r"(?:[- ](?:et[- ])?(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|vingt|cent|mille|one|two"
    r"|three|four|five|six|seven|eight|nine|hundred|thousand))*"
)
_MONTHS = (
    r"(?:janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|january"
    r"|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun"
    r"|jul|aug|sep|sept|oct|nov|dec)"
)
_MONEY = (
    r"(?:(?:k|m|md|mds|mrd|bn|mn|mille|millions?|milliards?|thousand|million|billion)\s?(?:d'|de |of )?)?"
    r"(?:€|eur\b|euros?\b|\$|usd\b|dollars?\b|£|gbp\b|pounds?\b|chf\b)|k€|keur\b|meur\b|k\b|ke\b"
)
_PERCENT_WORDS = r"%|pour ?cents?\b|pourcents?\b|percent\b|per cent\b"
_PERCENT = (
    _PERCENT_WORDS + r"|pts?\b|(?:percentage )?points? (?:de |of )?(?:marge|margin|pourcentage|percentage"
    r"|croissance|growth|part de marche|market share|nps|remise|discount)"
)
_DURATION = (
    r"jours?\b|j\b|days?\b|semaines?\b|weeks?\b|mois\b|months?\b|heures?\b|h\b|hours?\b|hrs?\b|ans\b"
    r"|annees?\b|years?\b|trimestres?\b|quarters?\b"
)
_COUNT = (
    r"tonnes?\b|tons?\b|kg\b|kilos?\b|litres?\b|liters?\b|m2\b|m²|m3\b|km\b|unites?\b|units?\b|pieces?\b"
    r"|pcs\b|palettes?\b|pallets?\b|colis\b|parcels?\b|references?\b|skus?\b|commandes?\b|orders?\b"
    r"|clients?\b|customers?\b|sites?\b|magasins?\b|stores?\b|points de vente\b|salaries\b|employees\b"
    r"|collaborateurs\b|personnes\b|people\b|etp\b|fte\b|licences?\b|licenses?\b|utilisateurs\b|users\b"
    r"|livraisons?\b|deliveries\b|camions?\b|trucks?\b|agences?\b|branches\b|interventions?\b"
)
_SHORT_TIME = r"minutes?\b|min\b|secondes?\b|seconds?\b|sec\b"
_FIGURE_MASKS = tuple(
    re.compile(p)
    for p in (
        r"\b(?:articles?|art\.?)\s*[lrd]?\.?\s?\d[\d.\-]*",  # legal article numbers
        r"\b[lrd]\.?\s?\d{3}-\d+(?:-\d+)?\b",
        r"(?:\+\d{1,3}\s?(?:\(0\)\s?)?\d(?:[\s.-]?\d{2}){4})|(?<!\d)0\d(?:[\s.-]?\d{2}){4}(?!\d)",  # phones
        r"\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b",
        r"\b\d{4}-\d{2}-\d{2}\b",  # dates
        r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\b\d{1,2}-\d{1,2}-\d{2,4}\b",
        r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b",
        r"\b\d{1,2}(?:er|e|st|nd|rd|th)?\s+(?:de )?" + _MONTHS + r"\b(?:\s+\d{4})?",
        r"\b" + _MONTHS + r"\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+\d{4})?",
        r"\b(?:19|20)\d{2}\b(?!\s?(?:%|€|k€|k\b|euros?|eur\b|\$|dollars?|units?|unites?|clients|pieces|tonnes))",
        r"\b\d{1,2}\s?[:h]\s?\d{2}\b",  # times of day
        r"\b\d{1,2}\s?(?:am|pm|a\.m\.|p\.m\.|o'clock)",
        r"\b(?:a|vers|des|avant|apres|jusqu'a|entre|at|around|before|after|until|till)\s+\d{1,2}\s?(?:h|heures?)\b",
        rf"\bil y a (?:\d+|{_WORD_NUM})\s?\w+",  # "three months ago" is a story, not an argument
        rf"(?:\b\d+|{_WORD_NUM})\s?\w+ ago\b",
        r"\b\d+(?:er|ere|e|eme|st|nd|rd|th)\b",  # ordinals
        r"\b(?:page|numero|n°|no\.|version|etape|step|option|ligne|line|piste)\s?\d+",
        r"#\d+",
    )
)
_UNIT_FIGURE = re.compile(
    rf"(?:{_NUM})\s?(?:{_MONEY}|{_PERCENT}|{_COUNT})"
    rf"|(?:€|\$|£)\s?\d"
    rf"|(?:{_NUM}|{_WORD_NUM})\s?(?:{_PERCENT_WORDS}|euros?\b|dollars?\b)"
    r"|\bx\s?\d+(?:[.,]\d+)?\b|\b\d+(?:[.,]\d+)?\s?x\b"
)
_DURATION_FIGURE = re.compile(rf"(?:{_NUM})\s?(?:{_DURATION})")
_WORDED_DURATION_FIGURE = re.compile(rf"(?:{_WORD_NUM})\s?(?:{_DURATION})")
_SHORT_TIME_FIGURE = re.compile(rf"(?:{_NUM}|{_WORD_NUM})\s?(?:{_SHORT_TIME})")
_GAIN_CONTEXT = re.compile(
    r"\b(?:gagn\w*|gain\w*|econom\w*|save[sd]?|saving\w*|faster|plus rapide\w*|moins|less|fewer|reduit\w*"
    r"|reduire|reduce[sd]?|cut|instead|au lieu|contre|versus|vs|par (?:commande|jour|semaine|colis|operateur"
    r"|ticket|appel)|per (?:order|day|week|parcel|ticket|operator|call))\b"
)
_COMPARATIVE_MULTIPLIER = re.compile(
    rf"(?:{_NUM}|{_WORD_NUM}) (?:fois|times) (?:plus|moins|mieux|more|less|fewer|faster|cheaper|better|as)\b"
    r"|\b(?:twice|half) as\b|\b(?:divise|multiplie|divided|multiplied)e?s? par (?:deux|trois|quatre|dix|\d+)\b"
    r"|\b(?:halved|doubled|tripled)\b"
    r"|\b(?:deux|trois) fois (?:plus|moins)\b"
)
_FIGURE_COMPARISON = re.compile(
    rf"{_NUM}[^?!]{{0,40}}?\b(?:contre|versus|vs\.?|au lieu de|instead of|compared (?:to|with)|par rapport a)"
    rf"\s+(?:\w+\s+){{0,3}}?{_NUM}"
    rf"|\b(?:de|from) {_NUM} (?:a|to) {_NUM}\b(?=.*\b(?:pass|redui|reduc|baiss|augment|descend|go|went|drop"
    r"|fell|fall|cut|increas|grow|grew|ris|rose|improv|amelior|gagn))"
)
_KPI = re.compile(
    r"\b(?:roi|retour sur investissement|payback|rentabilis\w*|amorti\w*|break-?even|point mort|marge|margin"
    r"|taux de \w+|nps|chiffre d'affaires|turnover|revenue)\b"
)
_BARE_NUMBER = re.compile(_NUM)
_ARGUMENT_LINK = {  # what turns a figure into an argument: a cause, a consequence, a comparison, a gain
    "fr": re.compile(
        r"\b(?:parce qu|car\b|donc\b|ainsi\b|grace a|puisqu|ce qui (?:\w+ )?\w+|cela (?:represente|signifie"
        r"|permet|fait|vous fera|equivaut)|ca (?:represente|fait|vous fait)|contre\b|au lieu de|par rapport a"
        r"|alors que|tandis que|seulement\b|seule?s?\b|autant que|de moins\b|de plus que|moins cher|plus cher|(?:plus|moins"
        r"|mieux) (?:\w+ ){0,2}(?:que|qu')|redui\w*|diminu\w+|baiss\w+|econom\w+|gagn\w+|gain\w*|amelior\w+"
        r"|augment\w+|pass\w* (?:de|a)\b|tomb\w* a\b|recul\w*|liber\w+|rapport\w+|rentab\w+|retour (?:sur|en)\b"
        r"|point mort|amorti\w*|roi\b|cree\w*|gener\w+|permet\w*|evit\w+|plafonn\w+|nous (?:livrons|garantissons"
        r"|equipons|servons|accompagnons|tenons|assurons)|nos clients|vous (?:gagnez|economisez|reduisez|evitez"
        r"|recuperez)|(?:sous|en moins de|en) \d+ ?(?:h|heures|jours|semaines)\b)"
        r"|%\s*(?:plus|moins|de plus|de moins|d'economies?|de gain)\b"
    ),
    "en": re.compile(
        r"\b(?:because|therefore|thus|thanks to|which (?:\w+ )?\w+s\b|that (?:means|represents|saves)|this"
        r" (?:means|represents|saves|keeps|gives)|against|instead of|compared|versus|vs\b|whereas|while\b"
        r"|only\b|than\b|as much as|(?:more|less) expensive|cheaper|cut\w*|reduc\w+|lower\w*|sav\w+|gain\w*"
        r"|improv\w+|increas\w+|ris\w+ (?:to|by)|fall\w* (?:to|by)|drop\w*|goes down|go down|frees?|brings? in"
        r"|payback|pays? (?:for itself|back)|break-even|roi\b|return on|creat\w+|generat\w+|enables?|allows?"
        r"|helps?|avoids?|caps?\b|capped|we (?:deliver|guarantee|equip|serve|support|commit)|our (?:clients"
        r"|customers)|you (?:save|gain|cut|avoid|get back)|(?:within|in less than|in under) \d+ (?:hours?|days?"
        r"|weeks?))"
        r"|%\s*(?:more|less|fewer|lower|higher|cheaper|savings?)\b"
    ),
}
_RHETORICAL_FACT = re.compile(
    r"\b(?:le )?saviez" + _H + r"vous\b|\bvous saviez que\b|\bdid you know\b|\bimagine[zr]?\b"
)
_QUESTION_CLAUSE = re.compile(
    r"^(?:et |mais |alors |donc |and |but |so )?(?:est-ce|est ce|qu'|que |qui |quel|quand|comment|pourquoi"
    r"|combien|où|[a-z]+-(?:t-)?(?:vous|il|elle|on|tu|nous)\b|vous |tu |c'est |ca |cela |what|who|how|why"
    r"|which|where|when|do |does |did |are |is |can |could |would |will |have |has |should |shall |may "
    r"|isn't|aren't|don't|doesn't|wouldn't|you |any )"
)


def _statement_part(s: _Sentence) -> str:
    """The part of a sentence that states something (a question asks; it argues nothing)."""
    if not s.question or _RHETORICAL_FACT.search(s.norm):
        return s.norm
    clauses = re.split(r",\s*|\s-\s|:\s*", s.norm)
    if len(clauses) > 1 and _QUESTION_CLAUSE.match(clauses[-1]):
        return ", ".join(clauses[:-1])
    return ""


def _mask_non_figures(norm: str) -> str:
    for mask in _FIGURE_MASKS:
        norm = mask.sub(" # ", norm)
    return norm


def _is_quantified_argument(s: _Sentence, scheduling: bool) -> bool:
    """A figure that argues: compared, or tied to a cause, a consequence or a gain (a list of figures is not)."""
    text = _mask_non_figures(_statement_part(s))
    if not text:
        return False
    if _COMPARATIVE_MULTIPLIER.search(text) or _FIGURE_COMPARISON.search(text):
        return True
    figure = (
        _UNIT_FIGURE.search(text)
        or (not scheduling and (_DURATION_FIGURE.search(text) or _WORDED_DURATION_FIGURE.search(text)))
        or (_SHORT_TIME_FIGURE.search(text) and _GAIN_CONTEXT.search(text))
        or (_KPI.search(text) and _BARE_NUMBER.search(text))
    )
    return bool(figure) and any(_ARGUMENT_LINK[lang].search(text) for lang in s.langs)


# ---------------------------------------------------------------------------------------------------
# Concessions: conditional (tied to a counterpart) and unconditional
# ---------------------------------------------------------------------------------------------------

_COUNTERPART = _by_lang(  # words that tie what we give to what the other side gives
    fr=[
        r"\ba (?:la )?condition (?:que|qu'|de|d'|expresse)",
        r"\ben contrepartie\b",
        r"\b(?:quelle|quelles|une|des|vos|votre|sa|la) contreparties?\b",
        r"\ben echange (?:de|d'|du|des|,|\.|$)",
        r"\ben echange\b(?! de vues)",
        r"\ben retour,",
        r"\bmoyennant\b",
        r"\bsous reserve (?:que|qu'|de votre|de vos|d'un engagement|d'une commande)",
        r"\bpourvu que\b",
        r"\bdonnant<H>donnant\b",
        r"\bsi et seulement si\b",
        r"\bpour autant que\b",
        r"\bdes lors que (?:vous|votre|vos|le|la|les|l'|nous (?:recevons|avons|disposons))\b",
        r"\bpour peu que\b",
        r"\bsi tant est que\b",
        r"\ba charge pour vous de\b",
        r"\bdans la mesure ou (?:vous|votre|vos)\b",
        r"\bsous reserve (?:d'un|d'une|de la|du|des) (?:\w+ )?(?:engagement|commande|signature|volume|acompte|contrat)",
        r"\bcontre (?:un|une|votre|vos|l'|le|la) (?:\w+ )?(?:engagement|commande|signature|exclusivite|contrat"
        r"|acompte|previsions?|volume|garantie de volume)\b",
    ],
    en=[
        r"\bprovid(?:ed|ing)(?: that)? (?:you|your|we|the|a)\b",
        r"\bprovided that\b",
        r"\bon (?:the )?condition (?:that|of)\b",
        r"\bin (?:exchange|return)\b",
        r"\b(?:as|so) long as (?:you|your|the (?:volume|order|commitment|contract)|we (?:get|receive|have))\b",
        r"\bassuming (?:that )?(?:you|your)\b",
        r"\b(?:contingent|conditional) (?:up)?on (?:you|your|a|an|the)\b",
        r"\bin return for (?:a|an|your|the)\b",
        r"\bonly if you\b",
        r"\bif and only if\b",
        r"\bsubject to (?:your|a|an|the) (?:\w+ )?(?:commitment|signature|order|volume|agreement|minimum|renewal)\b",
        r"\bquid pro quo\b",
        r"\bon the understanding that\b",
        r"\bwhat (?:can|could|would|will) you (?:give|offer|do for) us\b",
        r"\bagainst (?:a|an|your|the) (?:\S+ )?(?:commitment|order|signature|exclusivity|contract|deposit)\b",
    ],
)
_NOTHING_IN_RETURN = _by_lang(
    fr=[
        r"\bsans (?:aucune |la moindre )?contrepartie\b",
        r"\bsans rien (?:demander|exiger) en (?:retour|echange)\b",
        r"\brien en (?:retour|echange)\b",
    ],
    en=[
        r"\bnothing in (?:return|exchange)\b",
        r"n't (?:need|want|ask for|expect|require) anything in (?:return|exchange)\b",
        r"\bwithout (?:anything|asking (?:for )?anything) in return\b",
        r"\bno strings attached\b",
        r"\bwith nothing in return\b",
        r"\bfor nothing in return\b",
    ],
)
_IF_YOU = _by_lang(
    fr=[r"(?<![\w'])(?:si|s') ?(?:vous|votre|vos)\b", r"\b(?:a moins que|sauf si) (?:vous|votre|vos)\b"],
    en=[r"\b(?:if|unless) (?:you|your)\b"],
)
_IF_YOU_NOT_A_COUNTERPART = {  # "si vous avez des questions", "I wonder if you", "if you had read"
    "fr": re.compile(
        r"^(?:vous |votre |vos )?(?:avez (?:des|d'autres|la moindre|une|quelques) (?:questions?|doutes?|remarques?"
        r"|inquietudes?|besoins?|interrogations?)|avez (?:besoin|le temps|un moment|une minute|un instant)"
        r"|le (?:souhaitez|voulez|desirez|permettez|preferez)|(?:le )?voulez(?: bien)?\b|(?:le )?souhaitez\b"
        r"|desirez\b|preferez\b|permettez\b|me permettez\b|etes (?:interesses?|d'accord|ok|satisfaite?s?|content"
        r"|mecontente?s?|disponibles?|libres?)\s*[,.?!]|n'etes pas (?:satisfaite?s?|content)|etes (?:interesses?"
        r"|satisfaite?s?)\b|regardez|comparez|considerez|calculez|faites le calcul|prenez en compte"
        r"|(?:aviez|etiez|auriez) (?:bien )?(?:lu|respecte|suivi|verifie|anticipe|commande|prevenu|signale|ete"
        r"|fait|pris|envoye|transmis|regarde|compris|ecoute|paye|regle|informe)\b)"
    ),
    "en": re.compile(
        r"^(?:you |your )?(?:have|'ve got|got) any (?:questions?|doubts?|concerns?|comments?)|^(?:you )?(?:want"
        r"|wish|like|prefer|would like|'d like|need (?:anything|help|more)|don't mind|please|are interested"
        r"|have (?:time|a moment|a minute)|agree,|ask me|think about it|look|compare|consider|check|see)\b"
        r"|^(?:you )?(?:had|'d) (?:read|followed|checked|respected|told|ordered|informed|paid|listened"
        r"|anticipated|been|done)\b"
    ),
}
_IF_NOT_A_CONDITION_BEFORE = re.compile(
    r"\b(?:wonder|wondering|ask|asking|asked|know|see|check|tell me|sure|unsure|doubt|curious|even|as|what"
    r"|demande|demander|savoir|sais|dites-moi|dire|voir|comme|meme|verifier|sur|curieux)\s*$"
)
_OFFER_VERB = _by_lang(  # what the candidate's side would give, in the main clause
    fr=[
        r"\b(?:nous |je |j'|on )(?:ne |n')?(?:vous |te )?(?:pouvons|pourrions|pourrons|peux|pourrais|pourrai|peut|pourrait"
        r"|pourra|accord\w+|ferons|ferai|ferions|ferais|offr\w+|consent\w+|accept\w+|baiss\w+|descend\w+"
        r"|prolong\w+|allong\w+|inclu\w+|ajout\w+|alignerons|alignerions|prendr\w+ en charge|serons en mesure"
        r"|serions en mesure|sommes prets|sommes disposes|suis pret|suis dispose|envisage\w*|etendr\w+|garanti\w+"
        r"|vous engage\w*|nous engage\w*|m'engage\w*)\b",
        r"\b(?:nous |je |j'|on )(?:vous )?(?:accorde|consens|offre|fais|propose|laisse)\b",
        r"\bje (?:suis|serais) (?:pret|prete|dispose|disposee|ouvert|ouverte) a\b",
        # "si vous vous engagez sur 24 mois, nous limitons la hausse à 3 %": any verb we commit to
        r"\bnous (?:vous |leur |lui )?(?!sommes\b|avons\b)[a-z]+(?:ons|rons)\b",
        r"\bje (?:vous )?[a-z]+rai\b",
    ],
    en=[
        r"\b(?:we|i)(?:'ll|'d| can| could| will| would| might| may| shall)\b",
        r"\b(?:we|i)(?:'re| are|'m| am) (?:prepared|willing|able|happy|ready|open) to\b",
        r"\b(?:we|i) (?:offer|give|grant|extend|lower|reduce|drop|include|throw in|match|waive|accept|agree|limit"
        r"|cap|keep|hold|freeze|cut|cover|absorb|move|go|add|deliver|guarantee)\b",
    ],
)


_IF_THEN_OFFER = _by_lang(  # "si Castelnau commande des camions complets, alors nous pouvons ..."
    fr=[r"(?<![\w'])si (?!je\b|j'|nous\b|on\b)[^,;:]{3,90}, alors (?:nous|je|j'|on) (?!ne\b|n')"],
    en=[r"\bif (?!i\b|we\b)[^,;:]{3,90}, then (?:we|i)\b(?!(?:'ll| will| can| could)? not\b| can't| won't)"],
)


def _expand_contraction(rest: str) -> str:
    for short, full in (("'re ", "are "), ("'ve ", "have "), ("'ll ", "will ")):
        if rest.startswith(short):
            return full + rest[len(short) :]
    return rest


def _counterpart_if_clause(s: _Sentence) -> bool:
    """An "if you ..." clause that asks something of the other side, next to what we would give."""
    for lang in s.langs:
        offers = [m for pattern in _OFFER_VERB[lang] for m in pattern.finditer(s.norm)]
        if not offers:
            continue
        granted = any(not _negated(s.norm, o.start(), o.end(), lang) for o in offers)
        for m in (m for pattern in _IF_YOU[lang] for m in pattern.finditer(s.norm)):
            unless = m.group().startswith(("a moins", "sauf", "unless"))
            if not (granted or unless):
                continue
            if not unless and _IF_NOT_A_CONDITION_BEFORE.search(s.norm[max(0, m.start() - 30) : m.start()]):
                continue
            if _IF_YOU_NOT_A_COUNTERPART[lang].match(_expand_contraction(s.norm[m.end() :].lstrip())):
                continue
            return True
    return False


def _refuses_without_counterpart(s: _Sentence) -> bool:
    """ "Je ne peux pas l'accorder sans contrepartie" states the condition (and gives nothing yet)."""
    return (
        _has(_NOTHING_IN_RETURN, s, negatable=False)
        and _has(_OFFER_VERB, s, negatable=False)
        and not _has(_OFFER_VERB, s)
    )


def _is_conditional_concession(s: _Sentence) -> bool:
    if _has(_NOTHING_IN_RETURN, s, negatable=False):  # "je vous l'accorde sans contrepartie" gives it away
        return _refuses_without_counterpart(s)
    return _has(_COUNTERPART, s) or _counterpart_if_clause(s) or _has(_IF_THEN_OFFER, s)


_FIGURE_GIVEN = r"\d+(?:[.,]\d+)? ?(?:%|pour ?cents?\b|percent\b|euros?\b|€|\$|dollars?\b|jours?\b|mois\b|days?\b|weeks?\b|months?\b|points?\b)"
_GIVEN_FR = (  # what a seller gives away
    r"(?:une |un |la |le |les |des |d'|de |du |vos |votre |ces |cette |encore )?(?:\S+ ){0,2}(?:(?:remise|rabais"
    r"|ristourne|reduction|geste|baisse|prix|tarif|delai|delais|livraison|frais|avoir|credit|gratuit\w*"
    r"|offert\w*|extension|allongement|echeance|escompte|penalites|conditions|effort|pourcentage)\b|"
    + _FIGURE_GIVEN + ")"
)
_GIVEN_EN = (
    r"(?:a |an |the |your |some |another |extra |an extra |additional |further )?(?:\S+ ){0,2}(?:(?:discount|rebate"
    r"|reduction|price cut|free|extension|credit|waiver|refund|gesture|better price|lower price|free delivery"
    r"|free shipping|terms)\b|" + _FIGURE_GIVEN + ")"
)
_PRICE_FR = (
    r"(?:(?:le |les |nos |notre |ce |du |mon |ma |mes |un peu (?:le |les )?)?(?:prix|tarifs?|facture|marge"
    r"|montant|devis|remise)\b|(?:de|a|jusqu'a) \d)"
)
_PRICE_EN = (
    r"(?:(?:the |our |my |that |this |your )?(?:price|prices|rate|rates|fee|fees|tariff|quote|invoice|bill"
    r"|unit price|list price)\b|it\b|(?:to|by) \d|\d|(?:\w+ )?off\b)"
)
_MODAL_FR = (
    r"(?:je|nous|on) (?:peux|pouvons|peut|pourrais|pourrions|pourrait|pourrai|pourrons|pourra|vais|allons|va"
    r"|suis pret a|suis prete a|sommes prets a|est pret a|accepte de|acceptons de|veux bien|voulons bien)"
)
_MODAL_EN = (
    r"(?:we|i)(?:'ll| will| can| could| would| are going to| am going to|'re going to|'m going to"
    r"|(?:'re| are|'m| am) (?:prepared|willing|happy|ready) to| agree to)"
)
_UNCONDITIONAL = _by_lang(
    fr=[
        r"\b(?:je|nous|on) (?:vous |te )?(?:accorde|accordons|accorderai|accorderons|accorderais|accorderions"
        r"|consens|consent|consentons|consentirai|consentirons|fais|faisons|ferai|ferons|ferais|ferions|octroie"
        r"|octroyons|cede|cedons|ajoute|ajoutons|ajouterai|ajouterons) (?:en plus )?(?!que\b)" + _GIVEN_FR,
        r"\b(?:je|nous|on) vous (?:offre|offrons|offrirai|offrirons) " + _GIVEN_FR,
        r"\b" + _MODAL_FR + r" (?:vous |te )?(?:accorder|consentir|offrir|faire|octroyer|ceder|laisser) "
        + _GIVEN_FR,
        r"\b" + _MODAL_FR + r" (?:vous |te )?(?:baisser|descendre)\b(?! (?:vos|votre|leurs?) )",
        r"\b" + _MODAL_FR + r" (?:vous |te )?(?:reduire|diminuer) " + _PRICE_FR,
        r"\b" + _MODAL_FR + r" (?:vous |te )?(?:prolonger|allonger|rallonger|accepter|supprimer|annuler"
        r"|prendre en charge|rembourser|nous aligner|m'aligner|s'aligner|lacher|geler|passer a|aller jusqu'a"
        r"|etendre|retirer|renoncer)\b(?! (?:vos|votre|leurs?) )",
        r"\b(?:je|nous|on) (?:baisse|baissons|reduis|reduisons|diminue|diminuons|descends|descendons) "
        + _PRICE_FR,
        r"\b(?:je|nous|on) (?:prolonge|prolongeons|allonge|allongeons|rembourse|remboursons|prends en charge"
        r"|prenons en charge|prend en charge|m'aligne|nous alignons|s'aligne|renonce|renoncons|gelons)\b"
        r"(?! (?:vos|votre|leurs?) )",
        r"\b(?:je|nous|on) (?:passe|passons|passerai|passerons|passe) (?:a|de \d+ a) (?:\d|trente|quarante"
        r"|soixante|quatre-vingt)",
        r"\b(?:nous |j'|je |on )(?:acceptons|accepte|accepterons|accepterai|validons|valide) (?:vos|votre|ces|ce"
        r"|cette|les|le|la|l'|de|d'|un|une|des|\d)",
        r"^(?:(?:bon|bien|tres bien|ok|okay|alors|ecoutez),? )?(?:j'accepte|nous acceptons|on accepte|c'est accepte)"
        r"\s*[.!]*$",
        r"<CS>(?:(?:bon|bien|tres bien|ok|okay|alors|ecoutez|bon ben),? )?(?:c'est |ok |okay |bon )?(?:d'accord|ok"
        r"|okay|va|entendu) (?:pour|sur) (?:\d|vos|votre|ce|cette|ces|le|la|les|l'|un|une|trente|quarante"
        r"|soixante|quatre-vingt|cent)",
        r"^(?:(?:bon|bien|tres bien|ok|okay|alors|ecoutez),? )?(?:c'est d'accord|marche conclu|affaire conclue"
        r"|banco|vous avez gagne|topez la)\s*[.!]*$",
    ],
    en=[
        r"\b" + _MODAL_EN + r" (?:lower|drop|cut|decrease|reduce|bring down|knock|shave|go down) " + _PRICE_EN,
        r"\b" + _MODAL_EN + r" (?:waive|extend|absorb|refund|reimburse|match|forgo|forego|give up|lengthen"
        r"|stretch|move to|go down to|accept)\b(?! (?:your|their) )",
        r"\b(?:we|i) (?:lower|drop|cut|reduce|waive) " + _PRICE_EN,
        r"\b" + _MODAL_EN + r" (?:go|come|move) (?:down |up )?to " + _GIVEN_EN,
        r"\b(?:we|i)(?:'ll| will| can| could| would|(?:'re| are|'m| am) (?:prepared|willing|happy|ready) to)?"
        r" cover the (?:\w+ )?(?:cost|costs|shipping|fees|difference|delivery)\b",
        r"\b(?:we|i)(?:'ll| will| can| could| would|(?:'re| are|'m| am) (?:prepared|willing|happy|ready) to)?"
        r" (?:also )?(?:give|grant|offer|throw in|add|include|allow|accord|award|let you have)(?: you)? "
        + _GIVEN_EN,
        r"\b(?:we|i) (?:accept|agree to) (?:your|the|these|those|this|that|a|an|payment|\d)\b",
        r"\b(?:ok|okay|fine|alright|agreed|deal),? (?:we|i) (?:accept|agree|can (?:do|accept|live with)"
        r"|'ll (?:accept|take|do))\b",
        r"\b(?:we|i)(?:'ll| will) accept\b",
        r"^(?:(?:ok|okay|fine|alright|agreed),? )?(?:ok|okay|fine|agreed) (?:for|on|with) (?:\d|your|the|those"
        r"|these|that|thirty|sixty|ninety)",
        r"\byou(?:'ve| have) got (?:a|yourself a) deal\b",
        r"<CS>(?:ok|okay|fine|agreed|alright|all right),? (?:\d+|thirty|forty-five|sixty|ninety) days\b",
        r"\b\d+ days(?: payment| payment terms| terms)?,? (?:no problem|that's fine|fine by me|agreed)\b",
        r"^(?:(?:ok|okay|fine|alright),? )?(?:agreed|deal|it's a deal)\s*[.!]*$",
        r"\b(?:we|i) can do (?:\d|it for|that for)",
    ],
)
_CONCEDES_A_POINT = re.compile(r"\bje vous l'accorde\b|\bje vous accorde (?:que|qu'|ce point)\b")


def _is_unconditional_concession(s: _Sentence) -> bool:
    norm = _CONCEDES_A_POINT.sub(" ", s.norm)
    if norm != s.norm:
        s = _Sentence(s.start, s.end, s.text, norm, s.langs, s.question)
    return _has(_UNCONDITIONAL, s) or (_has(_NOTHING_IN_RETURN, s, negatable=False) and _has(_OFFER_VERB, s))


_COUNTERPART_FOLLOW_UP = re.compile(
    r"^(?:(?:et|mais|and|but|par contre|en revanche|however),? )?(?:en contrepartie|en echange|en retour"
    r"|in return|in exchange|a (?:la )?condition|provided|on condition|only if|pour cela,? (?:il me faut|j'ai"
    r" besoin|nous avons besoin|je vous demande|nous vous demandons)|(?:il me faut|il nous faut|j'ai besoin"
    r"|nous avons besoin|je vous demande|nous vous demandons|i need|we need|we'd need|i'd need|we would need)"
    r" (?:en (?:contrepartie|echange|retour)|in (?:return|exchange)))"
)


def _pair_concessions_with_counterparts(sentences: list[_Sentence], found: list[set[Move]]) -> None:
    """ "Je peux descendre à 5 %. En contrepartie, ..." is one conditional concession over two sentences."""
    for i, moves in enumerate(found[:-1]):
        if Move.unconditional_concession in moves and _COUNTERPART_FOLLOW_UP.match(sentences[i + 1].norm):
            moves.discard(Move.unconditional_concession)
            moves.add(Move.conditional_concession)


# ---------------------------------------------------------------------------------------------------
# Empathy, proposal, regulation, next step, feedback request
# ---------------------------------------------------------------------------------------------------

_EMPATHY = _by_lang(
    fr=[
        r"(?<!\bsi )\bje (?:vous |le |la |les )?comprends\b(?! (?:mal|pas)\b)",
        r"(?<!\bsi )\bje (?:vous )?entends\b(?! bien\b)",
        r"\bj'entends (?:bien |parfaitement |tout a fait )?(?:votre|vos|ce que vous|que vous|bien)\b",
        r"\bje (?:mesure|concois|saisis|percois|vois bien) (?:bien |tout a fait |parfaitement |pleinement )?"
        r"(?:votre|vos|la|le|les|l'|que|qu'|combien|a quel point)",
        r"\b(?:je suis|nous sommes) (?:vraiment |sincerement |tres |profondement |reellement |absolument )?"
        r"desole(?:e|s|es)?\b(?!,? mais)",
        r"\b(?:je|nous) (?:regrette|regrettons|deplore|deplorons) (?:sincerement |vivement |profondement "
        r"|vraiment )?(?:ce|cette|ces|cet|que|qu'|la|le|les|l'|vivement|sincerement|profondement)",
        r"\b(?:toutes )?(?:mes|nos) (?:plus )?(?:sinceres )?excuses\b",
        r"\bje vous (?:presente|prie d'accepter) (?:mes|nos)\b",
        r"\b(?:veuillez|je vous prie de) (?:nous |m')?excuser\b",
        r"\bexcusez<H>(?:nous|moi) pour\b",
        r"\bvous avez (?:tout a fait |entierement |parfaitement |completement |bien )?raison\b",
        r"\b(?:c'est|c'etait|ce serait|cela est|ce qui est) (?:tout a fait |parfaitement |bien |vraiment |tres )?"
        r"(?:legitime|comprehensible|normal que vous|normal de|naturel|humain)\b",
        r"\b(?:votre|vos|cette|ces) (?:inquietudes?|reactions?|questions?|preoccupations?|frustrations?|colere"
        r"|craintes?|doutes?|reticences?|interrogations?|remarques?) (?:est|sont) (?:tout a fait |parfaitement "
        r"|bien |tres )?(?:legitimes?|comprehensibles?|normales?|fondees?|justifiees?|naturelles?)\b",
        r"\b(?:ca|cela|ce|c') ?(?:doit|a du|a dû) (?:etre|vous (?:sembler|paraitre)) (?:vraiment |tres "
        r"|particulierement |assez )?(?:frustrant|difficile|penible|complique|stressant|inquietant|usant"
        r"|desagreable|epuisant|decevant|agacant|lourd|dur|genant)",
        r"\bj'imagine (?:bien |sans peine |tout a fait )?(?:que|qu'|votre|vos|la|le|combien|a quel point|l'impact)",
        r"\bje partage (?:votre|vos)\b",
        r"\bje suis (?:tres |particulierement )?sensible a\b",
        r"\bmerci (?:de|pour) (?:votre (?:patience|franchise|retour|transparence|confiance|comprehension)|avoir"
        r" (?:souleve|pose|partage|exprime|signale)|me (?:faire part|dire|signaler)|ce retour)\b",
        r"\bje sais (?:bien )?(?:que|qu'|combien|a quel point) (?:c'est|ce n'est|ce changement|cela|ca|ce sera"
        r"|la situation|vous etes|vous avez (?:peur|du mal|beaucoup)|ce projet|ces changements|c'etait"
        r"|vos equipes sont)",
        r"\bje sais (?:bien )?(?:que|qu')[^,.;]{0,60} (?:a ete|est|sont|ont ete|etait|reste) (?:\w+ )?(?:difficile"
        r"|penible|complique|frustrant|dur|lourd|stressant|eprouvant|un vrai probleme|un gros probleme"
        r"|une vraie difficulte|inquietant)",
        r"\bje reconnais (?:votre|vos|que c'est|que cela|que la situation|l'impact|la gene|les difficultes"
        r"|que nous avons)\b",
        r"\bje me mets a votre place\b",
        r"\ba votre place,? je\b",
        r"\b(?:nous prenons|je prends) (?:tres |vraiment )?au serieux\b",
        r"\bpour la gene (?:occasionnee|causee|subie)\b",
    ],
    en=[
        r"(?<!\bif )(?<!\bsure )(?<!\bcheck )\bi (?:completely |totally |fully |really |absolutely |perfectly |do )?understand\b"
        r"(?! (?:you |it |this |that )?(?:correctly|right)\b)",
        r"(?<!\bif )\bi (?:can )?(?:completely |totally |fully |really )?(?:understand|imagine|appreciate) (?:how|why|that"
        r"|your|what|the|this)\b",
        r"\bi (?:can )?see (?:how|why|that you|that this|that it|your point|where you're coming from)\b",
        r"(?<!\bif )\bi hear (?:you|your|what you)\b(?! (?:correctly|right)\b)",
        r"\b(?:that|it|this) must (?:be|have been) (?:really |very |so |incredibly |extremely |quite )?"
        r"(?:frustrating|difficult|hard|stressful|annoying|worrying|upsetting|disappointing|painful|tough"
        r"|exhausting|inconvenient|a (?:real |big )?(?:pain|headache|blow|worry|concern|shock))\b",
        r"\b(?:i'm|i am|we're|we are) (?:so |really |very |truly |deeply |terribly |sincerely |genuinely )?"
        r"sorry (?:for|about|that|to hear|to learn|this|it|you)\b",
        r"\b(?:i'm|i am|we're|we are) (?:so |really |very |truly |deeply |terribly |sincerely )?sorry\s*[.!]*$",
        r"\b(?:i|we) (?:sincerely |truly |deeply )?apologi[sz]e\b",
        r"\b(?:my|our) (?:sincere |sincerest |deepest |humble )?apologies\b",
        r"\bapologies for\b",
        r"\byou(?:'re| are) (?:absolutely |completely |quite |totally |perfectly )?right (?:to|about|that)\b",
        r"\byou(?:'re| are) (?:absolutely |completely |quite |totally |perfectly )?right\s*(?:,|[.!]*$)",
        r"\byou have every right\b",
        r"\b(?:your|that|this|the) (?:concerns?|frustration|reaction|worry|worries|questions?|point|fears?"
        r"|hesitation|doubts?) (?:is|are) (?:completely |totally |perfectly |entirely |very )?(?:legitimate"
        r"|understandable|valid|fair|justified|normal|natural|reasonable)\b",
        r"\b(?:that's|that is) (?:a )?(?:completely |totally |perfectly )?(?:fair|legitimate|valid|understandable)"
        r" (?:point|concern|question|reaction|worry)\b",
        r"\b(?:it's|that's|it is|that is) (?:completely |totally |perfectly )?understandable\b",
        r"\b(?:it's|it is|that's|that is) (?:completely |perfectly |totally |quite )?(?:normal|natural|legitimate)"
        r" (?:that you|to feel|for you to|to be (?:worried|concerned|upset|frustrated|anxious))\b",
        r"\bi (?:really )?(?:appreciate|value) (?:your (?:patience|honesty|feedback|concern|frankness|candou?r"
        r"|point)|that you|how)\b",
        r"\bi (?:realise|realize|know|recognise|recognize|acknowledge|understand) (?:that )?(?:(?:the|this|that)"
        r" (?:change|situation|reorgani[sz]ation|move)|this|that|it|these changes|change)"
        r"(?:'s| is| has been| was| will be| can be| may be)"
        r" (?:not easy|hard|difficult|frustrating|a lot|a big|unsettling|stressful|worrying|tough|disruptive"
        r"|challenging|inconvenient|painful|a (?:real )?(?:concern|worry|change|shock|blow))",
        r"\b(?:i|we) (?:share|get) your (?:concern|frustration|worry|point|disappointment)\b",
        r"\bi know (?:that )?[^,.;]{0,60} (?:was|has been|is|must be|must have been) (?:a (?:real |big |huge |major )?"
        r"(?:problem|pain|headache|blow|worry|concern|shock|struggle)|(?:really |very )?(?:hard|difficult|frustrating"
        r"|painful|tough|stressful|disruptive|worrying))\b",
        r"\bi get (?:it|that|why|how)\b",
        r"\bthank you for (?:your (?:patience|honesty|feedback|understanding|candou?r|trust)|raising|sharing"
        r"|bringing|being (?:so )?(?:patient|honest|open|frank)|telling me|flagging|pointing)\b",
        r"\bin your (?:shoes|position|place),? i\b",
        r"\bput myself in your shoes\b",
        r"\bwe take (?:this|it|your complaint|your concern|the matter) (?:very )?seriously\b",
        r"\b(?:sorry|apologies) for the (?:inconvenience|trouble|delay|disruption)\b",
    ],
)
_PROPOSAL = _by_lang(
    fr=[
        r"\bje (?:vous |te |leur |lui )?(?:propose|proposerais|proposerai|suggere|suggererais|recommande"
        r"|recommanderais|conseille|conseillerais|soumets)\b",
        r"\bnous (?:vous )?(?:proposons|proposerions|proposerons|suggerons|recommandons|conseillons|offrons)\b",
        r"\bon (?:vous )?(?:propose|suggere|recommande)\b",
        r"\bce que je (?:vous )?(?:propose|suggere|recommande|recommanderais|proposerais|suggererais|conseille)\b",
        r"\bce que nous (?:vous )?(?:proposons|suggerons|recommandons)\b",
        r"\b(?:notre|ma|mon) (?:offre|proposition|recommandation|suggestion|contre-proposition)\b",
        r"\b(?:nous|on|je) (?:pouvons|pourrions|pourrons|peut|pourrait|peux|pourrais) (?:vous )?(?:proposer|offrir"
        r"|mettre en place|envisager|suggerer|recommander)\b",
        r"\bque diriez<H>vous (?:de|d'|si)",
        r"\b(?:ca|cela) vous dirait (?:de|d')",
        r"^(?:(?:alors|bon|bien|ok|donc),? )?et si (?:nous|on|je|j')\b",
        r"\bpourquoi ne pas\b",
        r"\bl'idee (?:serait|est) de\b",
        r"\bvoici (?:ce que je|ce que nous|ma|notre) (?:propose|proposons|proposition|offre)\b",
        r"\bil (?:serait|me semble) (?:judicieux|interessant|pertinent|utile) de\b",
    ],
    en=[
        r"\b(?:i|we)(?:'d| would)? (?:like to )?(?:propose|suggest|recommend|advise)\b",
        r"\b(?:i|we)(?:'ll|'d| can| could| will| would| might) (?:offer|propose|suggest|recommend|provide you)\b",
        r"\bwe (?:could|might) (?:set up|start with|try|run|put in place|organi[sz]e)\b",
        r"\b(?:suggest|propose)(?: that)? we\b",
        r"\bwhat (?:i|we)(?:'d| would)? (?:recommend|suggest|propose)\b",
        r"\b(?:my|our) (?:proposal|suggestion|recommendation|offer|counter-?offer|counter-?proposal)\b",
        r"\bhere's (?:what (?:i|we) (?:propose|suggest|recommend|offer)|my proposal|our proposal|our offer)\b",
        r"\blet me (?:propose|suggest|offer|recommend)\b",
        r"\bhow about (?:we|i|us|a|an|if|\w+ing)\b",
        r"\bwhat if (?:we|i)\b",
        r"\bwhy don't (?:we|i)\b",
        r"\bwhy not\b",
        r"\bmy advice (?:is|would be)\b",
        r"\bthe idea (?:would be|is) to\b",
        r"\bwe(?:'re| are) (?:offering|proposing)\b",
        r"\bwould you (?:be open to|consider)\b",
    ],
)
_REGULATION = _by_lang(
    fr=[
        r"\b(?:selon|d'apres|conformement (?:au|a)|aux termes (?:du|de)|en vertu (?:du|de)|dans|au|par) (?:le |notre |votre |ce |du )?"
        r"contrats?\b",
        r"\b(?:le|notre|votre|ce|du) contrat(?: \w+)? (?:prevoit|stipule|precise|fixe|impose|couvre|exclut|interdit|oblige"
        r"|encadre|dit|mentionne|indique|engage|lie|plafonne|garantit|s'applique|reste)\b",
        r"\bcontractuel(?:le)?s?\b|\bcontractuellement\b",
        r"\bclauses?\b",
        r"\bcg[va]\b",
        r"\bconditions generales\b",
        r"\bcode (?:de commerce|du commerce|du travail|civil|de la consommation)\b",
        r"\blme\b",
        r"\begalim\b",
        r"\blois?\b",
        r"\b(?:il)?legal(?:e|es|ement)?\b|\b(?:il)?legaux\b",
        r"\bdelais? de paiement (?:legaux|plafonnes|maximum|maximaux)\b",
        r"\bplafond legal\b",
        r"\brgpd\b",
        r"\bcse\b|\bcomite social et economique\b",
        r"\bgarantie (?:legale|contractuelle|de conformite|des vices|constructeur|commerciale)\b",
        r"\bsous garantie\b|\bextension de garantie\b",
        r"\bpenalites? (?:contractuelles?|de retard|prevues|logistiques)\b",
        r"\bindemnite forfaitaire\b",
        r"\bl\.? ?441\b|\barticle l\.? ?\d",
        r"\breglementation\b|\breglementaires?\b",
        r"\bjuridiques?\b|\bjuridiquement\b",
        r"\bavenant\b",
        r"\bconvention collective\b",
        r"\baccord (?:d'entreprise|collectif|cadre)\b|\baccord-cadre\b",
        r"\bdgccrf\b",
        r"\bcahier des charges\b",
        r"\bsla\b",
        r"\bdirective (?:europeenne|ue)\b",
        r"\bjurisprudence\b",
        r"\bobligation (?:legale|d'information|de consultation|de conseil|de resultat|de moyens)\b",
        r"\bmise en demeure\b",
    ],
    en=[
        r"\b(?:under|according to|as per|per|in|by|within|of|breach of|terms of) (?:the |our |your |this |that )?(?:signed )?"
        r"contracts?\b|\bcontractual(?:ly)?\b",
        r"\b(?:the|our|your|this|that) (?:signed )?contract(?: \w+)? (?:provides|states|says|sets|stipulates|requires|covers"
        r"|includes|excludes|foresees|guarantees|specifies|applies|allows|forbids|prohibits|binds|caps|limits|runs"
        r"|is clear|commits)\b",
        r"\bclauses?\b",
        r"\bterms (?:and|&) conditions\b|\bt&cs?\b|\bt's and c's\b",
        r"\b(?:the|by|under|french|eu|european|labou?r|employment|competition|consumer|data protection) laws?\b",
        r"\b(?:il)?legal(?:ly)?\b",
        r"\bregulations?\b|\bregulatory\b",
        r"\bgdpr\b",
        r"\b(?:under|of the|our|the|your|this|a|legal|statutory|manufacturer's) warrant(?:y|ies) (?:covers?|includes?"
        r"|excludes?|applies|terms|conditions|period|claims?|runs|lasts|guarantees)\b|\bunder warranty\b"
        r"|\b(?:under|according to|as per|by) (?:the |our |your )?warrant(?:y|ies)\b",
        r"\bsla\b|\bservice level agreement\b",
        r"\bcomplian(?:ce|t)\b|\bcomply with\b",
        r"\bstatutory\b",
        r"\blate[- ]payment (?:penalt\w+|directive|interest|fees?|rules)\b",
        r"\bpenalt(?:y|ies) (?:clause|for late)\b|\bcontractual penalt\w+\b",
        r"\bcommercial code\b|\bcode de commerce\b",
        r"\blabou?r code\b",
        r"\bworks council\b",
        r"\bcollective (?:bargaining )?agreement\b",
        r"\bframework agreement\b|\bpurchase agreement\b|\bmaster agreement\b",
        r"\bdirective\b",
        r"\bpayment terms (?:cap|caps|limit|limits|ceiling)\b",
    ],
)
_WEEKDAY = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_WEEKDAY_EN = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_NEXT_STEP = _by_lang(
    fr=[
        r"\bprochaines? etapes?\b|\betapes? suivantes?\b",
        r"\b(?:je|nous|on) (?:vous )?(?:envoie|enverrai|enverrons|envoyons|envoierai|transmets|transmettrai"
        r"|transmettrons|transmettons|fais parvenir|ferai parvenir|ferons parvenir|adresse|adresserai"
        r"|adresserons|fais suivre|ferai suivre|recontacte|recontacterai|recontacterons|rappellerai"
        r"|rappellerons)\b",
        r"\bje vous (?:confirme|confirmerai) (?:par (?:ecrit|mail|e-mail|courriel)|ce soir|demain|d'ici|avant)\b",
        r"\bje vous (?:prepare|preparerai|rappelle)\b(?! (?:que|qu'|l'article|la clause|les termes|le contrat))",
        r"\b(?:je|nous) (?:reviens|reviendrai|revenons|reviendrons) vers vous\b",
        r"\bon se (?:revoit|revoie|rappelle|recontacte|reparle|cale|fixe|retrouve|voit|dit)\b",
        r"\bqu'on se (?:revoie|rappelle|recontacte|reparle|retrouve|voie)\b",
        r"\bnous nous (?:reverrons|revoyons|retrouverons|retrouvons|rappelons|recontacterons)\b",
        r"\b(?:fixons|calons|planifions|organisons|programmons|prevoyons|bloquons|convenons d') (?:un|une"
        r"|ensemble|des|le|la)\b",
        r"\bje (?:vous )?propose (?:un|une|de) (?:point|rendez-vous|rdv|reunion|appel|call|visio|echange|comite"
        r"|atelier|pilote|test|demonstration|demo|nous revoir|se revoir|fixer|caler|planifier|organiser"
        r"|faire un point)\b",
        r"\b(?:rendez<H>vous|rdv|point|reunion|appel|comite de suivi|point d'etape|reunion de suivi|visio)"
        r" (?:le \d|" + _WEEKDAY + r"|demain|la semaine prochaine|dans|d'ici|en fin de)",
        r"\bd'ici (?:" + _WEEKDAY + r"|demain|ce soir|la fin|fin|le \d|\d|une semaine|deux|trois|quinze|huit"
        r"|quarante-huit|la semaine)\b",
        r"\b(?:avant|au plus tard) (?:" + _WEEKDAY + r"|demain|la fin de (?:la|cette) semaine)\b",
        r"\bje vous (?:appelle|rappelle|recontacte|ecris)\b(?=.*\b(?:demain|" + _WEEKDAY + r"|la semaine|dans|d'ici"
        r"|ce soir|cet apres-midi|en fin de|avant|des que)\b)",
        r"\bje vous (?:appellerai|rappellerai|ecrirai)\b",
        r"\bpour la suite,? (?:je|nous|on)\b",
        r"\b(?:un|une) (?:point|comite|suivi|bilan|reunion) (?:d'etape|de suivi|mensuel|hebdomadaire|dans)\b",
        r"\b(?:point|reunion) de suivi\b",
        # an agreement on who does what: each side's next action in one sentence
        r"\bde (?:mon|notre) cote\b.*\bde votre cote\b|\bde votre cote\b.*\bde (?:mon|notre) cote\b",
        # "vous validez les volumes et je vous envoie le contrat": a task for each person, in the present
        r"(?:^|^(?:et|donc|alors|bon|ok|bien),? )vous (?:me |nous |leur |lui |les |en |y )?(?!avez\b|etes\b|pouvez\b"
        r"|voulez\b|devez\b|savez\b|pensez\b|croyez\b|trouvez\b|comprenez\b|voyez bien\b|dites que\b|semblez\b"
        r"|allez\b|devrez\b|aurez\b|serez\b|irez\b)"
        r"[a-z]+ez\b.*\b(?:je|j'|nous|on) (?:vous |leur |lui |m'|me |nous |les |en |y )?(?!pense|crois|comprend|suis"
        r"|sommes|ai\b|avons|sais|savons|veux|voulons|peux|pouvons|dois|devons|trouve|entends|espere|esperons)"
        r"[a-z']+(?:e|es|s|x|ons|erai|erons)\b",
        r"\b(?:je|j'|nous|on) (?:vous )?(?:m'occupe|m'en occupe|nous occupons|prepare|envoie|transmets|redige|organise"
        r"|contacte|lance|reserve|cale|planifie)\w*\b.*[,;] (?:et )?vous (?:me |nous )?(?:validez|verifiez|confirmez"
        r"|consultez|rassemblez|informez|signez|faites|dites|voyez|demandez|preparez|envoyez|transmettez)\b",
    ],
    en=[
        r"\bnext steps?\b|\bway forward\b",
        r"\b(?:i|we)(?:'ll| will| shall| am going to| are going to|'m going to|'re going to) (?:send|e-?mail"
        r"|forward|share|get back|follow up|call|ring|circle back|come back|draft|prepare|put together|set up"
        r"|schedule|book|organi[sz]e|confirm|be in touch)\b",
        r"\blet me (?:send|e-?mail|get back|follow up|schedule|set up|book|draft|prepare)\b",
        r"\blet's (?:meet|schedule|set up|book|plan|arrange|organi[sz]e|reconvene|catch up|talk again"
        r"|speak again|have a (?:call|meeting|follow)|fix|agree on a date|pencil)\b",
        r"\b(?:shall|can|could|should) we (?:schedule|meet|set up|book|plan|arrange|fix|organi[sz]e|reconvene"
        r"|catch up|talk again|have a (?:call|meeting))\b",
        r"\bby (?:" + _WEEKDAY_EN + r"|tomorrow|tonight|the end of|end of|next|close of business|cob|eod|the"
        r" \d+(?:st|nd|rd|th)?\b)",
        r"\bbefore (?:" + _WEEKDAY_EN + r"|tomorrow|the end of (?:the|this|next) (?:week|month))\b",
        r"\bfollow[- ]up (?:meeting|call|e-?mail|session|visit)\b",
        r"\bmeet again\b|\b(?:speak|talk) again\b",
        r"\blet's (?:talk|speak|meet|reconvene)(?: again)? (?:next|on|tomorrow)\b",
        r"\b(?:i|we) propose (?:a|to) (?:meeting|call|follow|meet|schedule|review|pilot|trial|demo)\b",
        r"\b(?:meeting|call|catch-up|review) (?:on " + _WEEKDAY_EN + r"|next week|in (?:two|three|\d) weeks)\b",
        # an agreement on who does what: each side's next action in one sentence
        r"\bon (?:my|our) side\b.*\bon your side\b|\bon your side\b.*\bon (?:my|our) side\b",
        r"\byou(?:'ll| will)? (?:check|confirm|validate|consult|gather|collect|send|share|brief|inform|sign|book"
        r"|handle|take care of|talk to|ask|run|review|get)\b.*\b(?:i|we)(?:'ll| will)? (?:take care of|handle|send"
        r"|draft|prepare|book|organi[sz]e|update|share|call|contact|write|start|launch|sort out|set up)\b",
        r"\b(?:i|we)(?:'ll| will)? (?:take care of|handle|draft|prepare|book|organi[sz]e|update|contact|start|launch"
        r"|sort out|set up)\b.*[,;] (?:and )?you(?:'ll| will)? (?:check|confirm|validate|consult|gather|collect"
        r"|send|share|brief|inform|sign|handle|take care of|talk to|ask|run|review|get)\b",
    ],
)
_FEEDBACK_WHEN_ASKED = _by_lang(
    fr=[
        r"\bqu'en (?:pensez|dites)<H>vous\b",
        r"\bqu'est<H>ce que vous en (?:pensez|dites)\b",
        r"\bvous en pensez quoi\b",
        r"\bqu'en penses<H>tu\b|\bt'en penses quoi\b",
        r"\best<H>ce (?:que c'est |que cela est |que ca est )?clair\b",
        r"\bc'est clair pour vous\b",
        r"\b(?:ai|suis)<H>je (?:ete )?clair\b|\best<H>ce que (?:je suis|j'ai ete) clair\b",
        r"\b(?:cela|ca) vous (?:convient|va|parle|semble|parait)\b",
        r"\b(?:cela|ceci) vous (?:convient|semble|parait)<H>(?:t<H>)?il\b",
        r"\b(?:avez<H>vous|vous avez|est<H>ce que vous avez|auriez<H>vous) (?:des|d'autres) (?:questions"
        r"|remarques|commentaires|objections|reactions)\b",
        r"^(?:des|d'autres) (?:questions|remarques|commentaires)\b",
        r"\bcomment (?:le|la|les) (?:voyez|percevez|sentez|vivez|recevez)<H>vous\b",
        r"\bcomment (?:voyez|percevez|recevez)<H>vous (?:cela|ca|les choses|cette|ce|la)\b",
        r"\bquel(?:le)? est votre (?:avis|ressenti|sentiment|point de vue|retour|reaction|position)\b",
        r"\bvotre (?:avis|ressenti|sentiment|reaction)\s*\?",
        r"\bvous me suivez\b",
        r"\best<H>ce que (?:ca|cela) (?:vous )?(?:convient|va|repond|parle)\b",
        r"\b(?:cela|ceci) repond<H>il a\b",
        r"\b(?:etes<H>vous|vous etes|seriez<H>vous|vous seriez) (?:d'accord|ok|a l'aise|partante?s?)\b"
        r"(?!\s*(?:que|qu'|pour dire|avec moi))",
        r"\bcomment reagissez<H>vous\b",
        # about the meeting itself: "qu'avez-vous pensé de notre échange ?", "cette réunion vous a-t-elle été utile ?"
        r"\b(?:qu'avez<H>vous|qu'est<H>ce que vous avez|comment avez<H>vous|vous avez) (?:pense|trouve|vecu|percu"
        r"|ressenti|retenu)\b.{0,20}\b(?:notre|cet|cette|ce|la|le|l') ?(?:echange|entretien|reunion|rendez<H>vous"
        r"|discussion|conversation|presentation|seance|rencontre)\b",
        r"\b(?:que|qu'est<H>ce que vous) retene[sz]<H>?(?:vous)? (?:de|d') ?(?:notre|cet|cette|ce)\b",
        r"\b(?:notre|cet|cette|ce) (?:echange|entretien|reunion|rendez-vous|discussion|conversation|presentation"
        r"|seance|rencontre) vous (?:a<H>t<H>(?:il|elle) )?(?:a )?(?:ete utile|aide|convenu|paru|semble|eclaire)",
        r"\bcomment s'est passe(?:e)? (?:notre|cet|cette|ce)\b.{0,30}\bpour vous\b",
        r"\b(?:repond|correspond)<H>(?:t<H>)?(?:il|elle) a vos (?:attentes|besoins|questions|contraintes)\b",
        r"\b(?:cela|ca|cette \w+|ce \w+) (?:repond|correspond)<H>?(?:t<H>)?(?:il|elle)? a vos (?:attentes|besoins)\b",
        r"^(?:(?:alors|donc|bon),? )?on est (?:bien )?d'accord\s*\?",
    ],
    en=[
        r"\bis (?:that|this|it|everything) clear\b",
        r"\bdoes (?:that|this|it) make sense\b",
        r"\bwhat do you think\b",
        r"\bwhat are your (?:thoughts|views|feelings)\b",
        r"\bhow does (?:that|this|it) sound\b",
        r"\bhow do you feel about\b",
        r"\b(?:any|do you have any|have you got any|are there any) (?:questions|comments|concerns|thoughts"
        r"|objections)\b",
        r"\bwhat's your (?:view|opinion|take|feeling|reaction|feedback)\b",
        r"\b(?:does|would|will) (?:that|this|it) work for you\b",
        r"\bhow do you see (?:it|this|that|things)\b",
        r"\bam i (?:being )?clear\b",
        r"\bhave i answered\b",
        r"\bdoes (?:that|this) answer your question\b",
        r"\bare you (?:comfortable|ok|okay|happy|on board) with\b",
        r"\bdoes (?:that|this) (?:suit|meet|address)\b",
        r"\bsounds? (?:good|ok|okay|fair|reasonable)\s*\?",
        r"\bare we on the same page\b",
        r"\bdo you agree\b(?! that)",
        # about the meeting itself: "how do you feel this meeting went?", "was this conversation useful?"
        r"\b(?:how|what) (?:do|did) you (?:feel|think|make of|find|rate)\b.{0,30}\b(?:this|our|the|today's)"
        r" (?:meeting|conversation|discussion|exchange|session|call|talk|presentation|interview|chat)\b",
        r"\bhow (?:was|did|has) (?:this|our|the|today's) (?:meeting|conversation|discussion|exchange|session|call|talk"
        r"|presentation|interview)\b",
        r"\b(?:was|has|is|were) (?:this|our|the|today's) (?:meeting|conversation|discussion|exchange|session|call|talk"
        r"|presentation)\b.{0,20}\b(?:useful|helpful|clear|worthwhile|productive|what you (?:expected|needed))\b",
        r"\bwhat (?:will|do|did) you take (?:away )?from (?:this|our|the|today's)\b",
        r"\bhave i (?:been|made (?:myself|it|that|things)) clear\b",
        r"\b(?:does|would|will) (?:this|that|it|my|our|the) (?:\w+ )?(?:meet|match|answer|address) your"
        r" (?:expectations|needs|concerns|question|requirements)\b",
    ],
)
_FEEDBACK_ANYWHERE = _by_lang(
    fr=[
        r"\bdites<H>moi ce que vous en pensez\b",
        r"\bj'aimerais (?:avoir |connaitre )?votre (?:avis|ressenti|retour|point de vue)\b",
        r"\bdonnez<H>moi votre (?:avis|ressenti|retour)\b",
    ],
    en=[
        r"\btell me what you think\b",
        r"\blet me know (?:what you think|your thoughts|if (?:that|this) works|how (?:that|this) sounds)\b",
        r"\bi(?:'d| would) (?:like|love) (?:to hear |to get |to have )?your (?:thoughts|feedback|view|opinion)\b",
    ],
)


def _is_feedback_request(s: _Sentence) -> bool:
    return (s.question and _has(_FEEDBACK_WHEN_ASKED, s)) or _has(_FEEDBACK_ANYWHERE, s)


# ---------------------------------------------------------------------------------------------------
# Blame, imposition
# ---------------------------------------------------------------------------------------------------

_BLAME = _by_lang(
    fr=[
        r"\b(?:c'est|c'etait|tout est) (?:de )?votre faute\b",
        r"\bc'est (?:de )?la faute (?:de vos|de votre|a vos|a votre|de vous)\b",
        r"\bpar votre (?:faute|negligence)\b",
        r"\bvotre (?:erreur|faute|negligence)\b",
        r"\b(?:c'est|cela releve de|ca releve de) (?:de )?votre responsabilite\b",
        r"\bvous n'avez pas (?:bien )?(?:respecte|lu|suivi|transmis|envoye|prevenu|anticipe|verifie|signale"
        r"|informe|rempli|fourni|communique|compris|paye|regle|fait attention|tenu compte)\b",
        r"\bvous n'aviez qu'a\b",
        r"\bvous auriez du\b|\bvous auriez pu (?:lire|verifier|prevenir|anticiper|nous dire|faire attention)\b",
        r"\bsi vous aviez (?:bien )?(?:lu|respecte|suivi|verifie|anticipe|commande|prevenu|signale|ete plus"
        r"|fait attention|regarde|ecoute|compris)\b",
        r"\bvous avez mal (?:lu|compris|commande|rempli|interprete|stocke|utilise|installe|evalue|anticipe|gere"
        r"|calcule|dimensionne|monte|pose)\b",
        r"\bvous vous etes trompee?s?\b",
        r"\bvos (?:equipes|services|collaborateurs|gens|magasiniers|acheteurs|techniciens|operateurs|poseurs"
        r"|salaries) (?:se sont trompee?s|ont fait (?:une|des) erreurs?|n'ont pas|ont (?:oublie|mal|neglige"
        r"|ignore))",
        r"\bvotre (?:equipe|service|entrepot|logistique|personnel|acheteur|technicien) (?:s'est trompee?|a fait"
        r" (?:une|des) erreurs?|n'a pas|a (?:oublie|mal|neglige))",
        r"\ba cause de (?:vous|vos|votre)\b",
        r"\b(?:le probleme|l'erreur|la faute|le souci|le defaut) (?:vient|provient) (?:de chez vous|de vous|de vos"
        r"|de votre)\b",
        r"\bc'est (?:vous|votre equipe|vos equipes|votre service) qui (?:avez|a|ont|n'avez|n'a|n'ont)\b",
        r"\bvous etes (?:seule?s? )?responsables? (?:de|du|des)\b",
        r"\b(?:les |des )?erreurs de vos\b|\bvos (?:erreurs|torts)\b",
        r"\bc'est (?:d'abord |avant tout |bien )?votre probleme\b",
        r"\bvous ne (?:lisez|respectez|suivez|repondez|ecoutez|verifiez) (?:jamais|pas|rien)\b",
        r"\bla responsabilite (?:vous incombe|est de votre cote|est la votre)\b",
        # ce que l'autre partie a mal fait, dit comme un fait : « vos équipes ont stocké les vitrages dehors »
        r"\b(?:vous avez|vos (?:\w+ ){1,2}?ont|votre (?:\w+ ){1,2}?a) (?:\w+ )?(?:stocke|laisse|installe|commande|utilise"
        r"|applique|monte|pose|coupe|charge|empile|range|ignore|saute|modifie|melange|depasse|surcharge|entrepose"
        r"|manipule|oublie|valide|saisi|envoye|nettoye|expose|assemble|entre|retire)e?s?\b.{0,60}\b(?:mauvaise?s?"
        r"|\bmal\b|sans (?:respecter|attendre|suivre|lire|verifier|tenir)|dehors|a l'exterieur|sous la pluie|au soleil"
        r"|trop (?:tot|tard|vite|haut|longtemps)|au lieu (?:de|du|des)|malgre|contrairement|avant (?:la fin|de|que)"
        r"|hors (?:des|de la|du)|en dehors|nos (?:recommandations|consignes|preconisations|instructions))",
        r"\b(?:vos|votre) (?:\w+ ){1,2}?(?:ont|a) (?:ignore|neglige|saute|contourne|oublie)e?s? (?:nos|les|la|le|l')",
    ],
    en=[
        r"\b(?:it's|it is|it was|that's|that is|this is) (?:all )?your (?:own )?fault\b",
        r"\byour (?:own )?fault\b",
        r"\byour (?:team|people|staff|warehouse|department|colleagues|employees|buyers|side|company|guys"
        r"|technicians|installers) (?:failed|didn't|did not|forgot|made (?:a|the) mistake|messed up|got it"
        r" wrong|never|ignored|neglected|mishandled|misread|screwed up)\b",
        r"\byou (?:failed|neglected) to\b",
        r"\byou (?:should|ought to) have\b|\byou shouldn't have\b",
        r"\bif you(?: had|'d) (?:read|followed|checked|respected|told|ordered|informed|paid|listened|anticipated"
        r"|been more)\b",
        r"\byou (?:didn't|did not|never) (?:read|follow|respect|check|send|tell|inform|order|pay|anticipate"
        r"|listen|understand|fill)\b",
        r"\byou got (?:it|this|that) wrong\b",
        r"\byou made (?:a|the|an) (?:mistake|error)\b",
        r"\byour (?:mistake|error|negligence)\b",
        r"\bbecause of (?:you|your)\b",
        r"\b(?:the problem|the issue|the mistake|the error|the fault) (?:is|lies|comes|came) (?:on|from|with)"
        r" (?:your|you)\b",
        r"\bthat's on you\b",
        r"\byou(?:'re| are) (?:the ones? )?(?:to blame|responsible for (?:this|the|that))\b",
        r"\byou (?:misread|misunderstood|misused)\b",
        r"\byou never (?:read|listen|follow|answer|respond|check|tell)\b",
        # what the other side did wrong, said as a fact about them: "your team stored the units outside in the rain"
        r"\b(?:you|your (?:\w+ ){0,2}?(?:team|teams|people|staff|warehouse|department|colleagues|employees|buyers?"
        r"|installers?|fitters?|technicians?|operators?|planners?|storekeepers?|drivers?|service|site|logistics))"
        r" (?:\w+ )?(?:stored|left|installed|ordered|used|applied|mixed|loaded|handled|cut|fitted|mounted|stacked"
        r"|placed|kept|ignored|skipped|overloaded|dropped|changed|modified|approved|validated|entered|sent|cleaned"
        r"|exposed|assembled|forgot|misread|misplaced|mislabel\w*)\b.{0,60}\b(?:wrong|incorrect\w*|improperly|badly"
        r"|without|outside|in the rain|in the sun|too (?:early|soon|late|fast|high|long|much|many)|instead of|despite"
        r"|against (?:our|the)|contrary to|before (?:the|it)|ignor\w*|beyond|our (?:recommendations|instructions"
        r"|guidelines|specifications))",
        r"\byour (?:\w+ ){0,2}?(?:team|people|staff|warehouse|department|buyers?|installers?|technicians?|service)"
        r" (?:ignored|skipped|overlooked|disregarded|overloaded|misused|mishandled)\b",
    ],
)
_BLAME_DEFLECTION = _by_lang(  # refusing any share of the problem points at the other side
    fr=[
        r"\b(?:ce n'est|c'est) pas (?:de )?notre faute\b",
        r"\b(?:ce n'est|c'est) pas notre (?:probleme|responsabilite)\b",
        r"\bnous n'y sommes pour rien\b|\bon n'y est pour rien\b",
        r"\bnous ne sommes (?:en rien )?(?:pas )?responsables\b",
    ],
    en=[
        r"\bnot (?:our|my) (?:fault|problem|responsibility)\b",
        r"\bwe(?:'re| are) not responsible\b",
        r"\bnothing to do with us\b",
    ],
)
_DISCLAIMER = re.compile(  # "je ne dis pas que c'est votre faute", "I'm not saying it's your fault"
    r"\b(?:je ne (?:dis|pretends|veux dire|cherche a dire)|il ne s'agit pas de (?:dire|chercher|blamer)"
    r"|loin de moi l'idee|sans (?:dire|pretendre)|personne ne dit|je n'accuse|not saying|not blaming"
    r"|i don't mean|no one is saying|nobody is saying|not suggesting|i'm not saying)\b"
)


def _is_blame(s: _Sentence) -> bool:
    if _has(_BLAME_DEFLECTION, s, negatable=False):
        return True
    for lang in s.langs:
        for pattern in _BLAME[lang]:
            for m in pattern.finditer(s.norm):
                before = s.norm[: m.start()]
                if not _DISCLAIMER.search(before) and not _negated_before(s.norm, m.start(), lang):
                    return True
    return False


def _negated_before(norm: str, start: int, lang: str) -> bool:
    """A negation just before the words ("ce n'est pas votre faute"), for rules that hold a negation."""
    tail = " ".join(norm[_clause_start(norm, start) : start].split()[-3:])
    if lang == "en":
        return bool(_EN_NEG.search(tail))
    return bool(_FR_NE.search(tail) or re.search(r"\bpas\b", tail))


_IMPOSITION = _by_lang(
    fr=[
        r"\bc'est comme (?:ca|cela)\b(?! (?:que|qu'))",
        r"\bc'est comme (?:ca|cela) que (?:ca|cela) (?:marche|fonctionne|se passe)\b",
        r"\bvous vous y (?:ferez|habituerez)\b|\bil (?:faudra|faut) vous y faire\b",
        r"\b(?:arretez|arrete) de (?:vous|te) plaindre\b",
        r"\bc'est (?:pareil|la meme chose) pour tout le monde\b",
        r"\b(?:le stress|la pression|la charge) fait partie du (?:job|metier|boulot|poste)\b",
        r"\bc'est ainsi\b(?! (?:que|qu'))",
        r"\bvous n'avez pas (?:le|d'autre|vraiment le) choix\b",
        r"\bvous n'avez pas voix au chapitre\b",
        r"\b(?:il n'y a|on n'a|nous n'avons|vous n'avez) (?:pas|plus) (?:le|d'autre|de) choix\b",
        r"\bc'est (?:decide|acte|tranche)\b",
        r"\bpoint (?:final|barre)\b",
        r"\b(?:ce n'est|c'est) pas (?:negociable|discutable|en discussion|une option|a discuter|a debattre)\b",
        r"\bnon negociable\b",
        r"\b(?:ca|cela) ne se discute pas\b",
        r"\bpas de discussion\b|\bsans discussion\b|\bfin de la discussion\b",
        r"\b(?:inutile|pas la peine) de (?:discuter|negocier|protester|revenir|en parler|contester)\b",
        r"\bil n'y a (?:rien|pas) a (?:discuter|negocier|debattre)\b",
        r"\bon ne (?:revient|reviendra) pas (?:la-?)?dessus\b",
        r"\bne (?:vais|va|allons) pas (?:y )?revenir (?:la-?)?dessus\b|\bne (?:reviendrai|reviendrons) pas (?:la-?)?dessus\b",
        r"\bje ne vous demande pas (?:votre|ton) (?:avis|opinion)\b",
        r"\bje n'ai pas a (?:me justifier|vous expliquer|vous demander)\b",
        r"\bc'est un ordre\b",
        r"\ba prendre ou a laisser\b",
        r"\bvous n'avez qu'a\b",
        r"\bque (?:ca|cela) vous plaise ou non\b",
        r"\bvous (?:allez|devrez|devez) (?:le faire|appliquer|vous y (?:faire|plier|adapter|conformer)|suivre"
        r" (?:la|les|cette|ces)|executer|accepter|vous adapter|vous conformer|vous plier|obeir)\b",
        r"\b(?:la direction|le siege|la hierarchie|le comite de direction|le codir|le comex|la dg|la drh|on|nous)"
        r" (?:l'a|a|l'ont|ont|avons) (?:decide|tranche|acte)\b.*\b(?:il faut (?:l')?appliquer|il faut s'y"
        r"|il faut que vous|vous devez|on applique|appliquez|executez|point|c'est comme|pas le choix)\b",
        r"\bil (?:faut|faudra) (?:l')?(?:appliquer|vous y (?:faire|plier|adapter)|s'y (?:faire|plier|conformer"
        r"|adapter)|obeir|executer)\b",
        r"\bon (?:ne|n'en) discute pas\b",
        r"^(?:appliquez|executez|obeissez)\b",
    ],
    en=[
        r"\bnot (?:up for|open to|open for) (?:discussion|debate|negotiation)\b",
        r"\bnon-?negotiable\b|\bnot negotiable\b",
        r"\byou (?:have|'ve got|'ve) no (?:choice|say|option)\b",
        r"\byou don't (?:have|get) (?:a|any) (?:choice|say)\b",
        r"\bthere(?:'s| is) no (?:choice|alternative|discussion|debate)\b",
        r"\b(?:it's|it has|it is|this has|that has|this is|that's)(?: been)? decided\b",
        r"\bthe decision (?:has been|is) (?:made|final)\b",
        r"\bfull stop\b",
        r"[,.]\s*period\s*[.!]*$|^period\b",
        r"\byou will (?:do it|do this|do as|comply|apply|follow|accept|adapt|have to)\b",
        r"\byou'll (?:do it|do as|comply|have to|just have to)\b",
        r"\byou (?:must|have to) (?:comply|accept|apply|follow|adapt|do it)\b",
        r"\bthat's (?:just )?(?:the way|how) it is\b",
        r"\bend of (?:discussion|story|debate)\b",
        r"\blike it or not\b",
        r"\bi(?:'m| am) not asking (?:for )?(?:your|you for your) (?:opinion|permission|view)\b",
        r"\bjust do it\b",
        r"\btake it or leave it\b",
        r"\bget over it\b|\bstop complaining\b|\byou'll get used to it\b|\blet's not dwell on it\b",
        r"\bthat's (?:just )?how (?:big |large )?companies work\b",
        r"\bit's the same for everyone\b",
        r"\b(?:stress|pressure) is part of the job\b",
        r"\b(?:just )?deal with it\b",
        r"\bdo as (?:you're|you are) told\b",
        r"\bno (?:discussion|debate|arguments?|ifs,? (?:and |no )?buts)\b",
        r"\bthis is (?:an order|not a debate|not a discussion|final)\b",
        r"\bthat's final\b",
        r"\bwe(?:'re| are) not (?:going to )?(?:discuss|debat)(?:e|ing) (?:this|it|that)\b",
        r"\b(?:management|headquarters|hq|the board|the direction|top management|senior management|the ceo)"
        r" (?:has|have) decided\b.*\b(?:you (?:must|will|have to)|full stop|period|just|no choice|apply)\b",
    ],
)


def _is_imposition(s: _Sentence) -> bool:
    m = _first(_IMPOSITION, s, negatable=False)
    return m is not None and not _DISCLAIMER.search(s.norm[: m.start()])


# ---------------------------------------------------------------------------------------------------
# One sentence
# ---------------------------------------------------------------------------------------------------


def _sentence_moves(s: _Sentence) -> set[Move]:
    moves = _question_moves(s)
    if Move.leading_question not in moves and (_is_suggestion(s) or _has(_PROPOSAL, s)):
        moves.add(Move.proposal)
    if _is_reformulation(s):
        moves.add(Move.reformulation)
    if _has(_SUMMARY, s):
        moves.add(Move.summary)
    if _is_conditional_concession(s):
        moves.add(Move.conditional_concession)
    elif _is_unconditional_concession(s):
        moves.add(Move.unconditional_concession)
    if _has(_EMPATHY, s):
        moves.add(Move.empathy)
    if _has(_REGULATION, s, negatable=False):
        moves.add(Move.regulation_reference)
    if _has(_NEXT_STEP, s):
        moves.add(Move.next_step)
    if Move.leading_question not in moves and _is_feedback_request(s):
        moves.add(Move.feedback_request)
    if _is_blame(s):
        moves.add(Move.blame)
    if _is_imposition(s):
        moves.add(Move.imposition)
    sizes_a_concession = Move.unconditional_concession in moves or (
        Move.conditional_concession in moves and not _refuses_without_counterpart(s)
    )
    if (  # a figure that only sizes what is given away, or that a leading question pushes, argues nothing
        not sizes_a_concession
        and Move.leading_question not in moves
        and _is_quantified_argument(s, scheduling=Move.next_step in moves)
    ):
        moves.add(Move.quantified_argument)
    return moves
