"""The jury's pages: `/scripts` (their uploads with versions, the live library), the editor
`/scripts/new` and `/scripts/<id>` (the YAML linted as they type: htmx posts it to `/scripts/lint`,
which answers the same messages as `oralblanc scenarios lint`, each pointing at its line, and a
readable preview: persona, stages, objections, hidden facts), save (`bot.core.scripts.upload`) and
publish (`bot.core.scripts.publish`; the console's catalog is refreshed after). The editor lists the
script's sessions, each opening `/scripts/<id>/sessions/<n>`: the whole transcript, anonymised for the
jury, named for a trainer of its candidate (`bot.core.transcripts.read`). Trying a script: `bot.web.trials`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from bot.core import scripts, transcripts
from bot.core.principal import Principal, Refused
from bot.web.auth import action, page
from bot.web.render import flash, lang_of, render, see_other, state
from bot.web.texts import t
from scenarios.model import Scenario

FILE_NAME = "script.yaml"
SESSIONS_SHOWN = 20  # the newest of a script's sessions the editor lists
_PROBLEM = re.compile(r"^(?P<file>[^:\n]*):(?P<line>\d+): (?P<message>.*)$", re.S)

NEW_SCRIPT = """\
# A standardized script: see the bundled library (oralblanc scenarios list) for complete examples.
id: my-new-script
version: 1
kind: negotiation
title:
  fr: Mon nouveau script
  en: My new script
"""


@dataclass(frozen=True)
class Problem:
    line: int | None
    text: str  # the whole `FILE:LINE: message` line, as the linter prints it
    message: str


def problems_of(lines: list[str]) -> list[Problem]:
    out = []
    for line in lines:
        found = _PROBLEM.match(line)
        if found:
            out.append(Problem(int(found["line"]), line, found["message"]))
        else:
            out.append(Problem(None, line, line))
    return out


@page
async def list_page(request: Request, me: Principal) -> Response:
    web = state(request)
    assert web.catalog is not None
    uploads = await scripts.list_uploads(web.repo, me, web.catalog, mine=True)
    by_id: dict[str, list] = {}
    for script in uploads.scripts:
        by_id.setdefault(script.scenario_id, []).append(script)
    for versions in by_id.values():
        versions.sort(key=lambda s: (s.version, s.id), reverse=True)
    library = sorted(web.catalog.scenarios.values(), key=lambda s: s.id)
    return render(request, "scripts.html", me, by_id=by_id, live=uploads.live, library=library)


async def _editor(
    request: Request,
    me: Principal,
    scenario_id: str | None,
    source: str,
    status_code: int = 200,
    warning: str | None = None,
) -> Response:
    web = state(request)
    checked = await scripts.check(me, FILE_NAME, source)
    versions = []
    sessions = None
    if scenario_id:
        assert web.catalog is not None
        uploads = await scripts.list_uploads(web.repo, me, web.catalog)
        versions = sorted(
            (s for s in uploads.scripts if s.scenario_id == scenario_id),
            key=lambda s: (s.version, s.id),
            reverse=True,
        )
        listed = await transcripts.script_sessions(web.repo, me, scenario_id)
        shown = listed.sessions[-SESSIONS_SHOWN:]
        sessions = list(
            zip(
                [summary.id for summary, _ in shown],
                listed.lines(lang_of(request, me), last=SESSIONS_SHOWN),
                strict=True,
            )
        )
    live = web.catalog.scenarios.get(scenario_id) if web.catalog and scenario_id else None
    return render(
        request,
        "editor.html",
        me,
        status_code=status_code,
        scenario_id=scenario_id,
        source=source,
        problems=problems_of(checked.problems),
        preview=_preview(request, me, checked.scenario),
        versions=versions,
        live=live,
        sessions=sessions,
        warning=warning,
    )


@page
async def new_page(request: Request, me: Principal) -> Response:
    return await _editor(request, me, None, NEW_SCRIPT)


@page
async def edit_page(request: Request, me: Principal) -> Response:
    scenario_id = str(request.path_params["scenario"])
    source = await scripts.source_to_edit(state(request).repo, me, scenario_id)
    if source is None:
        raise Refused("unknown_scenario", id=scenario_id)
    return await _editor(request, me, scenario_id, source)


def _preview(request: Request, me: Principal, scenario: Scenario | None) -> dict | None:
    if scenario is None:
        return None
    lang = lang_of(request, me)
    catalog = state(request).catalog
    persona = catalog.personas.get(scenario.persona) if catalog else None
    return {
        "scenario": scenario,
        "title": scenario.title.get(lang),
        "briefing": scenario.briefing.get(lang),
        "persona": (
            f"{persona.name} — {persona.role.get(lang)}, {persona.company.get(lang)}"
            if persona
            else t(lang, "unknown_persona", id=scenario.persona)
        ),
        "stages": [
            {
                "id": stage.id,
                "says": (stage.says.get(lang) or [""])[0],
                "objections": [
                    {
                        "id": o.id,
                        "says": (o.says.get(lang) or [""])[0],
                        "resolved_by": ", ".join(str(m) for m in o.resolved_by),
                    }
                    for o in stage.objections
                ],
            }
            for stage in scenario.stages
        ],
        "facts": [
            {"id": f.id, "fact": f.fact.get(lang), "from_stage": f.from_stage}
            for f in scenario.hidden_brief.facts
        ],
        "criteria": [c.id for c in scenario.criteria],
    }


@action
async def lint(request: Request, me: Principal, form: FormData) -> Response:
    """The editor's lint as one types (an htmx fragment)."""
    checked = await scripts.check(me, FILE_NAME, str(form.get("source") or ""))
    return render(
        request,
        "lint.html",
        me,
        problems=problems_of(checked.problems),
        preview=_preview(request, me, checked.scenario),
    )


