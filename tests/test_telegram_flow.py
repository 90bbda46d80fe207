"""The bot end to end: the real PTB Application against the fake Bot API on 127.0.0.1, SQLite in tmp_path.

A candidate starts, plays a whole scenario, ends, gets the report; a restart in the middle of a
session; two candidates at once; the same update delivered twice; a turn a crash left unanswered.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from bot.config import Settings
from bot.telegram.sending import TYPING_DELAY
from storage.db import make_engine
from storage.repository import Repository
from tests.fake_bot_api import FakeBotAPI, FakeUser
from tests.telegram_support import SCENARIO, bot_running, bot_settings, fast_options, line, slow_services


def _repo(settings: Settings) -> Repository:
    return Repository(make_engine(settings.effective_database_url))


async def _say(
    api: FakeBotAPI, user: FakeUser, text: str, count: int = 1, timeout: float = 20.0
) -> list[str]:
    return [c.text for c in await api.reply_to(user, lambda: user.send_text(text), count, timeout)]


async def _wait_text(api: FakeBotAPI, user: FakeUser, fragment: str, timeout: float = 30.0) -> None:
    await api.wait_for(lambda: any(fragment in text for text in api.texts(user.id)), timeout, repr(fragment))


async def test_a_candidate_plays_a_whole_scenario_and_gets_the_report(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        async with bot_running(settings):
            alice = api.user(101, "Alice", "fr")
            welcome = (await _say(api, alice, "/start"))[0]
            for expected in (
                "Bonjour Alice",
                "/mydata",
                "/deletemydata",
                "celles écrites pour ce scénario (pas d'IA générative)",
                "30 jours",
                "/scenarios",
            ):
                assert expected in welcome
            from_menu = (await api.reply_to(alice, lambda: alice.press("m:scenarios")))[0]
            listing = (await api.reply_to(alice, lambda: alice.send_text("/scenarios")))[0]
            from bot.catalog import load_catalog

            assert (
                len(listing.buttons()) == len(load_catalog().scenarios) >= 4
            )  # one per script of the library
            assert listing.buttons() == from_menu.buttons()
            assert all(len(data.encode()) <= 64 for _, data in listing.buttons())
            briefing = (await api.reply_to(alice, lambda: alice.press(f"sc:{SCENARIO}:fr")))[0]
            assert "Claire Morel" in briefing.text and "Votre mission" in briefing.text
            english = (await api.reply_to(alice, lambda: alice.press(f"sb:{SCENARIO}:en", briefing)))[0]
            assert english.method == "editMessageText" and "Your brief" in english.text
            opening = await api.reply_to(alice, lambda: alice.press(f"go:{SCENARIO}:fr", english), count=2)
            assert "Séance commencée" in opening[0].text and opening[1].text.startswith("🗣 Claire Morel")

            repo = _repo(settings)
            user = repo.find_user("tg:101")
            session_id = repo.active_session(user.id).id
            turns = 0
            while repo.session(session_id).status == "active":
                assert turns < 60, "the scenario never ended"
                reply = await _say(api, alice, line(turns))
                assert reply[0].startswith("🗣")
                turns += 1
            await _wait_text(api, alice, "Fin de la simulation")
            summary = await api.wait_for(
                lambda: next(
                    (
                        c
                        for c in api.outbox(alice.id)
                        if ("rp", str(session_id)) in [tuple(d.split(":")) for _, d in c.buttons()]
                    ),
                    None,
                ),
                30,
                "the scorecard summary",
            )
            assert "Note" in summary.text and "/20" in summary.text

            record = repo.session(session_id)
            candidate = [t for t in record.turns if t.speaker == "candidate"]
            assert len(candidate) == turns and len(record.turns) == 2 * turns + 1
            assert [t.text for t in candidate] == [line(i).strip() for i in range(turns)]
            card = repo.latest_scorecard(session_id)
            assert card is not None and card.data["format"] == "oralblanc.scorecard/1"

            report = (
                await api.reply_to(alice, lambda: alice.press(f"rp:{session_id}", summary), timeout=60)
            )[0]
            assert report.method == "sendDocument"
            name, pdf = report.files["document"]
            assert name == "oralblanc-report-1.pdf" and pdf.startswith(b"%PDF")

            again = await api.reply_to(alice, lambda: alice.send_text("/report"), count=2, timeout=60)
            assert "/20" in again[0].text and again[1].method == "sendDocument"
            progress = (await _say(api, alice, "/progress", timeout=30))[0]
            assert "1." in progress and "BLOC2.A2.C1.CR1" not in progress and "CR1" in progress
            repo.engine.dispose()
        assert api.commands, "the command menu was set"


async def test_a_session_survives_a_restart(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        bob = api.user(202, "Bob", "en")
        async with bot_running(settings):
            started = await api.reply_to(bob, lambda: bob.send_text(f"/play {SCENARIO} fr"), count=2)
            assert "Session started" in started[0].text  # the UI in English, the session in French
            for i in range(3):
                await _say(api, bob, line(i))
        # the bot is stopped and a new one starts on the same database
        async with bot_running(settings):
            for i in range(3, 5):
                reply = await _say(api, bob, line(i))
                assert reply[0].startswith("🗣")
            ended = await _say(api, bob, "/end", count=2, timeout=30)
            assert "Session ended" in ended[0] and "/20" in ended[1]
            # a second, short session: /progress then shows both, with a chart
            await api.reply_to(bob, lambda: bob.send_text(f"/play {SCENARIO} en"), count=2)
            await _say(api, bob, "What volumes do you expect next year, and why?")
            await _say(api, bob, "/end", count=2, timeout=30)
            progress = await api.reply_to(bob, lambda: bob.send_text("/progress"), count=2, timeout=30)
            assert progress[0].text.startswith("Your recent sessions:") and "1. " in progress[0].text
            assert "2. " in progress[0].text and "→" in progress[0].text
            assert progress[1].method == "sendPhoto" and progress[1].files["photo"][1].startswith(b"\x89PNG")
        repo = _repo(settings)
        user = repo.find_user("tg:202")
        sessions = repo.sessions_for_user(user.id)
        assert [s.status for s in sessions] == ["finished", "finished"]
        record = repo.session(sessions[0].id)
        assert [t.text for t in record.turns if t.speaker == "candidate"] == [
            line(i).strip() for i in range(5)
        ]
        card = repo.latest_scorecard(record.id)
        quoted = {e["turn"] for c in card.data["criteria"] for e in c["evidence"]}
        assert quoted & {2, 4}, "the scorecard quotes turns played before the restart"
        repo.engine.dispose()


async def test_two_candidates_play_at_once(tmp_path: Path) -> None:
    delay = 0.4
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        async with bot_running(settings, services_factory=slow_services(delay)):
            alice, bob = api.user(301, "Alice", "fr"), api.user(302, "Bob", "en")
            await asyncio.gather(
                api.reply_to(alice, lambda: alice.send_text(f"/play {SCENARIO}"), count=2),
                api.reply_to(bob, lambda: bob.send_text(f"/play {SCENARIO} en"), count=2),
            )
            loop = asyncio.get_running_loop()
            started = loop.time()
            for i in range(3):
                a, b = await asyncio.gather(
                    _say(api, alice, line(i)),
                    _say(api, bob, f"Could you tell me more about your needs, turn {i}?"),
                )
                assert a[0].startswith("🗣 Claire Morel :") and b[0].startswith("🗣 Claire Morel:")
            elapsed = loop.time() - started
            assert elapsed < 2 * 3 * delay, f"the two chats were not served concurrently ({elapsed:.2f} s)"
        repo = _repo(settings)
        for tg, lang in ((301, "fr"), (302, "en")):
            user = repo.find_user(f"tg:{tg}")
            record = repo.active_session(user.id)
            assert record.language == lang
            assert len([t for t in record.turns if t.speaker == "candidate"]) == 3
        repo.engine.dispose()


async def test_the_same_update_twice_stores_one_turn(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        async with bot_running(settings, services_factory=slow_services(0.3)):
            carol = api.user(401, "Carol", "fr")
            await api.reply_to(carol, lambda: carol.send_text(f"/play {SCENARIO}"), count=2)
            before = len(api.outbox(carol.id))
            first = carol.send_text(line(0))
            api.redeliver(first)  # delivered again while the first copy is being answered
            await api.wait_outbox(carol.id, before + 1)
            api.redeliver(first)  # and once more after it was answered
            help_reply = await _say(
                api, carol, "/help"
            )  # processed after the duplicates (same chat, in order)
            assert help_reply[0].startswith("Commandes")
            assert len(api.outbox(carol.id)) == before + 2, api.texts(carol.id)[before:]
            command = carol.send_text("/help")
            await api.wait_outbox(carol.id, before + 3)
            api.redeliver(command)
            await _say(api, carol, "/voice")
            assert sum(t.startswith("Commandes") for t in api.texts(carol.id)) == 2
        repo = _repo(settings)
        record = repo.active_session(repo.find_user("tg:401").id)
        assert [t.speaker for t in record.turns] == ["persona", "candidate", "persona"]
        repo.engine.dispose()


async def test_a_turn_left_unanswered_by_a_crash_is_answered(tmp_path: Path) -> None:
    from scenarios.model import Turn

    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        dave = api.user(501, "Dave", "fr")
        async with bot_running(settings):
            await api.reply_to(dave, lambda: dave.send_text(f"/play {SCENARIO}"), count=2)
        # the bot wrote the candidate's turn (write-ahead) and died before answering
        repo = _repo(settings)
        record = repo.active_session(repo.find_user("tg:501").id)
        pending = dave.send_text(line(0))
        api._queue.clear()  # Telegram never saw it acknowledged: it redelivers it
        repo.add_turn(record.id, Turn(speaker="candidate", text=line(0), lang="fr"), update_id=pending)
        async with bot_running(settings):
            before = len(api.outbox(dave.id))
            api.redeliver(pending)
            reply = await api.wait_outbox(dave.id, before + 1)
            assert reply[-1].text.startswith("🗣 Claire Morel")
            await _say(api, dave, line(1))
        record = repo.session(record.id)
        assert [t.speaker for t in record.turns] == [
            "persona",
            "candidate",
            "persona",
            "candidate",
            "persona",
        ]
        repo.engine.dispose()


async def test_typing_is_shown_and_refreshed_until_the_reply(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        async with bot_running(
            settings, options=fast_options(typing_interval=0.2), services_factory=slow_services(1.0)
        ):
            erin = api.user(601, "Erin", "en")
            await api.reply_to(erin, lambda: erin.send_text(f"/play {SCENARIO} en"), count=2, timeout=30)
            mark = len(api.calls)
            await _say(api, erin, "How is the season going for you?")
            actions = [c for c in api.calls[mark:] if c.method == "sendChatAction" and c.chat_id == erin.id]
            reply_at = next(
                c.at for c in api.calls[mark:] if c.method == "sendMessage" and c.chat_id == erin.id
            )
            before_reply = [c for c in actions if c.at <= reply_at]
            # shown from TYPING_DELAY (0.3 s) after the line, then every 0.2 s until the reply (1 s)
            assert len(before_reply) >= 3 and all(c.params["action"] == "typing" for c in before_reply)


async def test_a_quick_reply_is_sent_without_a_typing_indicator(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        async with bot_running(settings, options=fast_options(typing_interval=0.2)):
            frank = api.user(602, "Frank", "en")
            await api.reply_to(frank, lambda: frank.send_text(f"/play {SCENARIO} en"), count=2, timeout=30)
            mark = len(api.calls)
            sent_at = time.perf_counter()  # the fake server's clock (FakeCall.at)
            await _say(api, frank, "How is the season going for you?")
            answered = [c for c in api.calls[mark:] if c.chat_id == frank.id]
            reply_at = next(c.at for c in answered if c.method == "sendMessage")
            actions = [c for c in answered if c.method == "sendChatAction"]
            # no indicator before TYPING_DELAY; the scripted reply usually comes sooner, with none at all
            assert all(c.at - sent_at >= TYPING_DELAY for c in actions)
            if reply_at - sent_at < TYPING_DELAY - 0.05:
                assert not actions


async def test_long_messages_are_split_and_flood_limits_waited_out(tmp_path: Path) -> None:
    from bot.telegram.sending import send_text

    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        async with bot_running(settings, options=fast_options(flood_max_retries=2)) as app:
            text = "\n\n".join(f"Paragraphe {i} : " + "mot " * 300 for i in range(12))
            api.fail_next("sendMessage", 429, retry_after=1)
            loop = asyncio.get_running_loop()
            started = loop.time()
            sent = await send_text(app.bot, 701, text)
            assert loop.time() - started >= 1.0
            delivered = [
                c
                for c in api.calls_to("sendMessage", 701)
                if isinstance(c.result, dict) and "message_id" in c.result
            ]
            assert len(sent) == len(delivered) >= 3
            assert all(len(c.params["text"]) <= 4096 for c in delivered)
            assert "".join(c.params["text"] for c in delivered).replace(" ", "").replace(
                "\n", ""
            ) == text.replace(" ", "").replace("\n", "")
            assert api.calls_to("sendMessage", 701)[0].result["error_code"] == 429


async def test_cohort_invite_exam_assignment_and_hints(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        repo = _repo(settings)
        cohort = repo.create_cohort("Promo 2026", invite_code="PROMO26")
        repo.assign(SCENARIO, cohort_id=cohort, mode="exam")
        async with bot_running(settings):
            fay = api.user(801, "Fay", "fr")
            replies = await _say(api, fay, "/start PROMO26", count=4)
            assert "Promo 2026" in replies[1]
            assert "examen blanc" in replies[2]  # assigned before she joined: she is told on joining
            assert "📌" in replies[3] and "examen blanc" in replies[3]
            again = await _say(api, fay, "/start PROMO26", count=3)
            assert "déjà" in again[1]
            bad = await _say(api, fay, "/start NOPE", count=2)
            assert "invitation" in bad[1]
            await api.reply_to(fay, lambda: fay.press(f"sc:{SCENARIO}:fr"))
            await api.reply_to(
                fay, lambda: fay.press(f"go:{SCENARIO}:fr"), count=3
            )  # start notice, time limit, first words
            assert "examen blanc" in (await _say(api, fay, "/hint"))[0]
            # another scenario, in practice: abandon the exam session from the button
            other = "complaint-arvel-collage-vitrage"
            prompt = (await _say(api, fay, f"/play {other}"))[0]
            assert "déjà en cours" in prompt
            started = await api.reply_to(fay, lambda: fay.press(f"gx:{other}:fr"), count=3)
            assert "abandonnée" in started[0].text
            hint = (await _say(api, fay, "/hint"))[0]
            assert hint.startswith("💡") and "•" in hint
        user = repo.find_user("tg:801")
        assert [s.status for s in repo.sessions_for_user(user.id)] == ["abandoned", "active"]
        assert [m.id for m in repo.members(cohort)] == [user.id]
        repo.engine.dispose()


async def test_voice_replies_language_and_privacy_commands(tmp_path: Path) -> None:
    from tests.telegram_support import FakeSynthesizer

    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        async with bot_running(settings, synthesizer_factory=lambda s: FakeSynthesizer()):
            gus = api.user(901, "Gus", "fr")
            assert "désactivées" in (await _say(api, gus, "/voice"))[0]
            assert "activées" in (await _say(api, gus, "/voice on"))[0]
            opening = await api.reply_to(gus, lambda: gus.send_text(f"/play {SCENARIO}"), count=3)
            assert [c.method for c in opening] == ["sendMessage", "sendMessage", "sendVoice"]
            assert opening[2].files["voice"][1].startswith(b"OggS")
            reply = await api.reply_to(gus, lambda: gus.send_text(line(0)), count=2)
            assert [c.method for c in reply] == ["sendMessage", "sendVoice"]
            assert "désactivées" in (await _say(api, gus, "/voice off"))[0]
            assert [c.method for c in await api.reply_to(gus, lambda: gus.send_text(line(1)))] == [
                "sendMessage"
            ]
            await asyncio.sleep(0.3)
            assert api.outbox(gus.id)[-1].method == "sendMessage"

            assert "langue" in (await _say(api, gus, "/lang"))[0]
            switched = (await _say(api, gus, "/lang en"))[0]
            assert switched.startswith("Interface in English")
            assert "Commands" in (await _say(api, gus, "/help"))[0]
            fr = (await api.reply_to(gus, lambda: gus.press("lang:fr")))[0]
            assert fr.text.startswith("Interface en français")

            export = (await api.reply_to(gus, lambda: gus.send_text("/mydata"), timeout=30))[0]
            assert export.method == "sendDocument"
            name, data = export.files["document"]
            document = json.loads(data)
            assert name == "oralblanc-mydata.json" and document["format"] == "oralblanc.user-export/2"
            assert document["user"]["telegram_id"] == 901 and len(document["sessions"]) == 1

            confirm = (await _say(api, gus, "/deletemydata"))[0]
            assert "Effacer" in confirm
            cancelled = (await api.reply_to(gus, lambda: gus.press("del:no")))[0]
            assert cancelled.method == "editMessageText" and "Rien" in cancelled.text
            await _say(api, gus, "/deletemydata")
            erased = (await api.reply_to(gus, lambda: gus.press("del:yes")))[0]
            assert "effacées" in erased.text
        repo = _repo(settings)
        assert not _exists(repo, 901)
        repo.engine.dispose()


def _exists(repo: Repository, telegram_id: int) -> bool:
    try:
        repo.find_user(f"tg:{telegram_id}")
    except Exception:
        return False
    return True
