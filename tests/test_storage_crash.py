"""Write-ahead: a process killed while writing turns loses nothing committed, and the next one continues."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from scenarios.model import Scenario
from storage.db import make_engine
from storage.repository import Repository

ROOT = Path(__file__).resolve().parent.parent

WRITER = """
import sys
from scenarios.model import Scenario, Turn
from storage.db import make_engine
from storage.repository import Repository

url, scenario_path, session_arg, count = sys.argv[1:5]
repo = Repository(make_engine(url))
if session_arg == "new":
    user = repo.get_or_create_user(display_name="crash test")
    scenario = Scenario.model_validate_json(open(scenario_path, encoding="utf-8").read())
    session_id = repo.start_session(user, scenario, "fr")
else:
    session_id = int(session_arg)
record = repo.session(session_id)
print(f"session {session_id} next {record.next_turn_number}", flush=True)
i = 0
while count == "forever" or i < int(count):
    speaker = "candidate" if (record.next_turn_number + i) % 2 == 0 else "persona"
    number = repo.add_turn(session_id, Turn(speaker=speaker, text=f"line {i} of {session_arg}"))
    print(f"committed {number}", flush=True)
    i += 1
"""


def _writer(url: str, scenario_path: Path, session: str, count: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, url, str(scenario_path), session, count],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_a_killed_writer_loses_nothing_committed_and_the_session_continues(
    database_url: str, sample_scenario: Scenario, tmp_path: Path
) -> None:
    scenario_path = tmp_path / "scenario.json"
    scenario_path.write_text(sample_scenario.model_dump_json(), encoding="utf-8")
    make_engine(database_url).dispose()  # schema ready before the race starts

    first = _writer(database_url, scenario_path, "new", "forever")
    try:
        assert first.stdout is not None
        header = first.stdout.readline()
        assert header.startswith("session "), header
        session_id = int(header.split()[1])
        committed: list[int] = []
        while len(committed) < 25:
            line = first.stdout.readline()
            assert line.startswith("committed "), line
            committed.append(int(line.split()[1]))
    finally:
        first.send_signal(signal.SIGKILL)  # somewhere in the middle of a write
        rest, _ = first.communicate(timeout=30)
    committed += [int(line.split()[1]) for line in rest.splitlines() if line.startswith("committed ")]

    engine = make_engine(database_url)
    try:
        record = Repository(engine).session(session_id)
    finally:
        engine.dispose()
    numbers = [m.number for m in record.meta]
    assert numbers == list(range(1, len(numbers) + 1))  # no gap, no duplicate
    assert set(committed) <= set(numbers)  # every turn reported committed survived the kill
    assert len(numbers) <= max(committed) + 1  # at most the one in flight was also committed
    assert [t.text for t in record.turns] == [f"line {i} of new" for i in range(len(numbers))]

    second = _writer(database_url, scenario_path, str(session_id), "1")
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert out.splitlines() == [
        f"session {session_id} next {len(numbers) + 1}",
        f"committed {len(numbers) + 1}",
    ]
