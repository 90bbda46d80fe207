"""Rendering: the Jinja2 templates, what every page gets (the person, their language, the CSRF
token, a one-time flash message), and the pages of refusals (401 sign-in, 403, 404, 400)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from bot.catalog import Catalog
from bot.config import Settings
from bot.core.principal import Principal, Refused
from bot.web import csrf
from bot.web.outbox import BotApiOutbox
from bot.web.texts import LANGS, refusal, t
from scenarios.model import Lang

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))

NOT_FOUND = {
    "unknown_cohort",
    "unknown_scorecard",
    "unknown_session",
    "unknown_scenario",
    "no_audio",
    "no_such_user",
}


@dataclass
class WebState:
    """What the console holds while it runs (no person's state: that is in the database)."""

    settings: Settings
    repo: Any  # bot.core.operator.AsyncRepository
    outbox: BotApiOutbox
    catalog: Catalog | None = None
    rehearsal: Any = None  # bot.rehearsal.Rehearsal, for the jury's trials (built at start-up)
    bot_username: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def secure(self) -> bool:
        return self.settings.web_url.lower().startswith("https://")


def state(request: Request) -> WebState:
    return request.app.state.web


def lang_of(request: Request, me: Principal | None) -> Lang:
    chosen = request.session.get("lang")
    if chosen in LANGS:
        return chosen
    return "en" if me is not None and me.language == "en" else "fr"


def flash(request: Request, text: str, kind: str = "ok") -> None:
    request.session["flash"] = [kind, text]


def score_text(value: float | None, lang: str) -> str:
    """A score out of 20 as the page's language writes it ("13,3" in French), "–" without one."""
    if value is None:
        return "–"
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "fr" else text


def render(
    request: Request, name: str, me: Principal | None, status_code: int = 200, **context: Any
) -> Response:
    lang = lang_of(request, me)
    shown = request.session.pop("flash", None)
    context.update(
        request=request,
        me=me,
        lang=lang,
        csrf=csrf.token(request),
        flash=shown,
        t=lambda key, **values: t(lang, key, **values),
        path=request.url.path,
        score=lambda value: score_text(value, lang),
    )
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def refused_page(request: Request, me: Principal | None, refused: Refused) -> Response:
    lang = lang_of(request, me)
    status = 403 if refused.reason == "not_allowed" else 404 if refused.reason in NOT_FOUND else 400
    return render(request, "error.html", me, status_code=status, message=refusal(lang, refused))


def sign_in_page(request: Request, status_code: int = 401) -> Response:
    return render(request, "signin.html", None, status_code=status_code)


def see_other(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def plain(text: str, status_code: int) -> Response:
    return HTMLResponse(text, status_code=status_code)
