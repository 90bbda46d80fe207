"""Deeply nested input fails closed, with a message, never a RecursionError (issue 13).

A jury upload nested 5,000 levels deep got the generic apology; a judge answer nested 100,000 levels
deep made `oralblanc score` exit with a traceback. Scripts are refused with a `FILE:LINE: message`
naming where the nesting goes too deep; the judge's answer is ignored and the detectors' scorecard
stands; a transcript or a chat server's reply nested that deep is refused with a message.
"""

from __future__ import annotations

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.catalog import lint_paths
from bot.commands.jury import app as jury_app
from bot.commands.scenarios import app as scenarios_app
from bot.commands.score import app as score_app
from bot.publishing import MAX_SCRIPT_BYTES, lint_document
from feedback.judge import JudgeError, parse
from feedback.referential import load_referential
from personas.chat import ChatUnavailable
from scenarios.loader import LIBRARY
from scenarios.model import Transcript
from scenarios.yaml_source import MAX_DEPTH
from tests.fake_openai import FakeOpenAI
from tests.llm_support import chat_for, close_clients  # noqa: F401

GRADED = Path(__file__).parent / "data" / "graded"
runner = CliRunner()

HEADER = "id: deep\nversion: 1\nkind: negotiation\n"  # three lines before the nesting


def deep_flow(levels: int) -> str:
    return HEADER + "stages: " + "[" * levels + "]" * levels + "\n"


def deep_block(levels: int) -> str:
    """Mappings indented one space deeper each line: `k0:` / ` k1:` / `  k2:` …"""
    return HEADER + "".join(" " * i + f"k{i}:\n" for i in range(levels)) + " " * levels + "end\n"


def deep_dashes(levels: int) -> str:
    return HEADER + "stages:\n" + "- " * levels + "x\n"


def alias_chain(links: int) -> str:
    """Each anchor holds a list of the one before: shallow on the page, `links` levels deep once read."""
    rows = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, links)]
    return HEADER + "\n".join(rows) + "\n"


def billion_laughs(levels: int = 30) -> str:
    rows = ["l0: &l0 [ha, ha]"] + [f"l{i}: &l{i} [*l{i - 1}, *l{i - 1}]" for i in range(1, levels)]
    return HEADER + "\n".join(rows) + "\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- scripts: the loader, `oralblanc scenarios lint`, `oralblanc jury upload`, the Telegram upload ------


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (deep_flow(5_000), 4, "nested more than 64 levels"),
        (deep_flow(100_000), 4, "nested more than 64 levels"),
        (HEADER + "stages: " + "{a: " * 5_000 + "1" + "}" * 5_000 + "\n", 4, "nested more than 64 levels"),
        (deep_block(500), 4 + MAX_DEPTH, "nested more than 64 levels"),
        (deep_dashes(5_000), 5, "nested more than 64 levels"),
        (alias_chain(200), 3 + MAX_DEPTH, "nested more than 64 levels"),
        (billion_laughs(), None, "more than 25,000 values"),
        (HEADER + "loop: &loop [x, *loop]\n", 4, "alias *loop is inside its own anchor"),
    ],
    ids=[
        "flow-5000",
        "flow-100000",
        "flow-mappings",
        "block-indented",
        "dashes",
        "alias-chain",
        "billion-laughs",
        "alias-loop",
    ],
)
def test_over_deep_script_is_a_located_lint_problem(
    tmp_path: Path, text: str, line: int | None, words: str
) -> None:
    path = write(tmp_path, "deep.yaml", text)
    problems = lint_paths([path])
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.file == str(path) and words in problem.message
    if line is not None:
        assert problem.line == line
    assert str(problem).startswith(f"{path}:{problem.line}: ")


def test_nesting_within_the_limit_still_reads(tmp_path: Path) -> None:
    """64 levels is far more than a script uses (7), and not refused for its depth."""
    path = write(tmp_path, "deep.yaml", deep_flow(MAX_DEPTH - 1))
    assert not any("nested" in p.message for p in lint_paths([path]))


