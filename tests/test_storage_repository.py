"""The repository on SQLite and PostgreSQL: sessions, turns, scorecards, update ids, concurrency."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from scenarios.model import Audio, Scenario, Turn, Word
from storage.repository import (
    AmbiguousUser,
    AsyncRepository,
    DuplicateUpdate,
    NotFound,
    Repository,
    SessionClosed,
)
from tests.conftest import make_scenario


def _spoken(text: str) -> Turn:
    words = [Word(w=w, start=0.3 * i, end=0.3 * i + 0.25) for i, w in enumerate(text.split())]
    return Turn(speaker="candidate", text=text, lang="en", audio=Audio(duration_s=4.2, words=words))


def test_users_are_created_once_and_found_by_reference(repo: Repository) -> None:
    alice = repo.get_or_create_user(telegram_id=5_000_000_001, display_name="Alice", language="en")
    assert repo.get_or_create_user(telegram_id=5_000_000_001, display_name="Renamed") == alice
    local = repo.get_or_create_user(display_name="bob")
    assert repo.get_or_create_user(display_name="bob") == local != alice
    record = repo.user(alice)
    assert (record.telegram_id, record.display_name, record.language, record.role) == (
        5_000_000_001,
        "Alice",
        "en",
        "candidate",
    )
    assert record.created_at.tzinfo is not None
    assert repo.find_user(str(alice)).id == alice
    assert repo.find_user("5000000001").id == alice
    assert repo.find_user("tg:5000000001").id == alice
    assert repo.find_user(f"id:{local}").id == local
    assert repo.find_user("bob").id == local
    assert repo.find_user(local).id == local
    repo.get_or_create_user(telegram_id=5_000_000_002, display_name="bob")
    with pytest.raises(AmbiguousUser):
        repo.find_user("bob")
    with pytest.raises(NotFound):
        repo.find_user("nobody")
    assert repo.update_user(local, role="trainer", language="en").role == "trainer"


def test_turns_round_trip(repo: Repository, sample_scenario: Scenario) -> None:
    user = repo.get_or_create_user(display_name="alice")
    session_id = repo.start_session(user, sample_scenario, "en", "voice", "llm")
    assert (
        repo.add_turn(
            session_id,
            Turn(speaker="persona", text="Hello, I'm listening.", lang="en"),
            engine="scripted",
            fell_back=True,
        )
        == 1
    )
    spoken = _spoken("What volumes do you forecast for next year?")
    fluency = {"words_per_minute": 131.5, "pauses": [{"at": 1.2, "s": 0.8}], "fillers": 1}
    number = repo.add_turn(
        session_id, spoken, confidence=0.87, fluency=fluency, audio_bytes=b"OggS\x00\xff raw"
    )
    assert number == 2

    record = repo.session(session_id)
    assert record.turns == [Turn(speaker="persona", text="Hello, I'm listening.", lang="en"), spoken]
    assert record.turns[1].audio is not None and record.turns[1].audio.words[3].w == "you"
    assert record.scenario == sample_scenario
    assert (record.user_id, record.language, record.mode, record.engine, record.status) == (
        user,
        "en",
        "voice",
        "llm",
        "active",
    )
    persona_meta, candidate_meta = record.meta
    assert (persona_meta.number, persona_meta.engine, persona_meta.fell_back, persona_meta.has_audio) == (
        1,
        "scripted",
        True,
        False,
    )
    assert (candidate_meta.confidence, candidate_meta.fluency, candidate_meta.has_audio) == (
        0.87,
        fluency,
        True,
    )
    assert candidate_meta.created_at.tzinfo is not None
    assert record.next_turn_number == 3
    assert repo.audio(session_id, 2) == b"OggS\x00\xff raw"
    assert repo.audio(session_id, 1) is None

    transcript = repo.transcript(session_id)
    assert transcript.scenario == sample_scenario.id and transcript.kind == sample_scenario.kind
    assert transcript.language == "en" and transcript.turns == record.turns


def test_session_lifecycle(repo: Repository, sample_scenario: Scenario) -> None:
    user = repo.get_or_create_user(display_name="alice")
    assert repo.active_session(user) is None
    first = repo.start_session(user, sample_scenario, "fr")
    second = repo.start_session(user, sample_scenario, "en")
    active = repo.active_session(user)
    assert active is not None and active.id == second
    repo.set_session_state(second, {"telegram": {"last_message_id": 42}})
    assert repo.session(second).state == {"telegram": {"last_message_id": 42}}
    assert repo.finish_session(second) is True
    assert repo.finish_session(second) is False
    ended = repo.session(second)
    assert ended.status == "finished" and ended.ended_at is not None and ended.ended_at >= ended.started_at
    with pytest.raises(SessionClosed):
        repo.add_turn(second, Turn(speaker="candidate", text="too late"))
    assert repo.active_session(user).id == first  # type: ignore[union-attr]
    repo.finish_session(first, "abandoned")
    assert [s.status for s in repo.sessions_for_user(user)] == ["abandoned", "finished"]
    assert repo.sessions_for_user(user, "finished")[0].id == second
    with pytest.raises(NotFound):
        repo.session(999_999)
    with pytest.raises(NotFound):
        repo.add_turn(999_999, Turn(speaker="candidate", text="?"))


def test_the_frozen_script_is_unaffected_by_later_scenario_edits(repo: Repository) -> None:
    user = repo.get_or_create_user(display_name="alice")
    original = make_scenario()
    session_id = repo.start_session(user, original, "fr")
    edited = make_scenario(
        version=2,
        title={"fr": "Titre modifié", "en": "Edited title"},
        max_turns=40,
        closing={"fr": ["Autre fin."], "en": ["Another ending."]},
    )
    later = repo.start_session(user, edited, "fr")
    frozen = repo.session(session_id).scenario
    assert frozen == original and frozen.title.en == "Test negotiation" and frozen.max_turns == 12
    assert repo.session(later).scenario == edited
    assert repo.session(later).scenario_version == 2 and repo.session(session_id).scenario_version == 1


def test_concurrent_add_turn_gives_distinct_consecutive_numbers(
    repo: Repository, sample_scenario: Scenario
) -> None:
    user = repo.get_or_create_user(display_name="alice")
    session_id = repo.start_session(user, sample_scenario, "fr")
    threads, per_thread = 8, 10
    barrier = threading.Barrier(threads)

    def writer(k: int) -> list[int]:
        barrier.wait()
        return [
            repo.add_turn(session_id, Turn(speaker="candidate", text=f"w{k}-{i}")) for i in range(per_thread)
        ]

    with ThreadPoolExecutor(threads) as pool:
        numbers = [n for result in pool.map(writer, range(threads)) for n in result]
    assert sorted(numbers) == list(range(1, threads * per_thread + 1))
    record = repo.session(session_id)
    assert [m.number for m in record.meta] == list(range(1, threads * per_thread + 1))
    assert sorted(t.text for t in record.turns) == sorted(
        f"w{k}-{i}" for k in range(threads) for i in range(per_thread)
    )


def test_the_same_update_twice_is_processed_once(repo: Repository) -> None:
    assert repo.mark_update_processed(123_456_789) is True
    assert repo.mark_update_processed(123_456_789) is False
    assert repo.mark_update_processed(123_456_790) is True


def test_concurrent_marks_of_one_update_let_exactly_one_through(repo: Repository) -> None:
    threads = 8
    barrier = threading.Barrier(threads)

    def mark(_: int) -> bool:
        barrier.wait()
        return repo.mark_update_processed(987_654)

    with ThreadPoolExecutor(threads) as pool:
        assert sorted(pool.map(mark, range(threads))) == [False] * (threads - 1) + [True]


def test_a_redelivered_update_stores_one_turn(repo: Repository, sample_scenario: Scenario) -> None:
    user = repo.get_or_create_user(telegram_id=42_000_000_000, display_name="alice")
    session_id = repo.start_session(user, sample_scenario, "fr")
    turn = Turn(speaker="candidate", text="Quels volumes prévoyez-vous ?")
    assert repo.add_turn(session_id, turn, update_id=1001) == 1
    with pytest.raises(DuplicateUpdate):
        repo.add_turn(session_id, turn, update_id=1001)
    assert repo.session(session_id).turns == [turn]
    assert repo.add_turn(session_id, turn, update_id=1002) == 2  # numbering not disturbed
    assert repo.mark_update_processed(1001) is False


def test_scorecards_are_proposed_then_reviewed(repo: Repository, sample_scenario: Scenario) -> None:
    candidate = repo.get_or_create_user(display_name="alice")
    trainer = repo.get_or_create_user(display_name="trainer", role="trainer")
    session_id = repo.start_session(candidate, sample_scenario, "fr")
    card = {
        "format": "oralblanc.scorecard/1",
        "criteria": [{"code": "BLOC2.A2.C2.CR2", "level": 2}],
        "overall": {"score_20": 12.5, "review_required": False},
    }
    first = repo.save_scorecard(session_id, card, "detectors-0.1")
    proposed = repo.latest_scorecard(session_id)
    assert proposed is not None and proposed.id == first and proposed.review_status == "proposed"
    assert proposed.data == card and proposed.effective == card and proposed.reviewer_id is None

    confirmed = repo.review_scorecard(first, reviewer_id=trainer, status="confirmed", comment="OK")
    assert (confirmed.review_status, confirmed.reviewer_id, confirmed.comment) == ("confirmed", trainer, "OK")
    assert confirmed.reviewed_at is not None and confirmed.reviewed_at.tzinfo is not None

    amended_card = {**card, "overall": {"score_20": 14.0, "review_required": False}}
    amended = repo.review_scorecard(first, reviewer_id=trainer, status="amended", amended=amended_card)
    assert amended.data == card and amended.effective == amended_card
    with pytest.raises(ValueError):
        repo.review_scorecard(first, reviewer_id=trainer, status="amended")
    second = repo.save_scorecard(session_id, card, "detectors-0.2")
    assert [c.id for c in repo.scorecards(session_id)] == [first, second]


def test_cohorts_and_assignments(repo: Repository) -> None:
    trainer = repo.get_or_create_user(display_name="trainer", role="trainer")
    alice = repo.get_or_create_user(display_name="alice")
    bob = repo.get_or_create_user(display_name="bob")
    cohort = repo.create_cohort("MDC 2026", owner_id=trainer, invite_code="join-abc")
    assert repo.cohort_by_invite("join-abc").id == cohort  # type: ignore[union-attr]
    assert repo.cohort_by_invite("nope") is None
    assert repo.add_member(cohort, alice) is True
    assert repo.add_member(cohort, alice) is False
    assert [u.id for u in repo.members(cohort)] == [alice]
    due = datetime(2026, 12, 15, 18, 0, tzinfo=UTC)
    to_cohort = repo.assign(
        "storage-test-negotiation",
        scenario_version=1,
        cohort_id=cohort,
        due_at=due,
        mode="exam",
        created_by=trainer,
    )
    to_bob = repo.assign("storage-test-negotiation", user_id=bob)
    assert [(a.id, a.due_at, a.mode) for a in repo.assignments_for_user(alice)] == [(to_cohort, due, "exam")]
    assert [a.id for a in repo.assignments_for_user(bob)] == [to_bob]
    with pytest.raises(ValueError):
        repo.assign("x", cohort_id=cohort, user_id=bob)


async def test_the_async_repository_runs_off_the_event_loop(
    repo: Repository, sample_scenario: Scenario
) -> None:
    loop_thread = threading.get_ident()
    seen: list[int] = []
    original = repo.add_turn

    def spy(*args: object, **kwargs: object) -> int:
        seen.append(threading.get_ident())
        return original(*args, **kwargs)  # type: ignore[arg-type]

    repo.add_turn = spy  # type: ignore[method-assign]
    arepo = AsyncRepository(repo)
    user = await arepo.get_or_create_user(display_name="alice")
    session_id = await arepo.start_session(user, sample_scenario, "fr")
    assert await arepo.add_turn(session_id, Turn(speaker="candidate", text="Bonjour"), update_id=7) == 1
    with pytest.raises(DuplicateUpdate):
        await arepo.add_turn(session_id, Turn(speaker="candidate", text="Bonjour"), update_id=7)
    assert seen and all(ident != loop_thread for ident in seen)
    assert (await arepo.session(session_id)).turns[0].text == "Bonjour"
    assert (await arepo.transcript(session_id)).turns[0].text == "Bonjour"
    assert await arepo.mark_update_processed(8) is True


def test_jury_scripts_are_stored_then_published(repo: Repository, sample_scenario: Scenario) -> None:
    jury = repo.get_or_create_user(display_name="jury", role="jury")
    assert repo.latest_upload(sample_scenario.id) is None
    v2 = sample_scenario.model_copy(update={"version": 2})
    v3 = sample_scenario.model_copy(update={"version": 3})
    first = repo.save_script(v2, "id: x\nversion: 2\n", uploaded_by=jury)
    second = repo.save_script(v3, "id: x\nversion: 3\n", uploaded_by=jury)
    latest = repo.latest_upload(sample_scenario.id)
    assert latest is not None and (latest.id, latest.version, latest.published) == (second, 3, False)
    assert Scenario.model_validate(latest.script) == v3 and latest.source.startswith("id: x")
    assert repo.published_scripts() == []
    published = repo.publish_script(first, published_by=jury)
    assert published.published and published.published_at is not None and published.published_by == jury
    repo.publish_script(second)
    assert [(p.id, p.version) for p in repo.published_scripts()] == [(first, 2), (second, 3)]
    assert [p["version"] for p in repo.export_user(jury)["scripts_uploaded"]] == [2, 3]
    with pytest.raises(NotFound):
        repo.publish_script(9999)
    report = repo.erase_user(jury)
    assert report.detached["published_scripts.uploaded_by"] == 2
    assert report.detached["published_scripts.published_by"] == 1
    assert [(p.uploaded_by, p.published_by) for p in repo.published_scripts()] == [(None, None), (None, None)]


def test_assignment_attempts_are_counted(repo: Repository, sample_scenario: Scenario) -> None:
    alice = repo.get_or_create_user(display_name="alice")
    exam = repo.assign(sample_scenario.id, user_id=alice, mode="exam", attempts=1)
    free = repo.assign(sample_scenario.id, user_id=alice)
    assert [(a.id, a.attempts) for a in repo.assignments_for_user(alice)] == [(exam, 1), (free, None)]
    assert repo.attempts_used(alice, exam) == 0
    session = repo.start_session(alice, sample_scenario, "fr", assignment_id=exam)
    repo.finish_session(session, "abandoned")
    repo.start_session(alice, sample_scenario, "fr")
    assert repo.attempts_used(alice, exam) == 1 and repo.attempts_used(alice, free) == 0
