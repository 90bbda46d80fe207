"""A jury member trying a script in the browser (`bot.core.trials`): "Try" on the editor posts to
`/scripts/<id>/try`, which starts a trial (the same version Telegram's /try plays, in exam mode, text
only) and opens `/scripts/<id>/try/<session>`: the conversation and a form to send a line (htmx
swaps in the conversation and the form; without JavaScript the page is reloaded), and "End", which
scores the trial and shows its scorecard summary on the same page."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from bot.core import trials
from bot.core.principal import Principal
from bot.web.auth import action, page
from bot.web.render import flash, lang_of, render, see_other, state
from bot.web.texts import t


def _ids(request: Request) -> tuple[str, str]:
    return str(request.path_params["scenario"]), str(request.path_params["session"])


def _summary(card, lang: str) -> list[tuple[str, str, int | None, str | None]]:
    """The scorecard's criteria as (short code, title, level, advice)."""
    from feedback.charts import short_code
    from feedback.report import criterion_title

    return [(short_code(c.code), criterion_title(c.code, lang), c.level, c.advice) for c in card.criteria]


async def _show(
    request: Request, me: Principal, template: str, status_code: int = 200, warning: str | None = None
) -> Response:
    web = state(request)
    assert web.catalog is not None
    scenario_id, ref = _ids(request)
    view = await trials.trial(web.repo, me, web.catalog, ref, scenario_id)
    lang = lang_of(request, me)
    return render(
        request,
        template,
        me,
        status_code=status_code,
        view=view,
        scenario_id=scenario_id,
        title=view.scenario.title.get(lang),
        warning=warning,
        summary=_summary(view.card, lang) if view.card else None,
        max_line=trials.MAX_LINE,
    )


@action
async def start(request: Request, me: Principal, form: FormData) -> Response:
    web = state(request)
    assert web.catalog is not None
    scenario_id = str(request.path_params["scenario"])
    lang = lang_of(request, me)
    started = await trials.start_trial(
        web.repo,
        me,
        web.rehearsal,
        web.catalog,
        scenario_id,
        "fr" if lang == "fr" else "en",
        engine=web.settings.effective_engine,
    )
    flash(
        request,
        t(
            lang,
            "trial_started",
            id=started.scenario.id,
            version=started.scenario.version,
            source=t(lang, f"trial_{started.source}"),
            minutes=started.scenario.duration_min,
        ),
    )
    return see_other(f"/scripts/{scenario_id}/try/{started.session_id}")


@page
async def trial_page(request: Request, me: Principal) -> Response:
    return await _show(request, me, "trial.html")


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


@action
async def say(request: Request, me: Principal, form: FormData) -> Response:
    web = state(request)
    scenario_id, ref = _ids(request)
    lang = lang_of(request, me)
    said = await trials.trial_turn(web.repo, me, web.rehearsal, ref, str(form.get("text") or ""), scenario_id)
    warning = t(lang, "trial_time_up") if said.time_up else None
    if _htmx(request):
        return await _show(request, me, "trial_part.html", warning=warning)
    if warning:
        flash(request, warning, "warn")
    return see_other(f"/scripts/{scenario_id}/try/{ref}")


@action
async def end(request: Request, me: Principal, form: FormData) -> Response:
    web = state(request)
    scenario_id, ref = _ids(request)
    await trials.end_trial(web.repo, me, web.rehearsal, ref, scenario_id)
    if _htmx(request):
        return await _show(request, me, "trial_part.html")
    return see_other(f"/scripts/{scenario_id}/try/{ref}")
