"""The review queue: `/review` (the proposed scorecards of the trainer's members), `/review/<n>` (the
proposed scorecard beside the whole transcript, each quote highlighted in its turn, spoken turns
playable), confirm or amend a level with a comment (through `bot.core.review`: the candidate is told
on Telegram through the outbox, and the page says whether they were). `/sessions/<n>/audio/<turn>`
serves a spoken turn's raw audio to a trainer of that candidate only (`bot.core.transcripts.audio`)."""

from __future__ import annotations

import html
from dataclasses import dataclass

from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from bot.core import review, transcripts
from bot.core.principal import Principal, Refused
from bot.web.auth import action, page
from bot.web.outbox import Told
from bot.web.render import flash, lang_of, render, see_other, state
from bot.web.texts import t
from feedback.scorecard import Scorecard


@page
async def queue(request: Request, me: Principal) -> Response:
    web = state(request)
    assert web.catalog is not None
    waiting = await review.proposed(web.repo, me, web.catalog)
    return render(request, "review.html", me, proposals=waiting)


@dataclass(frozen=True)
class ShownTurn:
    number: int
    speaker: str
    text: Markup
    audio: bool


def highlight(text: str, quotes: list[tuple[str, str]]) -> Markup:
    """`text` escaped, each quote found in it wrapped in <mark> (titled with the criteria it supports)."""
    spans: list[tuple[int, int, str]] = []
    for quote, code in quotes:
        at = text.find(quote) if quote else -1
        if at < 0:
            at = text.casefold().find(quote.casefold()) if quote else -1
        if at >= 0:
            spans.append((at, at + len(quote), code))
    spans.sort()
    out, position = [], 0
    for start, end, code in spans:
        if start < position:  # overlapping quotes: the first one is marked
            continue
        out.append(html.escape(text[position:start]))
        out.append(f'<mark title="{html.escape(code)}">{html.escape(text[start:end])}</mark>')
        position = end
    out.append(html.escape(text[position:]))
    return Markup("".join(out))


def _quotes(card: Scorecard) -> dict[int, list[tuple[str, str]]]:
    from feedback.charts import short_code

    found: dict[int, list[tuple[str, str]]] = {}
    for criterion in card.criteria:
        evidence = list(criterion.evidence) + [e for i in criterion.indicators for e in i.evidence]
        for e in evidence:
            found.setdefault(e.turn, []).append((e.quote, short_code(criterion.code)))
    return found


def _ref(request: Request) -> str:
    return str(request.path_params["scorecard"])


@page
async def scorecard_page(request: Request, me: Principal) -> Response:
    from feedback.charts import short_code
    from feedback.report import criterion_title

    web = state(request)
    found = await review.reviewable(web.repo, me, _ref(request))
    card = Scorecard.model_validate(found.record.effective)
    quotes = _quotes(card)
    session = found.session
    turns = [
        ShownTurn(
            session.first_turn + i,
            turn.speaker,
            highlight(turn.text, quotes.get(session.first_turn + i, [])),
            bool(session.meta[i].has_audio) if i < len(session.meta) else False,
        )
        for i, turn in enumerate(session.turns)
    ]
    lang = lang_of(request, me)
    persona = web.catalog.personas.get(session.scenario.persona) if web.catalog else None
    criteria = [(c, short_code(c.code), criterion_title(c.code, lang)) for c in card.criteria]
    shown = {c.code: {(e.turn, e.quote) for i in c.indicators for e in i.evidence} for c in card.criteria}
    own_quotes = {
        c.code: [e for e in c.evidence if (e.turn, e.quote) not in shown[c.code]] for c in card.criteria
    }
    waiting = (
        [p.record.id for p in await review.proposed(web.repo, me, web.catalog, excerpts=False)]
        if web.catalog
        else []
    )
    later = [n for n in waiting if n != found.record.id]
    return render(
        request,
        "scorecard.html",
        me,
        found=found,
        card=card,
        criteria=criteria,
        turns=turns,
        own_quotes=own_quotes,
        persona_name=persona.name if persona else session.scenario.persona,
        title=session.scenario.title.get(lang),
        next_id=later[0] if later else None,
    )


def _told_message(request: Request, me: Principal, told: Told, what: str, number: int) -> tuple[str, str]:
    lang = lang_of(request, me)
    if told.everyone:
        return "ok", t(lang, f"{what}_told", id=number)
    return "warn", t(lang, f"{what}_untold", id=number, why=t(lang, told.why_not()))


@action
async def confirm(request: Request, me: Principal, form: FormData) -> Response:
    web = state(request)
    assert web.catalog is not None
    told = Told(web.outbox)
    comment = str(form.get("comment") or "").strip()[: review.MAX_COMMENT] or None
    done = await review.confirm(web.repo, me, web.catalog, _ref(request), told, comment=comment)
    kind, text = _told_message(request, me, told, "confirmed", done.record.id)
    flash(request, text, kind)
    return see_other(f"/review/{done.record.id}")


@action
async def amend(request: Request, me: Principal, form: FormData) -> Response:
    web = state(request)
    assert web.catalog is not None
    told = Told(web.outbox)
    terms = [
        str(form.get("criterion") or ""),
        str(form.get("level") or ""),
        str(form.get("comment") or "").strip(),
    ]
    done = await review.amend(web.repo, me, web.catalog, _ref(request), [x for x in terms if x], told)
    kind, text = _told_message(request, me, told, "amended", done.record.id)
    flash(request, text, kind)
    return see_other(f"/review/{done.record.id}")


def audio_type(data: bytes) -> str:
    if data[:4] == b"OggS":
        return "audio/ogg"
    if data[:4] == b"RIFF":
        return "audio/wav"
    if data[:3] == b"ID3" or data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    if data[4:8] == b"ftyp":
        return "audio/mp4"
    return "application/octet-stream"


@page
async def audio(request: Request, me: Principal) -> Response:
    number = str(request.path_params["turn"])
    if not number.isdigit():
        raise Refused("no_audio", ref=number, turn=number)
    data = await transcripts.audio(state(request).repo, me, str(request.path_params["session"]), int(number))
    return Response(data, media_type=audio_type(data), headers={"Cache-Control": "private, no-store"})
