"""The moves a candidate's sentence can make: the names every detector, rubric and scenario uses."""

from __future__ import annotations

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
