"""Detectors of what a candidate's turn *does*, in French and English.

(Placeholder: the detectors are being written; the vocabulary of moves below is the contract.)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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


def detect(text: str, lang: str) -> list[MoveHit]:
    return []


def detect_moves(text: str, lang: str) -> set[Move]:
    return {hit.move for hit in detect(text, lang)}
