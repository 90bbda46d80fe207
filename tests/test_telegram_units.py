"""The Telegram transport's parts on their own: splitting, callback data, flood control, ordering,
hints, UI strings, the `oralblanc bot` command."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from telegram import Chat, Message, Update, User
from telegram.error import RetryAfter
from typer.testing import CliRunner

from bot.catalog import load_catalog
from bot.commands.telegram import app as telegram_cli
from bot.config import Settings
from bot.core import coaching
from bot.telegram import buttons, handlers, jury, keyboards, lines, staff_commands
from bot.telegram.app import WebhookConfig, file_base_url
from bot.telegram.flood import FloodControl, TokenBucket
from bot.telegram.processor import ChatSerialProcessor
from bot.telegram.runtime import RUNTIME_KEY
from bot.telegram.sending import MAX_MESSAGE, split_text
from bot.telegram.texts import TEXTS, lang_of, t
from scenarios.model import Turn
from storage.repository import SessionRecord
from tests.telegram_support import NEGOTIATION_LINES, SCENARIO

# --- splitting -----------------------------------------------------------------------------------


def test_split_keeps_short_texts_whole() -> None:
    assert split_text("Bonjour.") == ["Bonjour."]
    assert split_text("x" * MAX_MESSAGE) == ["x" * MAX_MESSAGE]


def test_split_cuts_long_texts_at_boundaries_within_the_limit() -> None:
    paragraph = "Une phrase assez longue pour remplir la ligne. " * 30
    text = "\n\n".join([paragraph.strip()] * 8)
    parts = split_text(text)
    assert len(parts) > 1
    assert all(0 < len(p) <= MAX_MESSAGE for p in parts)
    assert all(p.endswith(".") for p in parts)  # cut at a paragraph or a sentence, never mid-word
    assert "".join(parts).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")


def test_split_cuts_a_single_huge_word() -> None:
    parts = split_text("a" * 10_000, limit=4096)
    assert [len(p) for p in parts] == [4096, 4096, 1808]


# --- callback data -------------------------------------------------------------------------------


def test_callback_data_stays_under_64_bytes() -> None:
    catalog = load_catalog()
    for scenario in catalog.scenarios.values():
        for lang in ("fr", "en"):
            for markup in (
                keyboards.briefing(scenario, lang),
                keyboards.scenario_list([scenario], lang),
                keyboards.abandon_and_start(scenario, lang, lang),
            ):
                for row in markup.inline_keyboard:
                    for button in row:
                        assert len(button.callback_data.encode()) <= 64
    assert len(keyboards.full_report(2**31 - 1, "fr").inline_keyboard[0][0].callback_data) <= 64
    with pytest.raises(ValueError):
        keyboards.pack("go", "x" * 70)
    with pytest.raises(ValueError):
        keyboards.pack("go", "a:b")


def test_long_scenario_ids_are_hashed_and_resolved() -> None:
    catalog = load_catalog()
    scenario = catalog.scenario(SCENARIO)
    long_id = "a-very-long-scenario-identifier-" + "x" * 60
    ref = keyboards.scenario_ref(long_id)
    assert ref.startswith("#") and len(ref) == 13
    assert keyboards.scenario_ref(SCENARIO) == SCENARIO
    assert keyboards.resolve_scenario(catalog, SCENARIO) is scenario
    assert keyboards.resolve_scenario(catalog, "#000000000000") is None
    assert keyboards.unpack("sc:abc:fr") == ("sc", ["abc", "fr"])
    assert keyboards.unpack(None) == ("", [])


# --- settings ------------------------------------------------------------------------------------


def test_file_base_url_is_derived_from_the_api_base() -> None:
    assert (
        file_base_url(Settings(telegram_api_base_url="https://api.telegram.org/bot"))
        == "https://api.telegram.org/file/bot"
    )
    assert (
        file_base_url(Settings(telegram_api_base_url="http://127.0.0.1:8081/bot/"))
        == "http://127.0.0.1:8081/file/bot"
    )
    assert (
        file_base_url(Settings(telegram_api_base_url="http://x/bot", telegram_file_base_url="http://y/f"))
        == "http://y/f"
    )
    assert WebhookConfig("https://example.org/tg/hook").path == "tg/hook"
    assert WebhookConfig("https://example.org/tg/hook", url_path="/other").path == "other"


# --- flood control -------------------------------------------------------------------------------


async def test_token_bucket_spaces_requests() -> None:
    bucket = TokenBucket(rate=20, burst=1)
    started = time.monotonic()
    for _ in range(5):
        await bucket.acquire()
    assert time.monotonic() - started >= 4 / 20 * 0.9


async def test_flood_control_waits_out_retry_after_then_succeeds() -> None:
    flood = FloodControl(overall_rate=0, max_retries=2)
    attempts: list[float] = []

    async def call() -> dict:
        attempts.append(time.monotonic())
        if len(attempts) == 1:
            raise RetryAfter(1)
        return {"ok": True}

    result = await flood.process_request(call, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert result == {"ok": True} and len(attempts) == 2
    assert attempts[1] - attempts[0] >= 1.0
    assert flood.retries == 1


async def test_flood_control_gives_up_after_max_retries() -> None:
    flood = FloodControl(overall_rate=0, max_retries=0)

    async def call() -> dict:
        raise RetryAfter(1)

    with pytest.raises(RetryAfter):
        await flood.process_request(call, (), {}, "sendMessage", {"chat_id": 1}, None)


async def test_flood_control_throttles_one_private_chat() -> None:
    flood = FloodControl(overall_rate=1000, chat_rate=20, chat_burst=1)

    async def call() -> bool:
        return True

    started = time.monotonic()
    for _ in range(4):
        await flood.process_request(call, (), {}, "sendMessage", {"chat_id": 5}, None)
    assert time.monotonic() - started >= 3 / 20 * 0.9


# --- the update processor ------------------------------------------------------------------------


def _update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, "private")
    user = User(chat_id, "U", False)
    message = Message(
        update_id, date=__import__("datetime").datetime.now(), chat=chat, from_user=user, text="hi"
    )
    return Update(update_id, message=message)


async def test_processor_serialises_a_chat_and_parallelises_chats() -> None:
    processor = ChatSerialProcessor(16)
    log: list[tuple[str, int, str]] = []

    async def work(update_id: int, chat: int) -> None:
        log.append(("start", chat, str(update_id)))
        await asyncio.sleep(0.05)
        log.append(("end", chat, str(update_id)))

    async with processor:
        updates = [(1, 10), (2, 10), (3, 20), (4, 10)]
        started = time.monotonic()
        await asyncio.gather(*(processor.process_update(_update(u, c), work(u, c)) for u, c in updates))
        elapsed = time.monotonic() - started
    chat10 = [(kind, uid) for kind, chat, uid in log if chat == 10]
    assert chat10 == [
        ("start", "1"),
        ("end", "1"),
        ("start", "2"),
        ("end", "2"),
        ("start", "4"),
        ("end", "4"),
    ]
    assert elapsed < 0.05 * 4  # chat 20 ran alongside chat 10
    assert not processor._locks and not processor._in_flight


async def test_work_run_in_a_chat_waits_for_that_chat_only() -> None:
    processor = ChatSerialProcessor(16)
    log: list[str] = []

    async def work(name: str) -> str:
        log.append(f"start {name}")
        await asyncio.sleep(0.05)
        log.append(f"end {name}")
        return name

    async with processor:
        results = await asyncio.gather(
            processor.run_in_chat(10, work("recovered")),  # e.g. a voice note held by a crashed run
            processor.process_update(_update(1, 10), work("line")),
            processor.run_in_chat(20, work("other chat")),
        )
    assert results[0] == "recovered"
    chat10 = [entry for entry in log if "other" not in entry]
    assert chat10 == ["start recovered", "end recovered", "start line", "end line"]
    assert log.index("start other chat") < log.index("end recovered")  # another chat is not held up
    assert not processor._locks and not processor._waiting


async def test_processor_flags_lines_written_before_the_answer_and_drops_in_flight_duplicates() -> None:
    processor = ChatSerialProcessor(16)
    seen: dict[int, bool] = {}
    ran: list[int] = []

    async def work(update: Update, answers: bool = True) -> None:
        seen[update.update_id] = processor.arrived_while_busy(update)
        ran.append(update.update_id)
        await asyncio.sleep(0.05)
        if answers and not seen[update.update_id]:
            processor.answered(update)

    first, second = _update(1, 10), _update(2, 10)
    async with processor:
        await asyncio.gather(
            processor.process_update(first, work(first)),
            processor.process_update(second, work(second)),  # written before the answer to the first
            processor.process_update(first, work(first)),  # the same update again, while in flight
        )
        assert ran == [1, 2] and seen == {1: False, 2: True}
        # a redelivered line answers nothing new: the line after it is a turn
        again, third = _update(1, 10), _update(3, 10)
        await asyncio.gather(
            processor.process_update(again, work(again, answers=False)),
            processor.process_update(third, work(third)),
        )
        assert seen[3] is False
        # once idle, a chat is forgotten
        assert not processor._locks and not processor._last_answer and not processor._arrived


# --- updates a handler must ignore ---------------------------------------------------------------


class _Untouchable:
    """A runtime that fails when used: an update a handler ignores reaches no service."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"runtime.{name} used for an update that must be ignored")


