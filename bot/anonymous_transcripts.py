"""Transcripts as staff read them, for any transport: the jury without the candidate's name, trainers
(who know their candidates) with it.

A jury member writes and calibrates scripts from what candidates said, not from who said it:
- sessions are listed by their number, date, script version, length and score, never by candidate;
- the candidate's lines are labelled "Candidat·e" / "Candidate"; every part of their display name,
  every part of a name they give for themselves ("je m'appelle Marie Dupont", "moi c'est Paul",
  "I'm Tom", "my name is Ann Lee"), e-mail addresses and phone numbers are blanked out of every line,
  the persona's included (the persona may repeat a name).

What is not caught: other people's names, or a name the candidate gives without introducing
themself. The jury reads text only: no audio, no fluency measures.

A trainer reads the sessions of their own cohorts' members in full, named (`named_transcript_text`):
who may read which session is the door's check (the role, then the cohort).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from storage.records import ScorecardRecord, SessionRecord, SessionSummary

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\d)(?:\+\d{1,3}[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
MIN_NAME_PART = 2
# name particles that are also everyday words: "Le Bon" must not blank every "le"
PARTICLES = frozenset(
    {
        "le",
        "la",
        "les",
        "de",
        "du",
        "des",
        "d",
        "l",
        "van",
        "von",
        "der",
        "den",
        "da",
        "di",
        "del",
        "della",
        "dos",
        "el",
        "al",
        "ben",
        "bin",
        "st",
        "saint",
        "sainte",
        "mc",
        "mac",
        "y",
        "e",
    }
)

WORDS = {
    "fr": {
        "candidate": "Candidat·e",
        "name": "[nom]",
        "email": "[e-mail]",
        "phone": "[téléphone]",
        "session": "Séance n° {id}",
        "turns": "{n} tours",
        "unscored": "non évaluée",
        "proposed": "proposée",
        "confirmed": "validée",
        "amended": "modifiée",
        "header": "Séance n° {id} — {scenario} v{version} — {date} — {language}",
        "score": "Note : {score}/20 ({status})",
        "named": "Candidat·e",
    },
    "en": {
        "candidate": "Candidate",
        "name": "[name]",
        "email": "[e-mail]",
        "phone": "[phone]",
        "session": "Session #{id}",
        "turns": "{n} turns",
        "unscored": "not scored",
        "proposed": "proposed",
        "confirmed": "confirmed",
        "amended": "amended",
        "header": "Session #{id} — {scenario} v{version} — {date} — {language}",
        "score": "Score: {score}/20 ({status})",
        "named": "Candidate",
    },
}


def _w(lang: str) -> dict[str, str]:
    return WORDS["fr" if lang == "fr" else "en"]


def name_parts(display_name: str) -> list[str]:
    """The parts of a name worth blanking out: "Marie-Claire Dupont" → Marie-Claire, Marie, Claire, Dupont."""
    parts: list[str] = []
    for word in re.split(r"[\s,;()\"']+", display_name):
        word = word.strip(".-_@")
        for part in [word, *re.split(r"[-_.]", word)]:
            usable = len(part) >= MIN_NAME_PART and not part.isdigit() and part.casefold() not in PARTICLES
            if usable and part not in parts:
                parts.append(part)
    return sorted(parts, key=len, reverse=True)  # longest first: the whole hyphenated name before its halves


# How a candidate introduces themself; the name follows. "je suis", "moi c'est", "I'm" and "I am" are
# followed by anything ("je suis ravi", "I'm sure"): only capitalised words count as a name after them.
_INTRO_ANY_CASE = r"je\s+m['’]appelle|je\s+me\s+nomme|mon\s+nom\s+est|mon\s+nom\s*,?\s*c['’]est|my\s+name\s+is|my\s+name['’]s"
_INTRO_CAPITALISED = r"je\s+suis|moi\s*,?\s*c['’]est|i['’]m|i\s+am|call\s+me"
_NAME_WORD = r"[^\W\d_][\w'’-]*"
_SELF_INTRO = re.compile(
    rf"(?<!\w)(?:(?P<any>{_INTRO_ANY_CASE})|(?P<cap>{_INTRO_CAPITALISED}))\s+"
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})",
    re.IGNORECASE,
)
# Words that end a name given after an introduction ("je m'appelle marie et je…", "I'm Tom from Acme").
_NOT_NAME = frozenset(
    """
    et je j suis de la part du cabinet société groupe chez pour votre vos notre nos le la les un une ici
    and from of with at i am the a an your our here calling responsible in charge head
    responsable directeur directrice chargé chargée chef commercial commerciale manager ingénieur
    """.split()
)


def self_given_names(texts: Iterable[str]) -> list[str]:
    """The names a candidate gives for themself in `texts` ("je m'appelle Marie Dupont" → "Marie Dupont")."""
    found: list[str] = []
    for text in texts:
        for m in _SELF_INTRO.finditer(text):
            capitalised_only = m.group("cap") is not None
            words: list[str] = []
            for word in m.group("name").split():
                bare = word.strip("'’-")
                if bare.casefold() in PARTICLES and words:  # "Marie de La Tour": a particle inside a name
                    words.append(bare)
                    continue
                if not bare or bare.casefold() in _NOT_NAME or (capitalised_only and not bare[0].isupper()):
                    break
                words.append(bare)
            while words and words[-1].casefold() in PARTICLES:
                words.pop()
            if words and " ".join(words) not in found:
                found.append(" ".join(words))
    return found


def candidate_names(record: SessionRecord, display_name: str) -> list[str]:
    """Every name part to blank in a session: of the display name and of the names the candidate gives."""
    parts = name_parts(display_name)
    for name in self_given_names(t.text for t in record.turns if t.speaker == "candidate"):
        parts += [p for p in name_parts(name) if p not in parts]
    return sorted(parts, key=len, reverse=True)


def redact(text: str, names: Iterable[str], lang: str = "fr") -> str:
    """`text` with e-mail addresses, phone numbers and each of `names` (whole words, any case) blanked."""
    words = _w(lang)
    text = EMAIL.sub(words["email"], text)
    text = PHONE.sub(words["phone"], text)
    for name in names:
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", words["name"], text, flags=re.IGNORECASE)
    return text


@dataclass(frozen=True)
class AnonymousLine:
    speaker: str  # "Candidat·e" / "Candidate", or the persona's name
    text: str


def anonymous_lines(
    record: SessionRecord, display_name: str, persona_name: str, lang: str
) -> list[AnonymousLine]:
    """Every turn of the session, the candidate unnamed (see the module's documentation)."""
    names = candidate_names(record, display_name)
    label = _w(lang)["candidate"]
    return [
        AnonymousLine(label if turn.speaker == "candidate" else persona_name, redact(turn.text, names, lang))
        for turn in record.turns
    ]


def _score(card: ScorecardRecord | None, lang: str) -> str:
    words = _w(lang)
    if card is None:
        return words["unscored"]
    score = (card.effective.get("overall") or {}).get("score_20")
    shown = "–" if score is None else f"{score:g}".replace(".", ",") if lang == "fr" else f"{score:g}"
    return words["score"].format(score=shown, status=words[card.review_status])


def session_line(
    summary: SessionSummary, card: ScorecardRecord | None, lang: str, name: str | None = None
) -> str:
    """Number, (the candidate's name, for a trainer,) date, version, language, length, score."""
    words = _w(lang)
    fields = (
        [words["session"].format(id=summary.id)]
        + ([name] if name else [])
        + [
            summary.started_at.date().isoformat(),
            f"v{summary.scenario_version}",
            summary.language,
            words["turns"].format(n=summary.turn_count),
            _score(card, lang),
        ]
    )
    if name:
        fields.insert(3, summary.scenario_id)
    return " — ".join(fields)


def session_list(sessions: Sequence[tuple[SessionSummary, ScorecardRecord | None]], lang: str) -> list[str]:
    """One line per session: number, date, version, language, length, score; no candidate."""
    return [session_line(summary, card, lang) for summary, card in sessions]


def transcript_text(
    record: SessionRecord, card: ScorecardRecord | None, display_name: str, persona_name: str, lang: str
) -> str:
    """The whole anonymous transcript as plain text: a header, the score, then one paragraph per turn."""
    words = _w(lang)
    header = words["header"].format(
        id=record.id,
        scenario=record.scenario_id,
        version=record.scenario_version,
        date=record.started_at.date().isoformat(),
        language=record.language,
    )
    lines = [header, _score(card, lang), ""]
    lines += [
        f"{line.speaker} : {line.text}" if lang == "fr" else f"{line.speaker}: {line.text}"
        for line in anonymous_lines(record, display_name, persona_name, lang)
    ]
    return "\n".join(lines)


def named_transcript_text(
    record: SessionRecord, card: ScorecardRecord | None, candidate_name: str, persona_name: str, lang: str
) -> str:
    """The whole transcript as a trainer reads it: the header, the candidate's name, the score, then
    one paragraph per turn, each line as said (nothing blanked: trainers know their candidates)."""
    words = _w(lang)
    header = words["header"].format(
        id=record.id,
        scenario=record.scenario_id,
        version=record.scenario_version,
        date=record.started_at.date().isoformat(),
        language=record.language,
    )
    sep = " : " if lang == "fr" else ": "
    lines = [header, f"{words['named']}{sep}{candidate_name}", _score(card, lang), ""]
    lines += [
        f"{candidate_name if turn.speaker == 'candidate' else persona_name}{sep}{turn.text}"
        for turn in record.turns
    ]
    return "\n".join(lines)