@action
async def save(request: Request, me: Principal, form: FormData) -> Response:
    source = str(form.get("source") or "")
    lang = lang_of(request, me)
    uploaded = await scripts.upload(state(request).repo, me, FILE_NAME, source.encode("utf-8"))
    if uploaded.number is None or uploaded.scenario is None:
        current = str(form.get("scenario_id") or "") or None
        return await _editor(request, me, current, source, status_code=422, warning=t(lang, "not_saved"))
    flash(request, t(lang, "saved", id=uploaded.scenario.id, version=uploaded.scenario.version))
    return see_other(f"/scripts/{uploaded.scenario.id}")


@action
async def publish(request: Request, me: Principal, form: FormData) -> Response:
    web = state(request)
    assert web.catalog is not None
    scenario_id = str(request.path_params["scenario"])
    done = await scripts.publish(web.repo, me, web.catalog, scenario_id)
    web.catalog = await scripts.live_catalog(web.repo)
    if web.rehearsal is not None:
        web.rehearsal.catalog = web.catalog
    flash(request, t(lang_of(request, me), "published_ok", id=done.scenario_id, version=done.version))
    return see_other(f"/scripts/{scenario_id}")


@page
async def session_page(request: Request, me: Principal) -> Response:
    """One of a script's finished sessions in full: anonymised for the jury, named for a trainer of its
    candidate (`bot.core.transcripts.read` decides); a session of another script is not found here."""
    web = state(request)
    assert web.catalog is not None
    scenario_id, ref = str(request.path_params["scenario"]), str(request.path_params["session"])
    reading = await transcripts.read(web.repo, me, web.catalog, ref, anonymous=not me.has("trainer"))
    if reading.record.scenario_id != scenario_id:
        raise Refused("unknown_session", ref=ref)
    return render(
        request,
        "session.html",
        me,
        reading=reading,
        scenario_id=scenario_id,
        lines=reading.lines(lang_of(request, me)),
    )
