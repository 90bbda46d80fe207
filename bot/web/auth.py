"""Who is signed in, and signing in.

- A one-time link (`bot.core.sign_in`) opens `GET /signin/<token>`: a page with one button. The
  token is spent only by that button's `POST /signin` (with the page's CSRF token), never by the GET
  a messaging app's link preview makes. The session is a signed cookie (HttpOnly, SameSite=Lax,
  Secure when the public address is https) holding the user id and the CSRF token; it is renewed at
  sign-in, so nothing made before is accepted after.
- `page` wraps a GET handler, `action` a POST handler (CSRF checked first): the handler gets the
  signed-in person's `Principal`, rebuilt from the stored user at each request (a role revoked takes
  effect at once). Nobody signed in: the sign-in page (401). The core's refusals: 403 (not their
  role), 404 (not theirs, or no such thing), 400 (anything else).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from bot.core import sign_in
from bot.core.principal import Principal, Refused
from bot.web import csrf
from bot.web.render import flash, lang_of, refused_page, render, see_other, sign_in_page, state
from bot.web.texts import t

log = logging.getLogger(__name__)

USER = "uid"
Page = Callable[[Request, Principal], Awaitable[Response]]
Action = Callable[[Request, Principal, FormData], Awaitable[Response]]


async def principal(request: Request) -> Principal | None:
    """The signed-in person, as stored now; None when nobody is (or they were erased)."""
    user_id = request.session.get(USER)
    if not isinstance(user_id, int):
        return None
    try:
        return await sign_in.signed_in(state(request).repo, user_id, state(request).settings.admins)
    except Refused:
        request.session.pop(USER, None)
        return None


def page(handler: Page) -> Callable[[Request], Awaitable[Response]]:
    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        me = await principal(request)
        if me is None:
            return sign_in_page(request)
        try:
            return await handler(request, me)
        except Refused as refused:
            return refused_page(request, me, refused)

    return wrapped


def action(handler: Action) -> Callable[[Request], Awaitable[Response]]:
    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        form = await csrf.checked_form(request)
        me = await principal(request)
        if me is None:
            return sign_in_page(request)
        try:
            return await handler(request, me, form)
        except Refused as refused:
            return refused_page(request, me, refused)

    return wrapped


async def home(request: Request) -> Response:
    if "lang" in request.query_params and request.query_params["lang"] in ("fr", "en"):
        request.session["lang"] = request.query_params["lang"]
        return see_other(request.url.path)
    me = await principal(request)
    if me is None:
        return sign_in_page(request, 200)
    if me.has("trainer"):
        return see_other("/review")
    if me.has("jury"):
        return see_other("/scripts")
    return render(request, "error.html", me, status_code=403, message=t(lang_of(request, me), "forbidden"))


async def link_page(request: Request) -> Response:
    """`GET /signin/<token>`: the button that spends the link (the GET itself spends nothing)."""
    token = request.path_params["token"]
    response = render(request, "signin_confirm.html", None, token=token)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


async def spend_link(request: Request) -> Response:
    """`POST /signin`: spend the link, open the session."""
    form = await csrf.checked_form(request)
    token = str(form.get("token") or "")
    web = state(request)
    try:
        me = await sign_in.redeem(web.repo, token, web.settings.admins)
    except Refused as refused:
        log.info("a sign-in link was refused (%s)", refused.reason)
        return refused_page(request, None, refused)
    lang = request.session.get("lang")
    request.session.clear()
    request.session[USER] = me.user_id
    if lang:
        request.session["lang"] = lang
    csrf.renew(request)
    return see_other("/")


async def sign_out(request: Request) -> Response:
    await csrf.checked_form(request)
    lang = lang_of(request, None)
    request.session.clear()
    flash(request, t(lang, "signed_out"))
    return see_other("/")
