"""Helpers for the Telegram tests and benchmark: settings on a fake Bot API, a running bot, a slow actor.

The candidate's lines in `NEGOTIATION_LINES` play the library's negotiation scenario to its end.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.config import Settings
from bot.rehearsal import Rehearsal
from bot.services import Services, open_services
from bot.telegram.app import WebhookConfig, build_application, running
from bot.telegram.runtime import BotOptions
from personas.actors import Cue, ScriptedActor, Spoken
from personas.model import Persona
from scenarios.model import Scenario
from tests.fake_bot_api import FakeBotAPI

SCENARIO = "negotiation-castelnau-arrosage"

NEGOTIATION_LINES = [
    "Bonjour Madame Morel, merci de me recevoir. Comment se passe la saison pour vous ?",
    "Si je comprends bien, vos volumes augmentent. Quels sont vos objectifs pour l'an prochain ?",
    "Si vous vous engagez sur trois ans, nous pouvons baisser le prix de 3 %.",
    "Je comprends votre inquiétude. Notre offre réduit vos coûts de 12 % sur trois ans.",
    "Pour résumer : engagement trois ans, remise de 3 %, paiement à 45 jours. On fixe un rendez-vous jeudi ?",
]


def line(n: int) -> str:
    """The candidate's n-th line (the script repeats)."""
    return NEGOTIATION_LINES[n % len(NEGOTIATION_LINES)]


def bot_settings(tmp_path: Path, api: FakeBotAPI, **changes: Any) -> Settings:
    values: dict[str, Any] = dict(
        data_dir=tmp_path,
        database_url=None,
        engine="scripted",
        openai_api_key=None,
        openai_base_url=None,
        telegram_bot_token=api.token,
        telegram_api_base_url=api.base_url,
        telegram_file_base_url=None,
        default_scenario=SCENARIO,
    )
    values.update(changes)
    return Settings(**values)


def fast_options(**changes: Any) -> BotOptions:
    values: dict[str, Any] = dict(typing_interval=0.2, flood_overall_rate=0.0)
    values.update(changes)
    return BotOptions(**values)


class SlowActor:
    """The scripted actor, `delay` seconds slower (to catch the bot while it answers)."""

    def __init__(self, scenario: Scenario, delay: float) -> None:
        self.inner = ScriptedActor(scenario)
        self.delay = delay

    async def speak(self, cue: Cue) -> Spoken:
        await asyncio.sleep(self.delay)
        return await self.inner.speak(cue)


def slow_services(delay: float):
    """A services factory whose persona takes `delay` seconds to answer."""

    async def factory(settings: Settings) -> Services:
        services = await open_services(settings)

        def actor(scenario: Scenario, persona: Persona, engine: str) -> SlowActor:
            return SlowActor(scenario, delay)

        services.rehearsal = Rehearsal(services.repo, services.catalog, actor)
        return services

    return factory


@asynccontextmanager
async def bot_running(
    settings: Settings,
    *,
    options: BotOptions | None = None,
    webhook: WebhookConfig | None = None,
    **factories: Any,
) -> AsyncIterator[Application]:
    """The real Application on the fake server (long polling with a 1 s timeout, or the webhook)."""
    application = build_application(settings, options=options or fast_options(), **factories)
    async with running(application, webhook=webhook, poll_timeout=1.0) as app:
        yield app


class FakeSynthesizer:
    """Speaks every line as the same short tone (OGG/Opus), and remembers what it was asked."""

    def __init__(self) -> None:
        self.said: list[tuple[str, str, dict[str, Any]]] = []

    async def synthesize(self, text: str, *, language: str, **voice: Any) -> bytes:
        import numpy as np

        from bot.speech.audio import encode_ogg_opus

        self.said.append((text, language, voice))
        tone = 0.2 * np.sin(2 * np.pi * 440 * np.arange(8000) / 16000).astype(np.float32)
        return encode_ogg_opus(tone, 16000)


class FakeTranscriber:
    """Hears `text` in any audio (or raises `error`)."""

    def __init__(self, text: str = "", error: Exception | None = None, confidence: float = 0.9) -> None:
        self.text = text
        self.error = error
        self.confidence = confidence

    async def transcribe(self, audio: Any, language: str | None = None) -> Any:
        from bot.speech.stt import Transcription, Word

        if self.error is not None:
            raise self.error
        words = [Word(w=w, start=0.4 * i, end=0.4 * i + 0.3) for i, w in enumerate(self.text.split())]
        return Transcription(
            text=self.text,
            language=language or "fr",
            duration_s=0.4 * len(words) + 0.5,
            words=words,
            confidence=self.confidence,
        )


async def start_session(
    api: FakeBotAPI, settings: Settings, user_id: int, name: str, lang: str = "en"
) -> int:
    """Run the bot just long enough for this user to /play the test scenario; the session's id."""
    from storage.db import make_engine
    from storage.repository import Repository

    user = api.user(user_id, name, lang)
    async with bot_running(settings, transcriber_factory=lambda s: FakeTranscriber("unused")):
        await api.reply_to(user, lambda: user.send_text(f"/play {SCENARIO} {lang}"), count=2)
    repo = Repository(make_engine(settings.effective_database_url))
    try:
        record = repo.active_session(repo.find_user(f"tg:{user_id}").id)
        assert record is not None
        return record.id
    finally:
        repo.engine.dispose()
