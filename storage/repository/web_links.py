"""The web console's one-time sign-in links (only their tokens' hashes are kept)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import col

from storage.repository.base import RepositoryBase
from storage.tables import UserRow, WebLinkRow


class WebLinksMixin(RepositoryBase):
    """Web console sign-in links."""

    def add_web_link(self, user_id: int, token_hash: str, *, expires_at: datetime) -> int:
        """Keep a one-time sign-in link (the hash of its token) for a user; returns its id."""
        with self._session() as s, s.begin():
            self._get(s, UserRow, user_id, "user")
            row = WebLinkRow(
                token_hash=token_hash, user_id=user_id, created_at=self._clock(), expires_at=expires_at
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            return row.id

    def spend_web_link(self, token_hash: str) -> int | None:
        """Spend a sign-in link, once: the user id when it was unused and not expired (it is then
        marked used, in one UPDATE, so two clicks at once open one session), else None."""
        now = self._clock()
        with self._session() as s, s.begin():
            row = s.scalars(select(WebLinkRow).where(col(WebLinkRow.token_hash) == token_hash)).first()
            if row is None or row.used_at is not None or row.expires_at <= now:
                return None
            spent = s.execute(
                update(WebLinkRow)
                .where(col(WebLinkRow.id) == row.id, col(WebLinkRow.used_at).is_(None))
                .values(used_at=now)
                .execution_options(synchronize_session=False)
            )
            return row.user_id if int(spent.rowcount) == 1 else None  # type: ignore[attr-defined]
