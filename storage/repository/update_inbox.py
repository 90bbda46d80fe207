"""Telegram updates: handled once (the processed ids), and held as received until handled to their end."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlmodel import col

from storage.records import PendingUpdate
from storage.repository.base import RepositoryBase
from storage.tables import ProcessedUpdateRow, UpdateInboxRow, table_of


class UpdateInboxMixin(RepositoryBase):
    """Processed updates and the update inbox."""

    def mark_update_processed(self, update_id: int) -> bool:
        """Record a Telegram update as handled; False if it already was (race-safe)."""
        with self._session() as s, s.begin():
            return self._insert_ignore(
                s, ProcessedUpdateRow, dict(update_id=update_id, processed_at=self._clock())
            )

    def forget_processed_updates(self, older_than: timedelta) -> int:
        """Drop update ids older than `older_than` (Telegram stops redelivering after 24 h), and the
        inbox's done updates as old."""
        cutoff = self._clock() - older_than
        with self._session() as s, s.begin():
            result = s.execute(
                delete(ProcessedUpdateRow).where(col(ProcessedUpdateRow.processed_at) < cutoff)
            )
            s.execute(
                delete(UpdateInboxRow).where(
                    col(UpdateInboxRow.done_at).is_not(None), col(UpdateInboxRow.received_at) < cutoff
                )
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    # update inbox ----------------------------------------------------------------------------

    def hold_update(self, update_id: int, chat_id: int | None, payload: Mapping[str, Any]) -> bool:
        """Hold a Telegram update as received (write-ahead, before Telegram is told it arrived);
        False when it is already held or was handled (a redelivery: nothing is stored)."""
        with self._session() as s, s.begin():
            return self._insert_ignore(
                s,
                UpdateInboxRow,
                {
                    "update_id": update_id,
                    "chat_id": chat_id,
                    "payload": dict(payload),
                    "attempts": 0,
                    "received_at": self._clock(),
                },
            )

    def update_done(self, update_id: int) -> None:
        """The update has been handled to its end: its content is cleared, its id kept (a redelivery
        is recognised) until `forget_processed_updates`."""
        now = self._clock()
        with self._session() as s, s.begin():
            result = s.connection().execute(_CLEAR_UPDATE, {"update": update_id, "done": now})
            if not result.rowcount:
                self._insert_ignore(
                    s,
                    UpdateInboxRow,
                    {
                        "update_id": update_id,
                        "chat_id": None,
                        "payload": None,
                        "attempts": 0,
                        "received_at": now,
                        "done_at": now,
                    },
                )

    def pending_updates(self, *, older_than: timedelta = timedelta(0)) -> list[PendingUpdate]:
        """The held updates not handled to their end, received at least `older_than` ago, in order."""
        with self._session() as s:
            rows = s.scalars(
                select(UpdateInboxRow)
                .where(
                    col(UpdateInboxRow.done_at).is_(None),
                    col(UpdateInboxRow.received_at) <= self._clock() - older_than,
                )
                .order_by(col(UpdateInboxRow.update_id))
            )
            return [
                PendingUpdate(r.update_id, r.chat_id, dict(r.payload or {}), r.attempts, r.received_at)
                for r in rows
            ]

    def count_update_attempt(self, update_id: int) -> int:
        """One more attempt at a held update (a replay after a crash or a failure); the new count."""
        with self._session() as s, s.begin():
            return int(
                s.execute(
                    update(UpdateInboxRow)
                    .where(col(UpdateInboxRow.update_id) == update_id)
                    .values(attempts=col(UpdateInboxRow.attempts) + 1)
                    .returning(col(UpdateInboxRow.attempts))
                    .execution_options(synchronize_session=False)
                ).scalar_one_or_none()
                or 0
            )

    def held_update(self, update_id: int) -> PendingUpdate | None:
        """One held update not handled to its end (None when it is done or was never held): what a
        queue worker reads back by update id (`bot.queue.worker`)."""
        with self._session() as s:
            r = s.get(UpdateInboxRow, update_id)
            if r is None or r.done_at is not None:
                return None
            return PendingUpdate(r.update_id, r.chat_id, dict(r.payload or {}), r.attempts, r.received_at)


# built once: run for every update (see SessionsMixin's turn statements)
_inbox = table_of(UpdateInboxRow)
_CLEAR_UPDATE = (
    update(_inbox)
    .where(_inbox.c.update_id == bindparam("update"))
    .values(payload=None, done_at=bindparam("done", type_=_inbox.c.done_at.type))
)
