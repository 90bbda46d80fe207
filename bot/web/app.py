"""The web console's ASGI app: `create_app(settings)` (uvicorn serves it: `oralblanc web`).

Start-up (lifespan) opens the repository on the configured database (unless one is given, as in
tests), loads the live catalog (the library with the published scripts over it; on PostgreSQL it
follows every process's publications by notification, `core.scripts.follow_publications`) and, when a
bot token is configured, the Bot API client the outbox sends through (its username makes the t.me invite
links); shut-down closes them. Every response carries security headers (a strict Content Security
Policy: scripts and styles from the console only; no framing; no referrer, so a sign-in link never
leaks); the session is a signed cookie (HttpOnly, SameSite=Lax, Secure behind https).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.config import Settings, get_settings
from bot.web import auth, cohorts, review, scripts, trials
from bot.web.outbox import BotApiOutbox
from bot.web.render import HERE, WebState, render

log = logging.getLogger(__name__)

SESSION_COOKIE = "oralblanc_web"
SESSION_SECONDS = 8 * 3600
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "media-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


class SecurityHeaders:
    """Adds `SECURITY_HEADERS` to every response that does not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [
                    (k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in present
                ]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, sending)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if exc.status_code != 404 else "Not found / Introuvable"
    return render(request, "error.html", None, status_code=exc.status_code, message=message)


def routes() -> list[Route | Mount]:
    return [
        Route("/", auth.home),
        Route("/signin/{token}", auth.link_page),
        Route("/signin", auth.spend_link, methods=["POST"]),
        Route("/signout", auth.sign_out, methods=["POST"]),
        Route("/cohorts", cohorts.list_page),
        Route("/cohorts", cohorts.create, methods=["POST"]),
        Route("/cohorts/{cohort}", cohorts.cohort_page),
        Route("/cohorts/{cohort}/assign", cohorts.assign, methods=["POST"]),
        Route("/cohorts/{cohort}/results", cohorts.results_page),
        Route("/cohorts/{cohort}/charts/{which:str}.png", cohorts.chart),
        Route("/cohorts/{cohort}/export.csv", cohorts.export_csv),
        Route("/cohorts/{cohort}/export.html", cohorts.export_html),
        Route("/review", review.queue),
        Route("/review/{scorecard}", review.scorecard_page),
        Route("/review/{scorecard}/confirm", review.confirm, methods=["POST"]),
        Route("/review/{scorecard}/amend", review.amend, methods=["POST"]),
        Route("/sessions/{session}/audio/{turn}", review.audio),
        Route("/scripts", scripts.list_page),
        Route("/scripts/new", scripts.new_page),
        Route("/scripts/lint", scripts.lint, methods=["POST"]),
        Route("/scripts/save", scripts.save, methods=["POST"]),
        Route("/scripts/{scenario}", scripts.edit_page),
        Route("/scripts/{scenario}/publish", scripts.publish, methods=["POST"]),
        Route("/scripts/{scenario}/try", trials.start, methods=["POST"]),
        Route("/scripts/{scenario}/try/{session}", trials.trial_page),
        Route("/scripts/{scenario}/try/{session}/say", trials.say, methods=["POST"]),
        Route("/scripts/{scenario}/try/{session}/end", trials.end, methods=["POST"]),
        Route("/scripts/{scenario}/sessions/{session}", scripts.session_page),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]


def make_bot(settings: Settings) -> Any | None:
    """PTB's `Bot` on the configured Bot API, or None without a token."""
    if not settings.telegram_bot_token:
        return None
    from telegram import Bot

    from bot.telegram.app import file_base_url

    return Bot(
        settings.telegram_bot_token,
        base_url=settings.telegram_api_base_url,
        base_file_url=file_base_url(settings),
    )


def make_rehearsal(settings: Settings, repo: Any, catalog: Any) -> tuple[Any, Any]:
    """The rehearsal the jury's trials are played through (the bot's engines and judge), and the
    engines to close at shut-down."""
    from bot.engines import actor_factory, judge_from_settings
    from bot.rehearsal import Rehearsal

    engines = actor_factory(settings)
    judge = judge_from_settings(settings) if settings.judge else None
    return Rehearsal(repo, catalog, engines, judge), engines


def create_app(
    settings: Settings | None = None, *, repo: Any | None = None, bot: Any | None = None, use_bot: bool = True
) -> Starlette:
    """The console. `repo`: an `AsyncRepository` to use (else one on the configured database);
    `bot`: a PTB `Bot` (else one from the settings' token when `use_bot`)."""
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        from bot.core import scripts as core_scripts
        from bot.core.operator import open_repository

        close = None
        web: WebState = app.state.web
        if web.repo is None:
            web.repo, close = open_repository(settings.effective_database_url)
        client = web.outbox.bot
        if client is not None:
            try:
                await client.initialize()  # type: ignore[attr-defined]
                web.bot_username = client.username  # type: ignore[attr-defined]
            except Exception as exc:  # the console still works; notices will say they were not sent
                log.warning(
                    "the Bot API is not reachable (%s): candidates will not be told", type(exc).__name__
                )
        web.catalog = await core_scripts.live_catalog(web.repo)
        engines = None
        if web.rehearsal is None:
            web.rehearsal, engines = make_rehearsal(settings, web.repo, web.catalog)

        def use(catalog: Any) -> None:  # a script published by any process (PostgreSQL)
            web.catalog = catalog
            if web.rehearsal is not None:
                web.rehearsal.catalog = catalog

        follower = core_scripts.follow_publications(web.repo, use)
        log.info("web console ready on %s", settings.web_url)
        try:
            yield
        finally:
            if follower is not None:
                await follower.aclose()
            if engines is not None:
                with contextlib.suppress(Exception):
                    await engines.aclose()
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.shutdown()  # type: ignore[attr-defined]
            if close is not None:
                close()

    client = bot if bot is not None else (make_bot(settings) if use_bot else None)
    secure = settings.web_url.lower().startswith("https://")
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=settings.web_secret or secrets.token_urlsafe(32),
            session_cookie=SESSION_COOKIE,
            max_age=SESSION_SECONDS,
            same_site="lax",
            https_only=secure,
        ),
    ]
    app = Starlette(
        routes=routes(),
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_error},
    )
    app.state.web = WebState(settings, repo, BotApiOutbox(client))
    return app
