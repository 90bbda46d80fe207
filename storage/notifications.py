"""Catalog changes announced to every process through PostgreSQL notifications (LISTEN/NOTIFY).

- `notify_catalog(session, payload)`: the writer of a catalog change (a script published) calls it
  inside its own transaction: `pg_notify('oralblanc_catalog', payload)`. PostgreSQL delivers a
  notification only when (and after) that transaction commits, so a listener that hears it reads the
  change already committed, and a rolled-back change is never announced. On SQLite it does nothing
  (one process: the embedded default polls, `bot.services`).
- `CatalogListener`: one dedicated psycopg async connection per process, in autocommit, doing
  `LISTEN oralblanc_catalog`; for each notification it awaits `on_change(payload)`. Each time it
  (re)connects it awaits `on_change(None)` once, so a change committed while it was not listening is
  not missed. A dropped connection (server restart, `pg_terminate_backend`, network) is reconnected
  with exponential backoff (with jitter, capped); TCP keepalives detect a peer that vanished without
  closing. A failing `on_change` is treated like a dropped connection: reconnect, then refresh again.
  Everything runs on the event loop without blocking it (psycopg's async connection).

The payload is informative only (logged): listeners reload the whole catalog whatever it says.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from storage.db import normalize_url

log = logging.getLogger(__name__)

CATALOG_CHANNEL = "oralblanc_catalog"
"""The channel catalog changes are announced on."""

OnChange = Callable[[str | None], Awaitable[Any]]

# libpq's TCP keepalives: a silent peer is found dead within about idle + interval × count seconds.
_KEEPALIVES: dict[str, Any] = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}


def is_postgres(url: str) -> bool:
    """Whether a database URL (any spelling `storage.db` accepts) is PostgreSQL."""
    try:
        return make_url(normalize_url(url)).get_backend_name() == "postgresql"
    except Exception:
        return False


def libpq_url(url: str) -> str:
    """The libpq URL (`postgresql://…`) psycopg connects to, from a SQLAlchemy PostgreSQL URL."""
    return make_url(normalize_url(url)).set(drivername="postgresql").render_as_string(hide_password=False)


def notify_catalog(session: Session, payload: str) -> None:
    """Announce a catalog change on `CATALOG_CHANNEL`, in the session's transaction (PostgreSQL only):
    sent if and when that transaction commits."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_notify(:channel, :payload)"), {"channel": CATALOG_CHANNEL, "payload": payload}
        )


class CatalogListener:
    """`LISTEN oralblanc_catalog` on a dedicated connection until `aclose` (see the module)."""

    def __init__(
        self,
        url: str,
        on_change: OnChange,
        *,
        channel: str = CATALOG_CHANNEL,
        min_backoff: float = 0.5,
        max_backoff: float = 30.0,
        connect_timeout: int = 10,
    ) -> None:
        self.conninfo = libpq_url(url)
        self.on_change = on_change
        self.channel = channel
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.connect_timeout = connect_timeout
        self.listening = asyncio.Event()  # set while LISTEN is in place (and the refresh after it done)
        self.connections = 0  # how many times LISTEN was set up (1 + reconnections)
        self.notifications = 0  # how many notifications were heard
        self.backend_pid: int | None = None  # the server process of the current connection
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="oralblanc-catalog-listener")

    async def wait_listening(self, timeout: float | None = None) -> None:
        """Until LISTEN is in place (and the refresh that follows each connection done)."""
        await asyncio.wait_for(self.listening.wait(), timeout)

    async def aclose(self) -> None:
        """Stop listening and close the connection."""
        self._closing = True
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        import psycopg
        from psycopg import sql

        delay = self.min_backoff
        while not self._closing:
            try:
                connection = await psycopg.AsyncConnection.connect(
                    self.conninfo,
                    autocommit=True,
                    connect_timeout=self.connect_timeout,
                    application_name="oralblanc-catalog-listener",
                    **_KEEPALIVES,
                )
            except (psycopg.Error, OSError) as error:
                log.warning("catalog listener: cannot connect (%s); again in %.1f s", _reason(error), delay)
            else:
                try:
                    await connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
                    self.backend_pid = connection.info.backend_pid
                    self.connections += 1
                    if self.connections > 1:
                        log.info("catalog listener: listening again on %s", self.channel)
                    await self.on_change(None)  # what changed while nobody was listening
                    self.listening.set()
                    delay = self.min_backoff
                    async for notify in connection.notifies():
                        self.notifications += 1
                        log.debug("catalog listener: %s", notify.payload)
                        await self.on_change(notify.payload)
                except (psycopg.Error, OSError) as error:
                    if not self._closing:
                        log.warning(
                            "catalog listener: connection lost (%s); reconnecting in %.1f s",
                            _reason(error),
                            delay,
                        )
                except Exception:
                    log.exception("catalog listener: the refresh failed; reconnecting in %.1f s", delay)
                finally:
                    self.listening.clear()
                    self.backend_pid = None
                    with contextlib.suppress(Exception):
                        await asyncio.shield(connection.close())
            if self._closing:
                return
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))
            delay = min(self.max_backoff, delay * 2)


def _reason(error: BaseException) -> str:
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {first_line}" if first_line else type(error).__name__
