"""Finished sessions as staff read them.

- **Jury members** read without the candidates' names: a script's finished sessions (the jury's own
  trials left out), and any finished session with the candidate unnamed (`bot.anonymous_transcripts`
  blanks their name, the names they give, e-mails and phone numbers).
- **Trainers** know their candidates: the finished sessions of their cohort's members, named, and any
  one of them in full, named. A session of someone outside their cohorts is answered like a session
  that does not exist (`unknown_session`). An admin reads as a trainer the sessions of any cohort's
  member, and as the jury the others.

Each reading is logged with the reader's id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot import anonymous_transcripts
from bot.catalog import Catalog
from bot.core import cohorts
from bot.core.principal import Principal, Refused, StaffRole
from storage.records import CohortRecord, NotFound, ScorecardRecord, SessionRecord, SessionSummary, UserRecord
from storage.repository import AsyncRepository

log = logging.getLogger(__name__)

READERS: tuple[StaffRole, ...] = ("trainer", "jury")


@dataclass(frozen=True)
class ScriptSessions:
    """A script's finished sessions, oldest first, without candidates (the jury's view)."""

    scenario_id: str
    sessions: list[tuple[SessionSummary, ScorecardRecord | None]]

    def lines(self, lang: str, last: int | None = None) -> list[str]:
        shown = self.sessions[-last:] if last else self.sessions
        return anonymous_transcripts.session_list(shown, lang)


@dataclass(frozen=True)
class CohortSessions:
    """A cohort's members' finished sessions, oldest first, named (a trainer's view)."""

    cohort: CohortRecord
    sessions: list[tuple[UserRecord, SessionSummary, ScorecardRecord]]

    def lines(self, lang: str, last: int | None = None) -> list[str]:
        shown = self.sessions[-last:] if last else self.sessions
        return [
            anonymous_transcripts.session_line(summary, card, lang, name=candidate.display_name)
            for candidate, summary, card in shown
        ]


async def script_sessions(repo: AsyncRepository, me: Principal, scenario_id: str) -> ScriptSessions:
    """A script's finished sessions, without the candidates; jury members' trials left out (jury)."""
    me.require("jury")
    trials = await repo.trial_sessions(scenario_id)
    found = [
        (summary, card)
        for summary, card in await repo.scenario_sessions(scenario_id)
        if summary.id not in trials
    ]
    return ScriptSessions(scenario_id, found)


async def cohort_sessions(repo: AsyncRepository, me: Principal, cohort_ref: str) -> CohortSessions:
    """The finished sessions of one of the principal's cohorts' members, named, oldest first (trainers)."""
    cohort = await cohorts.one(repo, me, cohort_ref)
    found = sorted(await repo.cohort_scorecards(cohort.id), key=lambda row: (row[1].started_at, row[1].id))
    log.info("cohort %s sessions listed by user %s", cohort.id, me.user_id)
    return CohortSessions(cohort, found)


async def sessions(repo: AsyncRepository, me: Principal, ref: str) -> ScriptSessions | CohortSessions:
    """What `/transcripts <ref>` lists: a trainer's cohort when `ref` names one of theirs (or when they
    are not on the jury), else a script's sessions for the jury."""
    me.require(*READERS)
    if me.has("trainer") and (not me.has("jury") or await cohorts.find(repo, me, ref)):
        return await cohort_sessions(repo, me, ref)
    return await script_sessions(repo, me, (ref.split() or [ref])[0][:100])


@dataclass(frozen=True)
class Reading:
    """A finished session as the principal may read it: `named` for a trainer of the candidate,
    anonymous otherwise."""

    record: SessionRecord
    card: ScorecardRecord | None
    candidate_name: str
    persona_name: str
    named: bool

    def lines(self, lang: str) -> list[tuple[str, str, bool]]:
        """Each turn as (speaker, text, said by the candidate): the candidate named for a trainer, else
        labelled "Candidat·e" / "Candidate" with their names, e-mails and phone numbers blanked out."""
        if self.named:
            return [
                (
                    self.candidate_name if turn.speaker == "candidate" else self.persona_name,
                    turn.text,
                    turn.speaker == "candidate",
                )
                for turn in self.record.turns
            ]
        shown = anonymous_transcripts.anonymous_lines(
            self.record, self.candidate_name, self.persona_name, lang
        )
        return [
            (line.speaker, line.text, turn.speaker == "candidate")
            for line, turn in zip(shown, self.record.turns, strict=True)
        ]

    def text(self, lang: str) -> str:
        if self.named:
            return anonymous_transcripts.named_transcript_text(
                self.record, self.card, self.candidate_name, self.persona_name, lang
            )
        return anonymous_transcripts.transcript_text(
            self.record, self.card, self.candidate_name, self.persona_name, lang
        )


async def read(
    repo: AsyncRepository, me: Principal, catalog: Catalog, ref: str, *, anonymous: bool = False
) -> Reading:
    """A finished session in full: named when the principal trains its candidate (and `anonymous` is
    not asked for), without the candidate's name for the jury; `unknown_session` otherwise."""
    me.require(*READERS)
    if anonymous:
        me.require("jury")
    try:
        record: SessionRecord | None = await repo.session(int(ref)) if ref.isdigit() else None
    except NotFound:
        record = None
    named = False
    if record is not None and record.status == "finished" and not anonymous:
        named = me.has("trainer") and await cohorts.trains(repo, me, record.user_id)
    if record is None or record.status != "finished" or not (named or me.has("jury")):
        raise Refused("unknown_session", ref=ref)
    candidate = await repo.user(record.user_id)
    persona = catalog.personas.get(record.scenario.persona)
    persona_name = persona.name if persona is not None else record.scenario.persona
    card = await repo.latest_scorecard(record.id)
    log.info("session %s read by %s %s", record.id, "trainer" if named else "jury member", me.user_id)
    return Reading(record, card, candidate.display_name, persona_name, named)


async def audio(repo: AsyncRepository, me: Principal, session_ref: str, number: int) -> bytes:
    """The raw audio of a spoken turn, for a trainer of the session's candidate only (`unknown_session`
    for anyone else, as for a session that does not exist; `no_audio` when none is kept)."""
    me.require("trainer")
    try:
        record = await repo.session(int(session_ref)) if session_ref.isdigit() else None
    except NotFound:
        record = None
    if record is None or not await cohorts.trains(repo, me, record.user_id):
        raise Refused("unknown_session", ref=session_ref)
    data = await repo.audio(record.id, number)
    if data is None:
        raise Refused("no_audio", ref=session_ref, turn=number)
    log.info("session %s turn %s audio heard by trainer %s", record.id, number, me.user_id)
    return data
