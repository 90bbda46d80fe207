"""The trainers' cohort pages: `/cohorts` (their cohorts, a new one), `/cohorts/<n>` (members, invite
link and its QR code, assignments, assign), `/cohorts/<n>/results` (candidates × criteria, latest and
best levels, the charts) and the exports (CSV, HTML). Each calls `bot.core` (cohorts, assignments,
results), which checks that the cohort is the trainer's own."""

from __future__ import annotations

import asyncio
from datetime import datetime

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from bot.core import assignments, cohorts, results
from bot.core.principal import Principal, Refused
from bot.web.auth import action, page
from bot.web.outbox import Told
from bot.web.render import flash, lang_of, render, see_other, state
from bot.web.texts import t


def invite_link(request: Request, code: str | None) -> str | None:
    username = state(request).bot_username
    return f"https://t.me/{username}?start={code}" if username and code else None


def qr_svg(data: str) -> str:
    import segno

    return segno.make(data, error="m").svg_inline(scale=4, dark="#1f2a44", light="#ffffff", title="QR")


@page
async def list_page(request: Request, me: Principal) -> Response:
    listed = await cohorts.list_owned(state(request).repo, me)
    return render(request, "cohorts.html", me, cohorts=listed)


@action
async def create(request: Request, me: Principal, form: FormData) -> Response:
    name = str(form.get("name") or "")
    created = await cohorts.create(state(request).repo, me, name)
    flash(request, t(lang_of(request, me), "cohort_created", name=created.name))
    return see_other(f"/cohorts/{created.id}")


def _ref(request: Request) -> str:
    return str(request.path_params["cohort"])


@page
async def cohort_page(request: Request, me: Principal) -> Response:
    web = state(request)
    cohort, members = await cohorts.members(web.repo, me, _ref(request))
    _, made = await assignments.of_cohort(web.repo, me, str(cohort.id))
    link = invite_link(request, cohort.invite_code)
    catalog = web.catalog
    scenarios = sorted(catalog.scenarios.values(), key=lambda s: s.id) if catalog else []
    titles = {s.id: s.title.get(lang_of(request, me)) for s in scenarios}
    return render(
        request,
        "cohort.html",
        me,
        cohort=cohort,
        members=members,
        assignments=made,
        link=link,
        qr=qr_svg(link) if link else None,
        scenarios=scenarios,
        titles=titles,
        today=datetime.now().date().isoformat(),
    )


@action
async def assign(request: Request, me: Principal, form: FormData) -> Response:
    web = state(request)
    lang = lang_of(request, me)
    due_text = str(form.get("due") or "").strip()
    due = assignments.parse_due(due_text) if due_text else None
    if due_text and due is None:
        raise Refused("bad_date", date=due_text)
    exam = form.get("exam") == "on"
    attempts_text = str(form.get("attempts") or "").strip()
    attempts = int(attempts_text) if attempts_text.isdigit() else assignments.EXAM_ATTEMPTS
    told = Told(web.outbox)
    assert web.catalog is not None
    done = await assignments.assign(
        web.repo,
        me,
        web.catalog,
        str(form.get("scenario") or ""),
        _ref(request),
        told,
        due=due,
        exam=exam,
        attempts=attempts,
    )
    flash(request, t(lang, "assigned", title=done.scenario.title.get(lang), told=done.told))
    return see_other(f"/cohorts/{done.cohort.id}")


@page
async def results_page(request: Request, me: Principal) -> Response:
    outcome = await results.cohort_results(state(request).repo, me, _ref(request))
    found = outcome.by_candidate()
    codes = list(dict.fromkeys(code for r in found for code in r.levels))
    from feedback.charts import short_code
    from feedback.report import criterion_title

    lang = lang_of(request, me)
    heads = [(code, short_code(code), criterion_title(code, lang)) for code in codes]
    return render(request, "results.html", me, cohort=outcome.cohort, results=found, heads=heads)


@page
async def chart(request: Request, me: Principal) -> Response:
    """`/cohorts/<n>/charts/levels.png` or `scores.png`: the charts of the HTML export."""
    from feedback.charts import cohort_levels_chart, cohort_scores_chart

    outcome = await results.cohort_results(state(request).repo, me, _ref(request))
    found = outcome.by_candidate()
    lang = lang_of(request, me)
    if request.path_params["which"] == "levels":
        codes = list(dict.fromkeys(code for r in found for code in r.levels))
        latest = {code: [r.last(code) for r in found if code in r.levels] for code in codes}
        png = await asyncio.to_thread(cohort_levels_chart, latest, lang)
    else:
        png = await asyncio.to_thread(cohort_scores_chart, [(r.name, r.scores) for r in found], lang)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, no-store"})


def _file_name(name: str, suffix: str) -> str:
    safe = (
        "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in name).strip("-") or "cohort"
    )
    return f"results-{safe[:60]}.{suffix}"


@page
async def export_csv(request: Request, me: Principal) -> Response:
    outcome = await results.cohort_results(state(request).repo, me, _ref(request))
    return Response(
        outcome.to_csv(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{_file_name(outcome.cohort.name, "csv")}"',
            "Cache-Control": "private, no-store",
        },
    )


@page
async def export_html(request: Request, me: Principal) -> Response:
    outcome = await results.cohort_results(state(request).repo, me, _ref(request))
    text = await asyncio.to_thread(outcome.to_html, lang_of(request, me))
    return Response(
        text,
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Disposition": f'inline; filename="{_file_name(outcome.cohort.name, "html")}"',
            "Cache-Control": "private, no-store",
            # a self-contained page: its own inline style and data: images only, no script
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        },
    )
