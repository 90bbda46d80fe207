"""The scripts sessions froze, validated once per process.

A session stores its script as JSON (`sessions.script`) and a digest of it (`sessions.script_digest`);
validating that JSON into a `Scenario` compiles a few hundred patterns, so a process keeps the
`Scenario` of each (id, version, digest) it has validated, in a bounded LRU cache shared by every
`Repository` of the process. A `Scenario` is frozen: sharing one between sessions is safe. Two scripts
with the same id and version but different content (a jury member's trial uploads) have different
digests, so they never share an entry.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from scenarios.model import Scenario

MAX_SCRIPTS = 128


def script_digest(script: Mapping[str, Any]) -> str:
    """sha256 of the script's JSON, blind to key order (PostgreSQL's JSONB reorders keys)."""
    data = json.dumps(script, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


Key = tuple[str, int, str]


class FrozenScripts:
    """A bounded LRU cache of validated scripts; `validations` counts the `model_validate` calls."""

    def __init__(self, size: int = MAX_SCRIPTS) -> None:
        self.size = size
        self.validations = 0
        self._items: OrderedDict[Key, Scenario] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key) -> Scenario | None:
        with self._lock:
            scenario = self._items.get(key)
            if scenario is not None:
                self._items.move_to_end(key)
            return scenario

    def scenario(self, key: Key, script: Callable[[], Mapping[str, Any]]) -> Scenario:
        """The validated script of `key`; `script()` (read only on a miss) gives its JSON."""
        cached = self.get(key)
        if cached is not None:
            return cached
        scenario = Scenario.model_validate(script())  # outside the lock: two threads may both validate once
        with self._lock:
            self.validations += 1
            self._items[key] = scenario
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return scenario

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.validations = 0


frozen_scripts = FrozenScripts()
"""The process's cache (every `Repository` uses it)."""
