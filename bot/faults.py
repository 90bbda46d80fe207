"""Named crash points, for the tests that kill a real bot process at a chosen moment.

`crash_point(settings, "voice.downloaded")` does nothing unless that name is listed in the setting
`crash_points` (`ORALBLANC_CRASH_POINTS`, comma-separated, empty by default): then the process sends
itself SIGKILL, as a power cut or the OOM killer would, with no chance to clean up. The crash tests
start the bot with a point set, let it die there, restart it without, and check that nothing the
candidate sent was lost or answered twice.
"""

from __future__ import annotations

import logging
import os
import signal

from bot.config import Settings

log = logging.getLogger(__name__)


def crash_point(settings: Settings, name: str) -> None:
    """Die here (SIGKILL) when `name` is one of the configured crash points."""
    if settings.crash_points and name in {p.strip() for p in settings.crash_points.split(",")}:
        log.warning("crash point %s reached: killing the process", name)
        for handler in logging.getLogger().handlers:
            handler.flush()
        os.kill(os.getpid(), signal.SIGKILL)


__all__ = ["crash_point"]
