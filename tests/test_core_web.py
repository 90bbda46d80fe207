"""The core's use cases the web console added: one-time sign-in links (`bot.core.sign_in`), a cohort's
assignments, a spoken turn's audio for its trainer only, the jury's lint without storing, the source to
edit, their own uploads. Each refuses whoever may not, at the core."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.core import assignments, scripts, sign_in, transcripts
from bot.core.principal import Principal, Refused
from scenarios.model import Turn
from storage.repository import Repository
from tests.core_world import ADMIN_TG, SCENARIO, RecordingOutbox, build_world

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)

LIBRARY_FILE = Path(__file__).resolve().parent.parent / "scenarios" / "library" / f"{SCENARIO}.yaml"


async def test_a_link_signs_in_once_and_only_staff(repo: Repository) -> None:
    w = await build_world(repo)
    link = await sign_in.issue_link(w.repo, w.me("trainer"), str(ADMIN_TG))
    assert link.url("https://console.example.org/").startswith("https://console.example.org/signin/")
    assert link.token not in str(repo.engine.url)
    me = await sign_in.redeem(w.repo, link.token, str(ADMIN_TG))
    assert me.user_id == w.me("trainer").user_id and me.has("trainer")
    with pytest.raises(Refused) as used:
        await sign_in.redeem(w.repo, link.token, str(ADMIN_TG))
    assert used.value.reason == "bad_link"
    for token in ("", "nope", link.token + "x"):
        with pytest.raises(Refused):
            await sign_in.redeem(w.repo, token, str(ADMIN_TG))

    expired = await sign_in.issue_link(w.repo, w.me("jury"), str(ADMIN_TG), ttl=timedelta(seconds=-1))
    with pytest.raises(Refused) as late:
        await sign_in.redeem(w.repo, expired.token, str(ADMIN_TG))
    assert late.value.reason == "bad_link"

    with pytest.raises(Refused) as candidate:
        await sign_in.issue_link(w.repo, w.me("candidate"), str(ADMIN_TG))
    assert candidate.value.reason == "not_allowed"
    with pytest.raises(Refused):  # only an admin makes a link for someone else
        await sign_in.issue_link(w.repo, w.me("trainer"), str(ADMIN_TG), for_ref="tg:4")
    operator = Principal.for_operator()
    made = await sign_in.issue_link(w.repo, operator, str(ADMIN_TG), for_ref="tg:4")
    assert (await sign_in.redeem(w.repo, made.token, str(ADMIN_TG))).has("jury")
    with pytest.raises(Refused) as not_staff:
        await sign_in.issue_link(w.repo, operator, str(ADMIN_TG), for_ref="tg:1")
    assert not_staff.value.reason == "not_allowed"

    # a link made while staff does not sign in someone who no longer is
    later = await sign_in.issue_link(w.repo, w.me("other_trainer"), str(ADMIN_TG))
    repo.update_user(w.me("other_trainer").user_id, role="candidate")  # type: ignore[arg-type]
    with pytest.raises(Refused) as revoked:
        await sign_in.redeem(w.repo, later.token, str(ADMIN_TG))
    assert revoked.value.reason == "not_allowed"


async def test_erasing_a_person_deletes_their_links(repo: Repository) -> None:
    w = await build_world(repo)
    link = await sign_in.issue_link(w.repo, w.me("jury"), str(ADMIN_TG))
    repo.erase_user(w.me("jury").user_id)  # type: ignore[arg-type]
    with pytest.raises(Refused):
        await sign_in.redeem(w.repo, link.token, str(ADMIN_TG))


async def test_a_cohort_s_assignments_for_its_trainer_only(repo: Repository) -> None:
    w = await build_world(repo)
    await assignments.assign(
        w.repo, w.me("trainer"), w.catalog, SCENARIO, "Promo 2027", RecordingOutbox(), exam=True
    )
    cohort, made = await assignments.of_cohort(w.repo, w.me("trainer"), str(w.cohort_id))
    assert cohort.id == w.cohort_id and [(a.scenario_id, a.mode) for a in made] == [(SCENARIO, "exam")]
    assert len((await assignments.of_cohort(w.repo, w.me("admin"), str(w.cohort_id)))[1]) == 1
    for who, reason in (
        ("other_trainer", "unknown_cohort"),
        ("jury", "not_allowed"),
        ("candidate", "not_allowed"),
    ):
        with pytest.raises(Refused) as refused:
            await assignments.of_cohort(w.repo, w.me(who), str(w.cohort_id))
        assert refused.value.reason == reason


async def test_a_spoken_turn_s_audio_for_the_candidate_s_trainer_only(repo: Repository) -> None:
    w = await build_world(repo)
    candidate = w.me("candidate").user_id
    session = repo.start_session(candidate, w.catalog.scenarios[SCENARIO], "fr", "voice")  # type: ignore[arg-type]
    repo.add_turn(session, Turn(speaker="candidate", text="Bonjour"), audio_bytes=b"OggS voice")
    repo.finish_session(session)
    assert await transcripts.audio(w.repo, w.me("trainer"), str(session), 1) == b"OggS voice"
    assert await transcripts.audio(w.repo, w.me("admin"), str(session), 1) == b"OggS voice"
    for who, reason in (
        ("other_trainer", "unknown_session"),
        ("jury", "not_allowed"),
        ("candidate", "not_allowed"),
    ):
        with pytest.raises(Refused) as refused:
            await transcripts.audio(w.repo, w.me(who), str(session), 1)
        assert refused.value.reason == reason
    with pytest.raises(Refused) as none:
        await transcripts.audio(w.repo, w.me("trainer"), str(w.session_id), 1)
    assert none.value.reason == "no_audio"
    with pytest.raises(Refused):
        await transcripts.audio(w.repo, w.me("trainer"), "999999", 1)


async def test_the_jury_lints_without_storing_and_edits_from_the_latest_upload(repo: Repository) -> None:
    w = await build_world(repo)
    source = LIBRARY_FILE.read_text(encoding="utf-8")
    clean = await scripts.check(w.me("jury"), "script.yaml", source)
    assert clean.problems == [] and clean.scenario is not None and clean.number is None
    assert repo.uploaded_scripts() == []
    broken = await scripts.check(w.me("jury"), "script.yaml", source.replace("kind:", "kindd:", 1))
    assert broken.problems and all(p.startswith("script.yaml:") for p in broken.problems)
    with pytest.raises(Refused):
        await scripts.check(w.me("trainer"), "script.yaml", source)

    assert await scripts.source_to_edit(w.repo, w.me("jury"), SCENARIO) == source  # the library file
    assert await scripts.source_to_edit(w.repo, w.me("jury"), "no-such-script") is None
    assert await scripts.source_to_edit(w.repo, w.me("jury"), "../etc/passwd") is None
    version = w.catalog.scenarios[SCENARIO].version
    bumped = source.replace(f"version: {version}\n", f"version: {version + 1}\n", 1)
    uploaded = await scripts.upload(w.repo, w.me("jury"), "script.yaml", bumped.encode())
    assert uploaded.number is not None
    assert await scripts.source_to_edit(w.repo, w.me("jury"), SCENARIO) == bumped

    mine = await scripts.list_uploads(w.repo, w.me("jury"), w.catalog, mine=True)
    assert [s.id for s in mine.scripts] == [uploaded.number]
    assert (await scripts.list_uploads(w.repo, w.me("admin"), w.catalog, mine=True)).scripts == []
    assert len((await scripts.list_uploads(w.repo, w.me("admin"), w.catalog)).scripts) == 1
