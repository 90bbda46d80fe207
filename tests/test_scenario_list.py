"""/scenarios (issue 17): grouped by kind, easy to hard, with what the candidate already played and
their latest score (an exam score only once a trainer released it)."""

from __future__ import annotations

from pathlib import Path

from bot.catalog import load_catalog
from bot.telegram.views import Played, ordered, scenario_list
from tests.fake_bot_api import FakeBotAPI
from tests.telegram_support import SCENARIO, bot_running, bot_settings


def test_the_list_is_grouped_by_kind_then_difficulty_with_what_was_played() -> None:
    catalog = load_catalog()
    listed = ordered(catalog)
    kinds = [s.kind.value for s in listed]
    assert kinds == sorted(kinds, key=["negotiation", "complaint", "change", "pitch"].index)
    for kind in set(kinds):
        levels = [s.difficulty.value for s in listed if s.kind.value == kind]
        assert levels == sorted(levels, key=["easy", "medium", "hard"].index)
    text = scenario_list(listed, "fr", {}, {SCENARIO: Played(2, 12.5)})
    assert text.count("🤝 Négociation grand compte") == 1 and "📊 Présentation à la Direction" in text
    assert "✓ jouée 2 fois · dernière note 12,5/20" in text
    pending = scenario_list(listed, "en", {SCENARIO: "exam"}, {SCENARIO: Played(1, None, pending=True)})
    assert "📌 • " in pending and "(mock exam)" in pending and "score awaiting a trainer" in pending


async def test_scenarios_shows_the_latest_score_after_a_session(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        ivy = api.user(3301, "Ivy", "en")
        async with bot_running(settings):
            (before,) = [c.text for c in await api.reply_to(ivy, lambda: ivy.send_text("/scenarios"))]
            assert "played" not in before
            await api.reply_to(ivy, lambda: ivy.send_text(f"/play {SCENARIO} en"), count=2)
            for line in (
                "Hello, what are your priorities this season, and how did the last one go?",
                "If I understand you correctly, volumes are growing and prices must come down.",
                "If you commit to three years, we can lower the price by 3 %.",
                "To sum up: three years, 3 % off, payment at 45 days. Shall we meet on Thursday?",
            ):
                await api.reply_to(ivy, lambda line=line: ivy.send_text(line))
            ended = await api.reply_to(ivy, lambda: ivy.send_text("/end"), count=2)
            score = next(line for c in ended for line in c.text.splitlines() if "/20" in line)
            (after,) = [c.text for c in await api.reply_to(ivy, lambda: ivy.send_text("/scenarios"))]
        assert "✓ played 1× · latest score" in after
        shown = after.split("latest score ")[1].split("/20")[0]
        assert shown in score