def test_scenarios_lint_command(tmp_path: Path) -> None:
    path = write(tmp_path, "deep.yaml", deep_flow(5_000))
    result = runner.invoke(scenarios_app, ["lint", str(path), str(LIBRARY)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert (
        result.stdout.strip()
        == f"{path}:4: lists and mappings nested more than 64 levels deep: no script needs that many"
    )


def test_jury_upload_command(tmp_path: Path) -> None:
    path = write(tmp_path, "deep.yaml", deep_block(5_000 // 10))
    result = runner.invoke(jury_app, ["upload", str(path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"{path}:{4 + MAX_DEPTH}: lists and mappings nested more than 64 levels deep" in result.stdout
    assert "nothing stored" in result.stderr


def test_telegram_upload_names_the_file_as_sent() -> None:
    problems, scenario = lint_document("mon script.yaml", deep_flow(5_000).encode())
    assert scenario is None
    assert problems == [
        "mon_script.yaml:4: lists and mappings nested more than 64 levels deep: no script needs that many"
    ]


def test_upload_size_is_bounded(tmp_path: Path) -> None:
    big = HEADER + "notes: |\n" + ("  " + "x" * 98 + "\n") * (MAX_SCRIPT_BYTES // 100 + 1)
    problems, scenario = lint_document("big.yaml", big.encode())
    assert (
        scenario is None
        and len(problems) == 1
        and problems[0].startswith("big.yaml:1: the file is too large")
    )
    path = write(tmp_path, "big.yaml", big)
    assert [p.message for p in lint_paths([path])] == [
        "the file is too large (more than 512 KB); a script needs far less"
    ]


# --- the judge's answer ------------------------------------------------------------------------------------


def transcript() -> Transcript:
    return Transcript.model_validate_json(
        (GRADED / "negotiation-fr.illegal.json").read_text(encoding="utf-8")
    )


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 100_000 + "1" + "}" * 100_000,
        "[" * 100_000,
        "[" * 17 + "]" * 17,
    ],
    ids=["lists", "objects", "unclosed", "17-levels"],
)
def test_judge_answer_nested_too_deep_is_rejected(raw: str) -> None:
    criterion = load_referential().criteria[0]
    with pytest.raises(JudgeError, match="nested|characters long"):
        parse(raw, criterion, transcript())


def test_judge_answer_too_long_is_rejected() -> None:
    criterion = load_referential().criteria[0]
    raw = json.dumps({"criterion": criterion.id, "level": 1, "indicators": [], "rationale": "x" * 100_000})
    with pytest.raises(JudgeError, match="characters long"):
        parse(raw, criterion, transcript())


def test_score_command_ignores_a_deeply_nested_judge_answer() -> None:
    """The real `oralblanc score` with the judge on the fake OpenAI server, which answers the first
    criterion with lists nested 100,000 levels deep (200,000 characters) and the second with objects
    nested 10,000 deep (under the size limit): the detectors' scorecard stands, the problems recorded."""
    path = GRADED / "negotiation-fr.illegal.json"
    expected = json.loads(runner.invoke(score_app, [str(path), "--json", "--no-judge"]).stdout)
    assert len(expected["criteria"]) == 2
    with FakeOpenAI() as server:
        server.script("[" * 100_000 + "]" * 100_000, '{"a":' * 10_000 + "1" + "}" * 10_000)
        env = {"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "x", "NO_PROXY": "127.0.0.1"}
        result = runner.invoke(score_app, [str(path), "--json", "--judge"], env=env)
        assert len(server.requests) == 2, "the judge was not asked once per criterion"
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    first, second = card["provenance"]["judge_problems"]
    assert "the answer is 200000 characters long" in first
    assert "the answer is nested more than 16 levels deep" in second
    assert [(c["code"], c["level"]) for c in card["criteria"]] == [
        (c["code"], c["level"]) for c in expected["criteria"]
    ]
    assert card["overall"] == expected["overall"]


# --- a transcript, a chat server's reply -----------------------------------------------------------------


def test_score_command_refuses_a_deeply_nested_transcript(tmp_path: Path) -> None:
    text = '{"format": "oralblanc.transcript/1", "language": "fr", "kind": "negotiation", "turns": '
    path = write(tmp_path, "t.json", text + "[" * 100_000 + "]" * 100_000 + "}")
    result = runner.invoke(score_app, [str(path), "--no-judge"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("cannot read the transcript: not JSON: recursion limit exceeded")


class _DeepServer:
    """A chat server on 127.0.0.1 whose replies are JSON nested 100,000 levels deep: the whole body
    of a plain reply, one event of a streamed one."""

    DEEP = b"[" * 100_000 + b"]" * 100_000

    def __enter__(self) -> str:
        deep = self.DEEP

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle(self) -> None:  # the client hangs up once it has read enough
                with contextlib.suppress(ConnectionError):
                    super().handle()

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                streamed = body.get("stream")
                data = b"data: " + deep + b"\n\n" if streamed else deep
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream" if streamed else "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


async def test_chat_reply_nested_too_deep_is_a_chat_error() -> None:
    with _DeepServer() as base_url:
        chat = chat_for(base_url, max_retries=0)
        with pytest.raises(ChatUnavailable, match="nested too deeply"):
            await chat([{"role": "user", "content": "Bonjour."}])
        with pytest.raises(ChatUnavailable, match="nested too deeply"):
            await chat([{"role": "user", "content": "Bonjour."}], on_token=lambda piece: None)
