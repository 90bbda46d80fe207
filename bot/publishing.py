"""The jury's publishing rules, for any transport: when an uploaded script may go live, and which
version a jury member tries.

- An upload goes live only with a version higher than the live one (so sessions, which freeze the
  script they started with, can always tell versions apart).
- `/try` (or `oralblanc jury try`) plays the latest upload when it is newer than the live version,
  else the live version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scenarios.model import Scenario
from storage.records import ScriptRecord

Refusal = Literal["no_upload", "already_published", "version_not_higher"]
TrialSource = Literal["live", "uploaded"]


@dataclass(frozen=True)
class PublishCheck:
    """Whether the latest upload may be published; when not, why (with the versions involved)."""

    refusal: Refusal | None
    upload: ScriptRecord | None
    live_version: int | None

    @property
    def allowed(self) -> bool:
        return self.refusal is None

    @property
    def next_version(self) -> int:
        """The lowest version an upload needs to go live."""
        return (self.live_version or 0) + 1


def check_publish(upload: ScriptRecord | None, live: Scenario | None) -> PublishCheck:
    """May `upload` (the latest of its id) replace `live` (the catalog's version, if any)?"""
    live_version = live.version if live is not None else None
    if upload is None:
        return PublishCheck("no_upload", None, live_version)
    if live is not None and upload.published and upload.version == live.version:
        return PublishCheck("already_published", upload, live_version)
    if live is not None and upload.version <= live.version:
        return PublishCheck("version_not_higher", upload, live_version)
    return PublishCheck(None, upload, live_version)


def script_to_try(upload: ScriptRecord | None, live: Scenario | None) -> tuple[Scenario | None, TrialSource]:
    """The script a jury member tries: the latest upload when newer than the live one, else the live one."""
    if upload is not None and (live is None or upload.version > live.version):
        return Scenario.model_validate(upload.script), "uploaded"
    return live, "live"
