"""CSRF: one random token per browser session (kept in the signed session cookie), put in every form
as the hidden field `csrf` and sent by htmx as the `X-CSRF-Token` header; a POST without it, or with
another, is refused (403) before anything is done."""

from __future__ import annotations

import hmac
import secrets

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

FIELD = "csrf"
HEADER = "x-csrf-token"


def token(request: Request) -> str:
    """The session's CSRF token (made on first use)."""
    value = request.session.get(FIELD)
    if not isinstance(value, str) or len(value) < 20:
        value = secrets.token_urlsafe(32)
        request.session[FIELD] = value
    return value


def renew(request: Request) -> str:
    """A new token (at sign-in: nothing made before it is accepted after)."""
    request.session[FIELD] = secrets.token_urlsafe(32)
    return request.session[FIELD]


async def checked_form(request: Request) -> FormData:
    """The request's form, once its CSRF token (field or header) matches the session's; else 403."""
    form = await request.form()
    sent = form.get(FIELD) or request.headers.get(HEADER) or ""
    expected = request.session.get(FIELD)
    if not isinstance(sent, str) or not isinstance(expected, str) or not hmac.compare_digest(sent, expected):
        raise HTTPException(403, "CSRF token missing or wrong")
    return form
