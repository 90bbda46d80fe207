"""What a candidate may see of their own sessions: the transport's settings (exported) and whether
an exam scorecard is withheld until a trainer releases it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from storage.tables import ScorecardRow, SessionRow

# The part of `sessions.state` that is the transport's settings for the session (the Telegram chat,
# voice replies, exam mode and deadline, a jury member's trial): exported; any other key is machinery.
TRANSPORT_STATE_KEY = "telegram"
WITHHELD_NOTE = (
    "An exam scorecard exists for this session; it is withheld until a trainer releases it "
    "(confirms or amends it), then it is part of your data like any other."
)


def _transport_prefs(state: Mapping[str, Any] | None) -> dict[str, Any]:
    prefs = (state or {}).get(TRANSPORT_STATE_KEY)
    return dict(prefs) if isinstance(prefs, Mapping) else {}


def _is_exam(row: SessionRow, assignment_mode: str | None) -> bool:
    """A mock exam whose scorecard waits for a trainer: exam mode (the transport's flag, an exam
    assignment or an exam script), unless it is a jury member trying a script."""
    prefs = _transport_prefs(row.state)
    if prefs.get("trial"):
        return False
    return bool(prefs.get("exam") or assignment_mode == "exam" or (row.script or {}).get("exam"))


def _withheld(exam: bool, card: ScorecardRow) -> bool:
    """An exam scorecard no trainer has confirmed or amended yet: its candidate may not see it."""
    return exam and card.review_status == "proposed"
