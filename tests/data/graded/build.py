"""Rebuild the graded transcripts from their candidate lines (run by hand, not by the tests).

Each `src/<name>.txt` holds one candidate turn per line. `pairs.json` says which scenario and language
they are played in; this script plays them against the scripted persona (`oralblanc play --engine
scripted`, deterministic) and writes `<name>.json` beside it. Pairs marked `kind_only` drop the
scenario id from the transcript, like a trainer's typed record of a real mock exam.

    .venv/bin/python tests/data/graded/build.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
ORALBLANC = Path(sys.executable).parent / "oralblanc"


def play(scenario: str, lang: str, lines: Path, out: Path, kind_only: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            ORALBLANC_DATABASE_URL=f"sqlite:///{tmp}/graded.db",
            DATABASE_URL=f"sqlite:///{tmp}/graded.db",
        )
        with lines.open(encoding="utf-8") as stdin:
            subprocess.run(
                [
                    str(ORALBLANC),
                    "play",
                    scenario,
                    "--lang",
                    lang,
                    "--engine",
                    "scripted",
                    "--user",
                    "graded",
                    "--transcript-out",
                    str(out),
                ],
                stdin=stdin,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
    if kind_only:
        data = json.loads(out.read_text(encoding="utf-8"))
        data.pop("scenario", None)
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    pairs = json.loads((HERE / "pairs.json").read_text(encoding="utf-8"))
    done: set[str] = set()
    for pair in pairs:
        for name in (pair["better"], pair["worse"]):
            if name in done:
                continue
            play(
                pair["scenario"],
                pair["language"],
                HERE / "src" / f"{name}.txt",
                HERE / f"{name}.json",
                pair.get("kind_only", False),
            )
            done.add(name)
            print(name)


if __name__ == "__main__":
    main()
