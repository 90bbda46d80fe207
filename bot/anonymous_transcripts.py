"""Transcripts as the jury reads them: without the candidate's name, for any transport.

A jury member writes and calibrates scripts from what candidates said, not from who said it:
- sessions are listed by their number, date, script version, length and score, never by candidate;
- the candidate's lines are labelled "Candidat·e" / "Candidate", and their display name (each part of
  it), e-mail addresses and phone numbers are blanked out of every line, the persona's included
  (a candidate may introduce themself, or the persona may repeat a name).

What is not caught: a name the candidate gives that differs from their display name, or other
people's names. The jury reads text only: no audio, no fluency measures.
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
PARTICLES = frozenset({"le", "la", "les", "de", "du", "des", "d", "l", "van", "von", "der", "den", "da", "di", "del",
                       "della", "dos", "el", "al", "ben", "bin", "st", "saint", "sainte", "mc", "mac", "y", "e"})

WORDS = {
    "fr": {
        "candidate": "Candidat·e", "name": "[nom]", "email": "[e-mail]", "phone": "[téléphone]",
        "session": "Séance n° {id}", "turns": "{n} tours", "unscored": "non évaluée",
        "proposed": "proposée", "confirmed": "validée", "amended": "modifiée",
        "header": "Séance n° {id} — {scenario} v{version} — {date} — {language}",
        "score": "Note : {score}/20 ({status})",
    },
    "en": {
        "candidate": "Candidate", "name": "[name]", "email": "[e-mail]", "phone": "[phone]",
        "session": "Session #{id}", "turns": "{n} turns", "unscored": "not scored",
        "proposed": "proposed", "confirmed": "confirmed", "amended": "amended",
        "header": "Session #{id} — {scenario} v{version} — {date} — {language}",
        "score": "Score: {score}/20 ({status})",
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


def anonymous_lines(record: SessionRecord, display_name: str, persona_name: str, lang: str) -> list[AnonymousLine]:
    """Every turn of the session, the candidate unnamed (see the module's documentation)."""
    names = name_parts(display_name)
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


def session_list(sessions: Sequence[tuple[SessionSummary, ScorecardRecord | None]], lang: str) -> list[str]:
    """One line per session: number, date, version, language, length, score; no candidate."""
    words = _w(lang)
    return [
        " — ".join([
            words["session"].format(id=summary.id), summary.started_at.date().isoformat(),
            f"v{summary.scenario_version}", summary.language, words["turns"].format(n=summary.turn_count),
            _score(card, lang),
        ])
        for summary, card in sessions
    ]


def transcript_text(
    record: SessionRecord, card: ScorecardRecord | None, display_name: str, persona_name: str, lang: str
) -> str:
    """The whole anonymous transcript as plain text: a header, the score, then one paragraph per turn."""
    words = _w(lang)
    header = words["header"].format(id=record.id, scenario=record.scenario_id, version=record.scenario_version,
                                    date=record.started_at.date().isoformat(), language=record.language)
    lines = [header, _score(card, lang), ""]
    lines += [f"{line.speaker} : {line.text}" if lang == "fr" else f"{line.speaker}: {line.text}"
              for line in anonymous_lines(record, display_name, persona_name, lang)]
    return "\n".join(lines)
