"""A small world for the core's tests: one of each kind of person, a trainer's cohort with a candidate
who played a scored session, an uploaded script; and a recording outbox (a door of the tests' own)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bot.catalog import Catalog, load_catalog
from bot.core import cohorts
from bot.core.outbox import Notice
from bot.core.principal import Principal
from scenarios.model import Turn
from storage.records import UserRecord
from storage.repository import AsyncRepository, Repository

SCENARIO = "negotiation-castelnau-arrosage"
ADMIN_TG = 999
CARD: dict[str, Any] = {
    "format": "oralblanc.scorecard/1",
    "criteria": [
        {"code": "BLOC2.A2.C1.CR1", "level": 1, "status": "scored", "weight": 1.0},
        {"code": "BLOC2.A2.C2.CR2", "level": 2, "status": "scored", "weight": 1.0},
    ],
    "overall": {"score_20": 10.0},
}


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    return load_catalog()


@dataclass
class RecordingOutbox:
    """Every notice the core emits, with its recipient."""

    sent: list[tuple[UserRecord, Notice]] = field(default_factory=list)

    async def notify(self, recipient: UserRecord, notice: Notice) -> bool:
        self.sent.append((recipient, notice))
        return True


@dataclass
class World:
    repo: AsyncRepository
    people: dict[str, Principal]
    cohort_id: int
    session_id: int
    scorecard_id: int
    catalog: Catalog

    def me(self, who: str) -> Principal:
        return self.people[who]


async def build_world(sync: Repository) -> World:
    repo = AsyncRepository(sync)
    ids = {
        "candidate": sync.get_or_create_user(telegram_id=1, display_name="Alice Martin", language="fr"),
        "trainer": sync.get_or_create_user(telegram_id=2, display_name="Tom", role="trainer"),
        "other_trainer": sync.get_or_create_user(telegram_id=3, display_name="Una", role="trainer"),
        "jury": sync.get_or_create_user(telegram_id=4, display_name="Jane", role="jury"),
        "admin": sync.get_or_create_user(telegram_id=ADMIN_TG, display_name="Ada"),
    }
    people = {who: Principal.of(sync.user(i), admins=str(ADMIN_TG)) for who, i in ids.items()}
    created = await cohorts.create(repo, people["trainer"], "Promo 2027")
    sync.add_member(created.id, ids["candidate"])
    scenario = catalog().scenarios[SCENARIO]
    session = sync.start_session(ids["candidate"], scenario, "fr")
    sync.add_turn(
        session,
        Turn(speaker="candidate", text="Bonjour, je m'appelle Alice Martin. Quels sont vos objectifs ?"),
    )
    sync.finish_session(session)
    card = sync.save_scorecard(session, CARD, "test")
    return World(repo, people, created.id, session, card, catalog())
