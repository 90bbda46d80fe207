"""Scorecards for the Telegram transport: score a finished session, find a past one, build reports.

Scoring is `Rehearsal.scorecard` (detectors in a worker thread, the judge awaited); rendering runs in a
worker thread (`asyncio.to_thread(render_pdf, ...)`); nothing CPU-heavy on the event loop. A finished
session without a stored scorecard (the bot stopped between ending and scoring) is scored when it is
first asked for.
Sessions are numbered per candidate, 1 = their first, as `/progress` lists them and `/report n` takes.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bot.core.sessions import SessionSummary, SessionView
from bot.services import Services
from feedback.charts import HistoryItem, progress_chart, short_code
from feedback.report import criterion_title, render_pdf
from feedback.scorecard import Scorecard

log = logging.getLogger(__name__)

PROGRESS_SESSIONS = 5


@dataclass(frozen=True)
class Scored:
    """A candidate's session with its number (1 = their first) and its scorecard, if any."""

    number: int
    session: SessionSummary
    card: Scorecard | None


async def score_session(
    services: Services, session_id: int, *, record: SessionView | None = None
) -> Scorecard:
    """The scorecard of a finished session: the stored one, else scored (with the judge when one is
    configured) and stored now (`Rehearsal.scorecard`; from `record` when just read)."""
    return await services.rehearsal.scorecard(session_id, record=record)


async def scorecard_of(services: Services, session: SessionSummary) -> Scorecard | None:
    """The scorecard of a finished session (scored now if it has none yet); None for the others."""
    return await score_session(services, session.id) if session.status == "finished" else None


async def released(services: Services, session_id: int) -> bool:
    """False for a mock-exam session whose scorecard no trainer has confirmed or amended yet: its
    report is held back from the candidate until then (a jury member's trial is not held back).
    The rule is the core's (`Rehearsal.released`), the same that `/mydata` follows."""
    return await services.rehearsal.released(session_id)


async def numbered_sessions(services: Services, user_id: int) -> list[SessionSummary]:
    """The candidate's sessions, oldest first (index + 1 is the number shown to them)."""
    return await services.rehearsal.sessions_of(user_id)


async def scored_history(services: Services, user_id: int, limit: int | None = None) -> list[Scored]:
    """The candidate's scored sessions, oldest first (the last `limit` when given)."""
    sessions = await numbered_sessions(services, user_id)
    items: list[Scored] = []
    for number, session in enumerate(sessions, start=1):
        if session.status != "finished" or not await released(services, session.id):
            continue
        card = await scorecard_of(services, session)
        if card is not None:
            items.append(Scored(number, session, card))
    return items[-limit:] if limit else items


def chart_history(items: list[Scored]) -> list[HistoryItem]:
    return [(f"#{i.number}", i.card) for i in items if i.card is not None]


async def report_pdf(
    services: Services, user_id: int, session_id: int, title: str | None = None
) -> bytes | None:
    """The full report of one of the candidate's sessions as PDF (with their progress so far)."""
    history = [i for i in await scored_history(services, user_id) if i.session.id <= session_id]
    target = next((i for i in history if i.session.id == session_id), None)
    if target is None or target.card is None:
        return None
    charted = chart_history(history) if len(history) > 1 else None
    return await asyncio.to_thread(render_pdf, target.card, charted, title)


async def progress_png(items: list[Scored]) -> bytes | None:
    """The score and levels across sessions as a PNG (None for fewer than two sessions)."""
    if len(items) < 2:
        return None
    return await asyncio.to_thread(progress_chart, chart_history(items))


def score_text(card: Scorecard | None, lang: str) -> str:
    if card is None or card.overall.score_20 is None:
        return "—"
    text = f"{card.overall.score_20:g}"
    return text.replace(".", ",") if lang == "fr" else text


def criteria_lines(items: list[Scored], lang: str) -> list[str]:
    """One line per criterion: its level in each session, oldest first ("–" where not scored)."""
    codes = list(dict.fromkeys(c.code for i in items if i.card for c in i.card.criteria))
    lines = []
    for code in codes:
        levels = []
        for item in items:
            level = None
            if item.card is not None:
                level = next((c.level for c in item.card.criteria if c.code == code), None)
            levels.append("–" if level is None else str(level))
        lines.append(
            f"▪ {short_code(code)} {criterion_title(code, lang)} : {' → '.join(levels)}"
            if lang == "fr"
            else f"▪ {short_code(code)} {criterion_title(code, lang)}: {' → '.join(levels)}"
        )
    return lines
