"""Every staff use case of the core refuses a principal without the role (or the ownership) with
`Refused`, at the core, whatever door calls it: a candidate, a trainer for the jury's use cases, a jury
member for the trainers', a trainer for another trainer's cohort, anyone but an admin for roles and
for someone else's data. Table-driven, on a real SQLite repository."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core import assignments, cohorts, personal_data, results, review, roles, scripts, transcripts
from bot.core.principal import Principal, Refused
from storage.repository import Repository
from tests.core_world import SCENARIO, RecordingOutbox, World, build_world

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

LIBRARY_FILE = Path(__file__).resolve().parent.parent / "scenarios" / "library" / f"{SCENARIO}.yaml"
Call = Callable[[World, Principal], Awaitable[object]]
NOT_ALLOWED = "not_allowed"

# use case → (call, {refused principal: expected reason})
TRAINERS_ONLY = {"candidate": NOT_ALLOWED, "jury": NOT_ALLOWED}
TRAINERS_OWN = {**TRAINERS_ONLY, "other_trainer": "unknown_cohort"}
JURY_ONLY = {"candidate": NOT_ALLOWED, "trainer": NOT_ALLOWED, "other_trainer": NOT_ALLOWED}
ADMINS_ONLY = {"candidate": NOT_ALLOWED, "trainer": NOT_ALLOWED, "jury": NOT_ALLOWED}

CASES: dict[str, tuple[Call, dict[str, str]]] = {
    "cohorts.create": (lambda w, me: cohorts.create(w.repo, me, "Nouvelle"), TRAINERS_ONLY),
    "cohorts.list_owned": (lambda w, me: cohorts.list_owned(w.repo, me), TRAINERS_ONLY),
    "cohorts.members": (lambda w, me: cohorts.members(w.repo, me, "Promo 2027"), TRAINERS_OWN),
    "cohorts.members by number": (lambda w, me: cohorts.members(w.repo, me, str(w.cohort_id)), TRAINERS_OWN),
    "assignments.assign": (
        lambda w, me: assignments.assign(w.repo, me, w.catalog, SCENARIO, "Promo 2027", RecordingOutbox()),
        TRAINERS_OWN,
    ),
    "results.cohort_results": (lambda w, me: results.cohort_results(w.repo, me, "Promo 2027"), TRAINERS_OWN),
    "review.proposed": (lambda w, me: review.proposed(w.repo, me, w.catalog), TRAINERS_ONLY),
    "review.confirm": (
        lambda w, me: review.confirm(w.repo, me, w.catalog, str(w.scorecard_id), RecordingOutbox()),
        {**TRAINERS_ONLY, "other_trainer": "unknown_scorecard"},
    ),
    "review.amend": (
        lambda w, me: review.amend(
            w.repo, me, w.catalog, str(w.scorecard_id), ["CR1", "3", "bien"], RecordingOutbox()
        ),
        {**TRAINERS_ONLY, "other_trainer": "unknown_scorecard"},
    ),
    "scripts.upload": (
        lambda w, me: scripts.upload(w.repo, me, "mine.yaml", LIBRARY_FILE.read_bytes()),
        JURY_ONLY,
    ),
    "scripts.upload_file": (lambda w, me: scripts.upload_file(w.repo, me, LIBRARY_FILE), JURY_ONLY),
    "scripts.publish": (lambda w, me: scripts.publish(w.repo, me, w.catalog, SCENARIO), JURY_ONLY),
    "scripts.script_to_try": (
        lambda w, me: scripts.script_to_try(w.repo, me, w.catalog, SCENARIO),
        JURY_ONLY,
    ),
    "scripts.list_uploads": (lambda w, me: scripts.list_uploads(w.repo, me, w.catalog), JURY_ONLY),
    "transcripts.script_sessions": (
        lambda w, me: transcripts.script_sessions(w.repo, me, SCENARIO),
        JURY_ONLY,
    ),
    "transcripts.cohort_sessions": (
        lambda w, me: transcripts.cohort_sessions(w.repo, me, "Promo 2027"),
        TRAINERS_OWN,
    ),
    "transcripts.sessions": (
        lambda w, me: transcripts.sessions(w.repo, me, "Promo 2027"),
        {"candidate": NOT_ALLOWED, "other_trainer": "unknown_cohort"},
    ),
    "transcripts.read": (
        lambda w, me: transcripts.read(w.repo, me, w.catalog, str(w.session_id)),
        {"candidate": NOT_ALLOWED, "other_trainer": "unknown_session"},
    ),
    "transcripts.read anonymous": (
        lambda w, me: transcripts.read(w.repo, me, w.catalog, str(w.session_id), anonymous=True),
        {"candidate": NOT_ALLOWED, "trainer": NOT_ALLOWED},
    ),
    "roles.grant": (lambda w, me: roles.grant(w.repo, me, "tg:1", "trainer", RecordingOutbox()), ADMINS_ONLY),
    "roles.revoke": (lambda w, me: roles.revoke(w.repo, me, "tg:2", "trainer"), ADMINS_ONLY),
    "personal_data.export of another": (
        lambda w, me: personal_data.export(
            w.repo,
            me,
            w.me("candidate").user_id if me.user_id != w.me("candidate").user_id else w.me("trainer").user_id,
        ),
        {"candidate": NOT_ALLOWED, "trainer": NOT_ALLOWED, "jury": NOT_ALLOWED},
    ),
    "personal_data.erase of another": (
        lambda w, me: personal_data.erase(
            w.repo,
            me,
            w.me("jury").user_id if me.user_id != w.me("jury").user_id else w.me("trainer").user_id,
        ),
        {"candidate": NOT_ALLOWED, "trainer": NOT_ALLOWED, "jury": NOT_ALLOWED},
    ),
    "personal_data.purge": (
        lambda w, me: personal_data.purge(
            w.repo, me, audio_older_than=timedelta(0), update_ids_older_than=timedelta(0)
        ),
        ADMINS_ONLY,
    ),
}


@pytest.mark.parametrize("use_case", list(CASES))
async def test_the_use_case_refuses_whoever_may_not(repo: Repository, use_case: str) -> None:
    world = await build_world(repo)
    call, refused = CASES[use_case]
    before = (
        repo.cohorts_owned(None),
        repo.uploaded_scripts(),
        repo.scorecard(world.scorecard_id),
        [repo.user(p.user_id) for p in world.people.values() if p.user_id is not None],
    )
    for who, reason in refused.items():
        with pytest.raises(Refused) as caught:
            await call(world, world.me(who))
        assert caught.value.reason == reason, f"{use_case} for {who}: {caught.value}"
    after = (
        repo.cohorts_owned(None),
        repo.uploaded_scripts(),
        repo.scorecard(world.scorecard_id),
        [repo.user(p.user_id) for p in world.people.values() if p.user_id is not None],
    )
    assert after == before, f"{use_case}: a refused call changed something"
    # and an admin, who may do everything here, passes the checks (a rule of the use case itself,
    # e.g. "no upload to publish", may still answer)
    try:
        await call(world, world.me("admin"))
    except Refused as answer:
        assert answer.reason not in {NOT_ALLOWED, "unknown_cohort", "unknown_scorecard", "unknown_session"}, (
            answer
        )


async def test_a_trainer_sees_only_their_own(repo: Repository) -> None:
    world = await build_world(repo)
    assert [c.cohort.name for c in await cohorts.list_owned(world.repo, world.me("trainer"))] == [
        "Promo 2027"
    ]
    assert await cohorts.list_owned(world.repo, world.me("other_trainer")) == []
    assert await review.proposed(world.repo, world.me("other_trainer"), world.catalog) == []
    assert len(await review.proposed(world.repo, world.me("trainer"), world.catalog)) == 1
    assert not await cohorts.trains(world.repo, world.me("other_trainer"), world.me("candidate").user_id)
    assert await cohorts.trains(world.repo, world.me("trainer"), world.me("candidate").user_id)


async def test_the_principal_of_a_stored_user(repo: Repository) -> None:
    world = await build_world(repo)
    assert world.me("admin").is_admin and world.me("admin").has("trainer") and world.me("admin").has("jury")
    assert world.me("trainer").has("trainer") and not world.me("trainer").has("jury")
    assert not world.me("trainer").has("admin") and not world.me("candidate").has("trainer")
    stored_admin = Principal.of(repo.user(repo.get_or_create_user(display_name="Root", role="admin")))
    assert stored_admin.is_admin
    with pytest.raises(Refused) as caught:
        world.me("jury").require("trainer", "admin")
    assert caught.value.values == {"roles": ("trainer", "admin")}


async def test_one_s_own_data_is_one_s_own(repo: Repository) -> None:
    world = await build_world(repo)
    candidate = world.me("candidate")
    exported = await personal_data.export(world.repo, candidate)
    assert exported.user_id == candidate.user_id and "Alice Martin" in exported.document
    erased = await personal_data.erase(world.repo, candidate)
    assert erased.session_ids == [world.session_id]


async def test_cohort_names_and_owners(repo: Repository) -> None:
    world = await build_world(repo)
    trainer, other = world.me("trainer"), world.me("other_trainer")
    with pytest.raises(Refused) as caught:
        await cohorts.create(world.repo, trainer, "« promo 2027 »")
    assert caught.value.reason == "cohort_exists" and caught.value.values["id"] == world.cohort_id
    await cohorts.create(world.repo, other, "Promo 2027")  # another trainer's: allowed
    with pytest.raises(Refused) as caught:
        await cohorts.one(world.repo, world.me("admin"), "Promo 2027")  # the admin sees both
    assert caught.value.reason == "ambiguous_cohort" and len(caught.value.values["ids"]) == 2
    with pytest.raises(Refused) as caught:
        await cohorts.create(world.repo, trainer, "Someone else's", owner_id=other.user_id)
    assert caught.value.reason == NOT_ALLOWED
