"""Users: created once per Telegram account (race-safe) or display name, found by reference."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlmodel import col

from scenarios.model import Lang
from storage.records import AmbiguousUser, NotFound, Role, UserRecord
from storage.repository.base import _MAX_ID, RepositoryBase, _user, logger
from storage.tables import UserRow


class UsersMixin(RepositoryBase):
    """Users."""

    def get_or_create_user(
        self,
        *,
        telegram_id: int | None = None,
        display_name: str,
        language: Lang = "fr",
        role: Role = "candidate",
    ) -> int:
        """The id of the user with this Telegram id (or, without one, this display name, among users
        without Telegram), created with these values if new; an existing user is left unchanged
        (see `update_user`, and `user` for the record). Race-safe for Telegram users (unique key).
        """
        with self._session() as s, s.begin():
            if telegram_id is not None:
                values = dict(
                    telegram_id=telegram_id,
                    display_name=display_name,
                    language=language,
                    role=role,
                    created_at=self._clock(),
                )
                if self._insert_ignore(s, UserRow, values):
                    logger.info("new user for a Telegram account")
                found_id = s.scalars(
                    select(col(UserRow.id)).where(col(UserRow.telegram_id) == telegram_id)
                ).one()
                assert found_id is not None
                return found_id
            found = s.scalars(
                select(col(UserRow.id))
                .where(col(UserRow.telegram_id).is_(None), col(UserRow.display_name) == display_name)
                .order_by(col(UserRow.id))
            ).first()
            if found is not None:
                return found
            row = UserRow(display_name=display_name, language=language, role=role, created_at=self._clock())
            s.add(row)
            s.flush()
            assert row.id is not None
            logger.info("new local user %s", row.id)
            return row.id

    def telegram_user(self, telegram_id: int, *, display_name: str, language: Lang = "fr") -> UserRecord:
        """The user of this Telegram account: one read when it exists (the common case, no write);
        created with these values (as `get_or_create_user`, race-safe) on first contact."""
        with self._session() as s:
            row = s.scalars(_USER_BY_TELEGRAM_ID, {"telegram_id": telegram_id}).first()
            if row is not None:
                return _user(row)
        return self.user(
            self.get_or_create_user(telegram_id=telegram_id, display_name=display_name, language=language)
        )

    def user(self, user_id: int) -> UserRecord:
        with self._session() as s:
            return _user(self._get(s, UserRow, user_id, "user"))

    def update_user(
        self,
        user_id: int,
        *,
        display_name: str | None = None,
        language: Lang | None = None,
        role: Role | None = None,
        voice_replies: bool | None = None,
    ) -> UserRecord:
        """Change a user's display name, language, role or voice-reply choice (None leaves a field as
        it is)."""
        with self._session() as s, s.begin():
            row = self._get(s, UserRow, user_id, "user")
            if display_name is not None:
                row.display_name = display_name
            if language is not None:
                row.language = language
            if role is not None:
                row.role = role
            if voice_replies is not None:
                row.voice_replies = voice_replies
            return _user(row)

    def find_user(self, ref: str | int) -> UserRecord:
        """A user by reference, for the CLI.

        `id:12`, `tg:123456789` (or `telegram:`), `name:Alice` are explicit; a bare number is a user
        id or a Telegram id (ambiguous if it is both, for different users); anything else a display
        name. Raises `NotFound` or `AmbiguousUser`.
        """
        with self._session() as s:
            if isinstance(ref, int):
                return _user(self._get(s, UserRow, ref, "user"))
            ref = ref.strip()
            kind, _, value = ref.partition(":")
            if value and kind in ("id", "tg", "telegram", "name"):
                if kind == "name":
                    return self._by_name(s, value)
                if not value.lstrip("-").isdigit():
                    raise NotFound(f"not a number: {value!r}")
                if kind == "id":
                    return _user(self._get(s, UserRow, int(value), "user"))
                row = s.scalars(select(UserRow).where(col(UserRow.telegram_id) == int(value))).first()
                if row is None:
                    raise NotFound(f"no user with Telegram id {value}")
                return _user(row)
            if ref.isdigit():
                by_id = s.get(UserRow, int(ref)) if int(ref) <= _MAX_ID else None
                by_tg = s.scalars(select(UserRow).where(col(UserRow.telegram_id) == int(ref))).first()
                if by_id is not None and by_tg is not None and by_id.id != by_tg.id:
                    raise AmbiguousUser(f"{ref} is user id {by_id.id} and the Telegram id of user {by_tg.id}")
                found = by_id or by_tg
                if found is not None:
                    return _user(found)
            return self._by_name(s, ref)

    @staticmethod
    def _by_name(s: Session, name: str) -> UserRecord:
        rows = list(s.scalars(select(UserRow).where(col(UserRow.display_name) == name)))
        if not rows:
            raise NotFound(f"no user named {name!r}")
        if len(rows) > 1:
            ids = ", ".join(str(r.id) for r in rows)
            raise AmbiguousUser(f"{len(rows)} users are named {name!r} (ids {ids}): use id:N")
        return _user(rows[0])


# built once: every update reads its user (see SessionsMixin's turn statements)
_USER_BY_TELEGRAM_ID = select(UserRow).where(col(UserRow.telegram_id) == bindparam("telegram_id"))