IGNORING = [
    *handlers.COMMANDS.values(),
    handlers.on_edited,
    handlers.on_unknown_command,
    handlers.on_unsupported,
    lines.on_text,
    lines.on_voice,
    jury.on_script,
    jury.on_document,
    buttons.on_button,
    staff_commands.on_review_button,
]


def _no_sender() -> Update:
    """A message without a sender (as a channel post has): PTB types the sender as optional."""
    message = Message(1, date=datetime.now(UTC), chat=Chat(10, "private"), text="/help")
    return Update(2, message=message)


@pytest.mark.parametrize("handler", IGNORING, ids=lambda h: h.__qualname__)
@pytest.mark.parametrize("update", [Update(1), _no_sender()], ids=["empty", "no-sender"])
async def test_handlers_ignore_an_update_without_sender_or_message(handler: Any, update: Update) -> None:
    context = SimpleNamespace(application=SimpleNamespace(bot_data={RUNTIME_KEY: _Untouchable()}), args=[])
    await handler(update, context)  # returns without a word: no reply (no bot attached), no service used


# --- hints and texts -----------------------------------------------------------------------------


def _record(candidate_lines: list[str]) -> SessionRecord:
    from datetime import datetime

    scenario = load_catalog().scenario(SCENARIO)
    turns = [Turn(speaker="persona", text="…", lang="fr")]
    for text in candidate_lines:
        turns += [
            Turn(speaker="candidate", text=text, lang="fr"),
            Turn(speaker="persona", text="…", lang="fr"),
        ]
    return SessionRecord(
        id=1,
        user_id=1,
        assignment_id=None,
        scenario=scenario,
        language="fr",
        mode="text",
        engine="scripted",
        status="active",
        started_at=datetime.now(UTC),
        ended_at=None,
        state={},
        turns=turns,
        meta=[],
    )


