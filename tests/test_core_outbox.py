"""The notices the core emits go through the outbox it is given (here a recording one, a door of the
tests' own): members told of an assignment, a late joiner of the assignments still open, a candidate
of a trainer's decision, a person of a role granted; nobody told of a refused request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core import assignments, cohorts, review, roles
from bot.core.outbox import AssignmentMade, HeldOutbox, RoleGranted, ScoreAmended, ScoreConfirmed, describe
from bot.core.principal import Principal, Refused
from storage.records import UserRecord
from storage.repository import Repository
from tests.core_world import SCENARIO, RecordingOutbox, build_world, catalog

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE
async def test_members_are_told_of_an_assignment_and_a_late_joiner_of_what_is_open(repo: Repository) -> None:
    world = await build_world(repo)
    outbox = RecordingOutbox()
    due = datetime.now(UTC) + timedelta(days=7)
    done = await assignments.assign(
        world.repo,
        world.me("trainer"),
        world.catalog,
        SCENARIO,
        "« Promo 2027 »",
        outbox,
        due=due,
        exam=True,
        attempts=2,
    )
    assert done.told == 1 and done.mode == "exam" and done.cohort.id == world.cohort_id
    [(recipient, notice)] = outbox.sent
    assert recipient.id == world.me("candidate").user_id
    assert isinstance(notice, AssignmentMade) and notice.scenario.id == SCENARIO
    assert (notice.mode, notice.attempts, notice.due) == ("exam", 2, due)

    late = Principal.of(repo.user(repo.get_or_create_user(telegram_id=5, display_name="Bob")))
    joined_outbox = RecordingOutbox()
    invite = next(c for c in repo.cohorts_owned(None) if c.id == world.cohort_id).invite_code
    joined = await cohorts.join(world.repo, late, invite, world.catalog, joined_outbox)
    assert joined.added and joined.cohort.id == world.cohort_id
    assert [(r.id, type(n)) for r, n in joined_outbox.sent] == [(late.user_id, AssignmentMade)]
    again = RecordingOutbox()
    assert not (await cohorts.join(world.repo, late, invite, world.catalog, again)).added
    assert again.sent == []
    with pytest.raises(Refused) as caught:
        await cohorts.join(world.repo, late, "nope", world.catalog, again)
    assert caught.value.reason == "bad_invite"


@SQLITE
async def test_a_candidate_is_told_of_a_confirmation_and_of_an_amendment(repo: Repository) -> None:
    world = await build_world(repo)
    outbox = RecordingOutbox()
    confirmed = await review.confirm(
        world.repo, world.me("trainer"), world.catalog, str(world.scorecard_id), outbox
    )
    assert confirmed.record.review_status == "confirmed"
    amended = await review.amend(
        world.repo,
        world.me("trainer"),
        world.catalog,
        str(world.scorecard_id),
        ["B2", "CR1", "3", "Très", "bonne", "découverte"],
        outbox,
    )
    assert (amended.code, amended.old, amended.level) == ("BLOC2.A2.C1.CR1", 1, 3)
    assert [r.id for r, _ in outbox.sent] == [world.me("candidate").user_id] * 2
    told_confirmed, told_amended = (n for _, n in outbox.sent)
    assert isinstance(told_confirmed, ScoreConfirmed) and told_confirmed.scorecard_id == world.scorecard_id
    assert isinstance(told_amended, ScoreAmended)
    assert (told_amended.code, told_amended.old, told_amended.level) == ("BLOC2.A2.C1.CR1", 1, 3)
    assert (
        told_amended.comment == "Très bonne découverte"
        and told_amended.card.criterion("BLOC2.A2.C1.CR1").level == 3
    )
    assert told_amended.title_in("fr") == world.catalog.scenarios[SCENARIO].title.fr
    assert repo.scorecard(world.scorecard_id).effective["criteria"][0]["level"] == 3


@SQLITE
@pytest.mark.parametrize(
    ("terms", "reason"),
    [
        (["CR9", "3", "x"], "unknown_criterion"),
        (["CR1", "7", "x"], "bad_level"),
        (["CR1", "3"], "amend_comment_required"),
    ],
)
async def test_a_refused_amendment_tells_nobody(repo: Repository, terms: list[str], reason: str) -> None:
    world = await build_world(repo)
    outbox = RecordingOutbox()
    with pytest.raises(Refused) as caught:
        await review.amend(
            world.repo, world.me("trainer"), world.catalog, str(world.scorecard_id), terms, outbox
        )
    assert caught.value.reason == reason and outbox.sent == []
    assert repo.scorecard(world.scorecard_id).review_status == "proposed"


@SQLITE
async def test_a_granted_role_is_told_a_revoked_one_is_not(repo: Repository) -> None:
    world = await build_world(repo)
    outbox, admin = RecordingOutbox(), world.me("admin")
    changed = await roles.grant(world.repo, admin, "tg:1", "jury", outbox)
    assert changed.after.role == "jury" and changed.before.role == "candidate"
    assert [(r.id, n) for r, n in outbox.sent] == [(world.me("candidate").user_id, RoleGranted("jury"))]
    await roles.revoke(world.repo, admin, "tg:1", "jury")
    assert repo.user(world.me("candidate").user_id).role == "candidate" and len(outbox.sent) == 1
    for ref, role, reason in (
        ("tg:1", "jury", "not_that_role"),
        ("tg:4242", "jury", "no_such_user"),
        ("tg:1", "king", "not_grantable"),
    ):
        with pytest.raises(Refused) as caught:
            await roles.revoke(world.repo, admin, ref, role)
        assert caught.value.reason == reason


async def test_a_held_outbox_hands_on_in_order() -> None:
    held, to = HeldOutbox(), RecordingOutbox()
    scenario = catalog().scenarios[SCENARIO]
    someone = UserRecord(7, 70, "X", "fr", "candidate", datetime.now(UTC))
    notices = [AssignmentMade(scenario, "practice", None, None, 1), RoleGranted("trainer")]
    for notice in notices:
        assert await held.notify(someone, notice)
    assert to.sent == []
    assert await held.release(to) == 2 and [n for _, n in to.sent] == notices and held.held == []
    assert "role trainer" in describe(notices[1]) and SCENARIO in describe(notices[0])
