"""One Settings object, read from the environment (and overridable in tests)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

CATALOG_POLL_SECONDS = 30.0  # the poll for publications, where nothing announces them (SQLite)
CATALOG_SAFETY_NET_SECONDS = 600.0  # the same poll where notifications announce them (PostgreSQL)


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    # where personal data lives
    data_dir: Path = Field(
        default_factory=lambda: Path(user_data_dir("oralblanc", appauthor=False)),
        validation_alias=_env("ORALBLANC_DATA_DIR"),
    )
    database_url: str | None = Field(None, validation_alias=_env("DATABASE_URL"))
    audio_retention_days: int = Field(30, ge=0, validation_alias=_env("ORALBLANC_AUDIO_RETENTION_DAYS"))

    # rehearsal
    default_scenario: str = Field(
        "negotiation-castelnau-arrosage", validation_alias=_env("ORALBLANC_DEFAULT_SCENARIO")
    )
    engine: Literal["scripted", "llm"] | None = Field(None, validation_alias=_env("ORALBLANC_ENGINE"))
    # How often a running bot polls for scripts the jury published from another process (0: never).
    # Unset: every 30 s on SQLite; on PostgreSQL every process hears a publication at once (LISTEN/
    # NOTIFY, `storage.notifications`), so it polls only as a safety net, every 600 s.
    catalog_refresh_seconds: float | None = Field(
        None, ge=0, validation_alias=_env("ORALBLANC_CATALOG_REFRESH_SECONDS")
    )

    # LLM (any OpenAI-compatible chat API)
    openai_base_url: str | None = Field(None, validation_alias=_env("OPENAI_BASE_URL"))
    openai_api_key: str | None = Field(None, validation_alias=_env("OPENAI_API_KEY"))
    llm_model: str = Field("gpt-4o-mini", validation_alias=_env("ORALBLANC_LLM_MODEL"))
    llm_call_timeout: float = Field(20.0, gt=0, validation_alias=_env("ORALBLANC_LLM_CALL_TIMEOUT"))
    llm_turn_deadline: float = Field(30.0, gt=0, validation_alias=_env("ORALBLANC_LLM_TURN_DEADLINE"))
    llm_max_retries: int = Field(2, ge=0, validation_alias=_env("ORALBLANC_LLM_MAX_RETRIES"))
    llm_temperature: float | None = Field(0.7, ge=0, le=2, validation_alias=_env("ORALBLANC_LLM_TEMPERATURE"))
    llm_reply_words: int = Field(80, ge=10, le=400, validation_alias=_env("ORALBLANC_LLM_REPLY_WORDS"))
    llm_history_turns: int = Field(16, ge=0, validation_alias=_env("ORALBLANC_LLM_HISTORY_TURNS"))
    judge: bool = Field(True, validation_alias=_env("ORALBLANC_JUDGE"))

    # speech
    stt_model: str | None = Field(None, validation_alias=_env("ORALBLANC_STT_MODEL"))
    max_audio_seconds: float = Field(180.0, gt=0, validation_alias=_env("ORALBLANC_MAX_AUDIO_SECONDS"))
    # Greedy decoding: on the shared samples, beam sizes 1, 2, 3 and 5 gave the same WER and 1 was the
    # fastest (bench/README.md, "Speech"); faster-whisper still falls back to sampling on a failed decode.
    stt_beam_size: int = Field(1, ge=1, le=10, validation_alias=_env("ORALBLANC_STT_BEAM_SIZE"))
    # A transcription whose mean word probability is below this is shown back for the candidate to
    # confirm (or resend) before the persona answers; 0 never asks. Clear speech scores 0.8-0.9 here.
    stt_confirm_below: float = Field(0.6, ge=0, le=1, validation_alias=_env("ORALBLANC_STT_CONFIRM_BELOW"))
    # Remote speech to text (optional): the base URL of any OpenAI-compatible transcription server
    # (`…/v1`, the one whose `/audio/transcriptions` answers); unset, faster-whisper runs locally.
    stt_url: str | None = Field(None, validation_alias=_env("ORALBLANC_STT_URL"))
    stt_api_key: str | None = Field(None, validation_alias=_env("ORALBLANC_STT_API_KEY"))
    stt_api_model: str = Field("whisper-1", validation_alias=_env("ORALBLANC_STT_API_MODEL"))
    stt_timeout: float = Field(60.0, gt=0, validation_alias=_env("ORALBLANC_STT_TIMEOUT"))
    stt_max_retries: int = Field(1, ge=0, validation_alias=_env("ORALBLANC_STT_MAX_RETRIES"))

    # Telegram
    telegram_bot_token: str | None = Field(None, validation_alias=_env("TELEGRAM_BOT_TOKEN"))
    telegram_api_base_url: str = Field(
        "https://api.telegram.org/bot", validation_alias=_env("TELEGRAM_API_BASE_URL")
    )
    telegram_file_base_url: str | None = Field(None, validation_alias=_env("TELEGRAM_FILE_BASE_URL"))
    admins: str = Field("", validation_alias=_env("ORALBLANC_ADMINS"))
    # Telegram updates kept after a storage failure are tried again this often (the inbox's replay).
    update_retry_seconds: float = Field(20.0, gt=0, validation_alias=_env("ORALBLANC_UPDATE_RETRY_SECONDS"))
    # the web console (`oralblanc web`): its public address (sign-in links point there; https: the
    # session cookie is Secure) and the key that signs its session cookies (unset: a new random key at
    # each start, which signs everyone out when it restarts)
    web_url: str = Field("http://127.0.0.1:8080", validation_alias=_env("ORALBLANC_WEB_URL"))
    web_secret: str | None = Field(None, validation_alias=_env("ORALBLANC_WEB_SECRET"))
    # Tests only: named points where the process kills itself (SIGKILL), comma-separated (bot/faults.py).
    crash_points: str = Field("", validation_alias=_env("ORALBLANC_CRASH_POINTS"))

    @property
    def effective_engine(self) -> Literal["scripted", "llm"]:
        """`llm` when an API key or base URL is configured, `scripted` otherwise, unless set."""
        if self.engine is not None:
            return self.engine
        return "llm" if (self.openai_api_key or self.openai_base_url) else "scripted"

    def catalog_poll_seconds(self, *, notified: bool) -> float:
        """Seconds between two polls for publications: `catalog_refresh_seconds` when set, else 30 s,
        or 600 s when publications are `notified` (PostgreSQL: the poll is only a safety net)."""
        if self.catalog_refresh_seconds is not None:
            return self.catalog_refresh_seconds
        return CATALOG_SAFETY_NET_SECONDS if notified else CATALOG_POLL_SECONDS

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'oralblanc.sqlite3'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
