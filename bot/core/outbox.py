"""What the core tells people who are not at the door: one `Outbox` interface, typed notices.

A use case that must tell someone (the members of a cohort of a new assignment, a candidate of a
trainer's decision on their score, a user of a role granted) calls `outbox.notify(recipient, notice)`.
The recipient is the stored person (id, Telegram id, language), so a door needs no look-up; the notice
is data, and each door renders it in its own words:

- Telegram (`bot.telegram.outbox.TelegramOutbox`) sends it to the person's own chat, in their language;
  `notify` answers whether it was sent (no Telegram account, a blocked bot: not sent);
- the terminal (`bot.commands`) cannot reach anyone: it prints on standard error who was not told and
  of what (`PrintedOutbox`), so the operator knows to tell them; nothing is stored for later;
- `HeldOutbox` keeps the notices and hands them on when `release`d: a door that answers the acting
  person first (then tells the others) holds them until it has; tests record with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from feedback.scorecard import Scorecard
from scenarios.model import Localized, Scenario
from storage.records import UserRecord


@dataclass(frozen=True)
class AssignmentMade:
    """A scenario assigned to a cohort the recipient is in (at /assign, or when they join later)."""

    scenario: Scenario
    mode: str  # exam | practice
    attempts: int | None  # for an exam; None: the default number
    due: datetime | None
    cohort_id: int


@dataclass(frozen=True)
class ScoreConfirmed:
    """A trainer confirmed the proposed scorecard of one of the recipient's sessions."""

    scorecard_id: int
    scenario_id: str
    title: Localized[str] | None  # the scenario's title, when the catalog still has it
    card: Scorecard

    def title_in(self, lang: str) -> str:
        return self.title.get("fr" if lang == "fr" else "en") if self.title is not None else self.scenario_id


@dataclass(frozen=True)
class ScoreAmended:
    """A trainer changed one criterion's level of the recipient's scorecard, with a comment."""

    scorecard_id: int
    scenario_id: str
    title: Localized[str] | None
    code: str
    old: int | None
    level: int
    comment: str
    card: Scorecard  # the amended scorecard

    def title_in(self, lang: str) -> str:
        return self.title.get("fr" if lang == "fr" else "en") if self.title is not None else self.scenario_id


@dataclass(frozen=True)
class RoleGranted:
    """An admin gave the recipient a staff role."""

    role: str


Notice = AssignmentMade | ScoreConfirmed | ScoreAmended | RoleGranted


class Outbox(Protocol):
    async def notify(self, recipient: UserRecord, notice: Notice) -> bool:
        """Tell `recipient` of `notice`; True if it was delivered (or accepted for delivery)."""
        ...


@dataclass
class HeldOutbox:
    """Keeps every notice (in order) until `release` hands them to another outbox."""

    held: list[tuple[UserRecord, Notice]] = field(default_factory=list)

    async def notify(self, recipient: UserRecord, notice: Notice) -> bool:
        self.held.append((recipient, notice))
        return True

    async def release(self, to: Outbox) -> int:
        """Deliver what is held, in order, through `to`; how many were delivered."""
        held, self.held = self.held, []
        return sum([await to.notify(recipient, notice) for recipient, notice in held])


def describe(notice: Notice) -> str:
    """A notice in one plain English line (for a terminal or a log; no name in it)."""
    if isinstance(notice, AssignmentMade):
        due = f", due {notice.due.date().isoformat()}" if notice.due else ""
        return f"assignment of '{notice.scenario.id}' ({notice.mode}{due}) in cohort {notice.cohort_id}"
    if isinstance(notice, ScoreConfirmed):
        return f"scorecard {notice.scorecard_id} confirmed"
    if isinstance(notice, ScoreAmended):
        return f"scorecard {notice.scorecard_id} amended ({notice.code}: {notice.old} → {notice.level})"
    return f"role {notice.role} granted"


@dataclass
class PrintedOutbox:
    """The terminal's outbox: it cannot reach anyone, so it prints who was not told of what."""

    echo: Callable[[str], None]

    async def notify(self, recipient: UserRecord, notice: Notice) -> bool:
        self.echo(f"note: user {recipient.id} is not told from the terminal: {describe(notice)}")
        return False