@pytest.mark.parametrize("played", [0, 1, 3, 6])
def test_hints_are_generic_and_never_reveal_hidden_facts(played: int) -> None:
    record = _record([NEGOTIATION_LINES[i % len(NEGOTIATION_LINES)] for i in range(played)])
    brief = record.scenario.hidden_brief
    secrets = [f.fact.fr for f in brief.facts] + [line for f in brief.facts for line in f.reveal.fr]
    secrets += brief.interests.fr + brief.limits.never_accept.fr + [brief.limits.walk_away.fr]
    for lang in ("fr", "en"):
        text = coaching.hint(record, lang)
        assert text.startswith("• ")
        for secret in secrets:
            assert secret not in text
        # nothing of the hidden brief's figures either
        assert "410 000" not in text and "4 %" not in text


def test_ui_strings_exist_in_both_languages() -> None:
    assert set(TEXTS["fr"]) == set(TEXTS["en"])
    for key in TEXTS["fr"]:
        fr, en = TEXTS["fr"][key], TEXTS["en"][key]
        assert __import__("string").Formatter().parse(fr) is not None
        fields = lambda s: {f for _, f, _, _ in __import__("string").Formatter().parse(s) if f}  # noqa: E731
        assert fields(fr) == fields(en), key
    assert lang_of("fr-CA") == "fr" and lang_of("de") == "en" and lang_of(None) == "en"
    assert "/mydata" in t("en", "privacy", days=30, llm="", played_by="x")
    assert "/deletemydata" in t("fr", "privacy", days=30, llm="", played_by="x")


# --- the command line ----------------------------------------------------------------------------


def test_bot_command_needs_a_token(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import typer

    from bot.config import get_settings

    main = typer.Typer()  # as the lead mounts it: app.add_typer(telegram_commands.app)
    main.add_typer(telegram_cli)

    @main.command()
    def other() -> None:
        """Another command, so that `bot` is a subcommand."""

    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("ORALBLANC_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["bot"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "TELEGRAM_BOT_TOKEN" in result.output and "BotFather" in result.output
    help_text = CliRunner().invoke(main, ["bot", "--help"]).output
    for option in ("--webhook-url", "--listen", "--port", "--secret-token"):
        assert option in help_text
