"""What the candidate reads: a Telegram-length summary, and a full report as HTML and PDF.

- `summary(card)`: plain text of at most `TELEGRAM_LIMIT` characters in the session's language:
  score out of 20, each criterion's level with the candidate's own words, one piece of advice and, when the
  script has one, a model answer in one line.
- `render_html(card, history=None)`: one self-contained page (CSS inline, charts as base64 PNG): radar
  of the criteria, each indicator with its evidence and the words that count against it, advice,
  beside each weak indicator the candidate's words at that moment and a model answer of the script,
  English and French measures, a progress chart across sessions when `history` is given, and how the
  scorecard was made (scorer, judge model and prompt version, review status).
- `render_pdf(card, history=None)`: the same page as PDF through WeasyPrint when it is installed; without
  it, a plainer PDF built with matplotlib (text pages and the charts), so a PDF is always produced.
"""

from __future__ import annotations

import base64
import html
import io
import logging
import textwrap
from collections.abc import Sequence
from pathlib import Path

from feedback.charts import HistoryItem, progress_chart, radar_chart, short_code
from feedback.referential import load_referential
from feedback.scorecard import LEVELS, CriterionScore, IndicatorScore, Scorecard, Status, decimal, unscored

logger = logging.getLogger(__name__)

TELEGRAM_LIMIT = 3500

# Short names of the oral criteria, for titles.
TITLES: dict[str, dict[str, str]] = {
    "BLOC1.A2.C3.CR3": {
        "fr": "Présenter la stratégie à la Direction",
        "en": "Presenting the strategy to the Direction",
    },
    "BLOC2.A2.C1.CR1": {"fr": "Conseiller les grands comptes", "en": "Advising key accounts"},
    "BLOC2.A2.C2.CR2": {"fr": "Négocier une offre complexe", "en": "Negotiating a complex offer"},
    "BLOC2.A2.C3.CR3": {
        "fr": "Traiter une réclamation ou un litige",
        "en": "Handling a complaint or dispute",
    },
    "BLOC3.A1.C3.CR3": {"fr": "Posture et style de management", "en": "Management stance and style"},
    "BLOC3.A1.C4.CR4": {"fr": "Conduire le changement", "en": "Leading change"},
    "BLOC3.A1.C5.CR5": {
        "fr": "Communiquer en français et en anglais",
        "en": "Communicating in French and English",
    },
}

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Oral blanc — rapport",
        "score": "Note",
        "level": "niveau",
        "review": "À revoir par un formateur",
        "insufficient": "pas assez d'éléments",
        "needs_review": "à revoir",
        "advice": "Conseil",
        "evidence": "Vos mots",
        "against": "Compte contre",
        "not_assessable": "non évaluable",
        "met": "acquis",
        "not_met": "non acquis",
        "criteria": "Critères",
        "english": "Anglais",
        "french": "Français",
        "progress": "Progression",
        "made": "Comment cette note a été établie",
        "status": "Statut",
        "proposed": "proposée (en attente de validation par un formateur)",
        "confirmed": "validée",
        "amended": "modifiée par un formateur",
        "turn": "tour",
        "scenario": "Scénario",
        "kind": "Type",
        "judge": "Juge LLM",
        "none": "aucun (détecteurs seuls)",
        "measures": "Mesures",
        "weight": "poids",
        "b1": "B1 atteint",
        "b1_no": "B1 non atteint",
        "errors": "erreurs pour 100 mots",
        "more": "Détail dans le rapport complet.",
        "scorer": "Correcteur",
        "detectors": "détecteurs",
        "counted_zero": "compté 0 dans la note",
        "you_said": "Vous avez dit",
        "model": "Réponse modèle",
        "model_short": "Modèle",
    },
    "en": {
        "title": "Mock oral — report",
        "score": "Score",
        "level": "level",
        "review": "To be reviewed by a trainer",
        "insufficient": "not enough evidence",
        "needs_review": "needs review",
        "advice": "Advice",
        "evidence": "Your words",
        "against": "Counts against",
        "not_assessable": "not assessable",
        "met": "met",
        "not_met": "not met",
        "criteria": "Criteria",
        "english": "English",
        "french": "French",
        "progress": "Progress",
        "made": "How this score was made",
        "status": "Status",
        "proposed": "proposed (awaiting a trainer's confirmation)",
        "confirmed": "confirmed",
        "amended": "amended by a trainer",
        "turn": "turn",
        "scenario": "Scenario",
        "kind": "Kind",
        "judge": "LLM judge",
        "none": "none (detectors only)",
        "measures": "Measures",
        "weight": "weight",
        "b1": "B1 reached",
        "b1_no": "B1 not reached",
        "errors": "errors per 100 words",
        "more": "Details in the full report.",
        "scorer": "Scorer",
        "detectors": "detectors",
        "counted_zero": "counts as 0 in the score",
        "you_said": "You said",
        "model": "Model answer",
        "model_short": "Model",
    },
}


def _w(lang: str) -> dict[str, str]:
    return WORDS["fr" if lang == "fr" else "en"]


def criterion_title(code: str, lang: str) -> str:
    """A short name of the criterion in `lang` (the competency's start when it has none)."""
    if code in TITLES:
        return TITLES[code]["fr" if lang == "fr" else "en"]
    try:
        text = load_referential().criterion(code).competency.get("fr" if lang == "fr" else "en")
    except KeyError:
        return code
    return textwrap.shorten(text, 60, placeholder="…")


def level_text(c: CriterionScore, lang: str, counted_zero: bool = False) -> str:
    """The criterion's level in words; `counted_zero`: it has none and counts as 0 in the score."""
    w = _w(lang)
    if c.level is None:
        text = w["insufficient"] if c.status == Status.insufficient_evidence else w["needs_review"]
        return f"{text} ({w['counted_zero']})" if counted_zero else text
    text = f"{c.level}/3 ({LEVELS[c.level]['fr' if lang == 'fr' else 'en']})"
    if c.status == Status.needs_review:
        text += f" — {w['needs_review']}"
    return text


def _score(card: Scorecard) -> str:
    s = card.overall.score_20
    return "—" if s is None else decimal(s, card.language)


def _level(card: Scorecard, c: CriterionScore) -> str:
    """`level_text` of a criterion of this card, saying when it counts as 0 in the card's score."""
    return level_text(c, card.language, counted_zero=c in unscored(card.criteria))


def _q(quote: str, lang: str, limit: int = 110) -> str:
    quote = textwrap.shorten(quote, limit, placeholder="…")
    return f"« {quote} »" if lang == "fr" else f"“{quote}”"


# --- the Telegram summary ----------------------------------------------------------------------------------


def summary(card: Scorecard, limit: int = TELEGRAM_LIMIT) -> str:
    """The scorecard in a few lines for a chat message (≤ `limit` characters), in the session's language."""
    for detail in (3, 2, 1, 0):
        text = _summary(card, detail)
        if len(text) <= limit:
            return text
    return text[: limit - 1] + "…"


def _summary(card: Scorecard, detail: int) -> str:
    lang, w = card.language, _w(card.language)
    lines = [f"{w['score']} : {_score(card)}/20" if lang == "fr" else f"{w['score']}: {_score(card)}/20"]
    if card.overall.review_required:
        lines.append(f"⚠ {w['review']}")
    for c in card.criteria:
        lines.append("")
        lines.append(f"▪ {criterion_title(c.code, lang)} ({c.code}) — {_level(card, c)}")
        if detail >= 1:
            for e in c.evidence[: 1 if detail < 3 else 2]:
                lines.append(f"  ✓ {_q(e.quote, lang, 90 if detail < 3 else 130)} ({w['turn']} {e.turn})")
            against = [a for i in c.indicators for a in i.against]
            if against and detail >= 2:
                lines.append(
                    f"  ✗ {_q(against[0].quote, lang, 160 if detail >= 3 else 100)} ({w['turn']} {against[0].turn})"
                )
        advice = [i.advice for i in c.indicators if i.advice]
        for a in advice[: 1 if detail < 3 else 2]:
            lines.append(f"  → {textwrap.shorten(a, 220 if detail >= 2 else 140, placeholder='…')}")
        model = next((i.model_answer for i in c.indicators if i.model_answer), None)
        if model and detail >= 2:  # one line: what a strong candidate could have said
            sep = " : " if lang == "fr" else ": "
            lines.append(f"  ✎ {w['model_short']}{sep}{_q(model, lang, 200 if detail >= 3 else 120)}")
    languages = []
    if card.english is not None:
        languages.append(
            f"{w['english']} : {card.english.cefr}"
            if lang == "fr"
            else f"{w['english']}: {card.english.cefr}"
        )
    if card.french is not None:
        fr = decimal(card.french.errors_per_100_words, lang)
        languages.append(
            f"{w['french']} : {fr} {w['errors']}" if lang == "fr" else f"{w['french']}: {fr} {w['errors']}"
        )
    if languages:
        lines += ["", " · ".join(languages)]
    lines += ["", w["more"]]
    return "\n".join(lines)


# --- the HTML report ---------------------------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #7a859a; } }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1f2a44; font-size: 10pt;
  line-height: 1.42; margin: 0 auto; max-width: 860px; padding: 0 12px; }
h1 { font-size: 18pt; margin: 0 0 2px 0; }
h2 { font-size: 13pt; margin: 22px 0 8px 0; border-bottom: 2px solid #2f6fdf; padding-bottom: 3px; }
h3 { font-size: 11pt; margin: 0; }
.sub { color: #5b6780; margin: 0 0 12px 0; }
.top { display: flex; gap: 18px; align-items: center; }
.top img { width: 300px; flex: 0 0 auto; }
.scorebox { border: 2px solid #2f6fdf; border-radius: 10px; padding: 10px 16px; min-width: 180px; }
.scorebox .big { font-size: 28pt; font-weight: bold; color: #2f6fdf; }
.warn { background: #fff4e0; border-left: 4px solid #e8a33d; padding: 6px 10px; margin: 8px 0; }
table.levels { border-collapse: collapse; width: 100%; margin-top: 8px; }
table.levels td, table.levels th { border-bottom: 1px solid #e3e7ef; padding: 4px 6px; text-align: left; vertical-align: top; }
.crit { border: 1px solid #d9dee8; border-radius: 8px; padding: 10px 12px; margin: 12px 0; page-break-inside: auto; }
.crit-head { display: flex; justify-content: space-between; gap: 10px; align-items: baseline; }
.pill { display: inline-block; border-radius: 10px; padding: 1px 8px; font-size: 8.5pt; font-weight: bold; white-space: nowrap; }
.l0 { background: #fde2e1; color: #a3231f; } .l1 { background: #feecd6; color: #9a5a0b; }
.l2 { background: #dff3e4; color: #1c6b34; } .l3 { background: #d7e6ff; color: #1b4fa8; }
.lx { background: #eceff4; color: #5b6780; }
.ind { border-top: 1px dashed #e3e7ef; padding: 6px 0 4px 0; }
.ind > .code, .ind > .text { page-break-after: avoid; }
.quote, .advice { page-break-inside: avoid; }
.lang { margin-bottom: 10px; }
.ind .code { font-weight: bold; font-size: 8.5pt; color: #5b6780; }
.ind .text { font-size: 9pt; color: #3a4560; }
.note { font-size: 8.5pt; color: #5b6780; }
.quote { margin: 3px 0 3px 12px; font-size: 9pt; }
.quote.for::before { content: "✓ "; color: #1c6b34; } .quote.against::before { content: "✗ "; color: #a3231f; }
.quote .turn { color: #7a859a; font-size: 8pt; }
.advice { background: #eef4ff; border-radius: 6px; padding: 4px 8px; margin: 4px 0 2px 12px; font-size: 9pt; }
.teach { display: flex; gap: 8px; margin: 4px 0 2px 12px; font-size: 9pt; page-break-inside: avoid; }
.teach .said { flex: 1; background: #fdf1f0; border-radius: 6px; padding: 4px 8px; }
.teach .model { flex: 1; background: #e9f7ee; border-radius: 6px; padding: 4px 8px; }
.muted { color: #7a859a; }
.kv { border-collapse: collapse; font-size: 9pt; }
.kv td { padding: 2px 10px 2px 0; }
img.chart { max-width: 100%; }
.foot { font-size: 8pt; color: #7a859a; margin-top: 18px; }
"""


def _img(png: bytes, alt: str, cls: str = "chart") -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="{cls}" alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _pill(card: Scorecard, c: CriterionScore) -> str:
    cls = f"l{c.level}" if c.level is not None else "lx"
    return f'<span class="pill {cls}">{html.escape(_level(card, c))}</span>'


def _indicator_html(i: IndicatorScore, lang: str) -> str:
    w = _w(lang)
    try:
        text = load_referential().indicator(i.code).text("fr" if lang == "fr" else "en")
    except KeyError:
        text = ""
    state = w["not_assessable"] if i.met is None else (w["met"] if i.met else w["not_met"])
    cls = "lx" if i.met is None else ("l2" if i.met else "l0")
    parts = [
        '<div class="ind">',
        f'<span class="code">{html.escape(short_code(i.code))}</span> <span class="pill {cls}">{html.escape(state)}</span>',
        f'<div class="text">{html.escape(text)}</div>',
    ]
    if i.note:
        parts.append(f'<div class="note">{html.escape(i.note)}</div>')
    for e in i.evidence:
        parts.append(
            f'<div class="quote for">{html.escape(_q(e.quote, lang, 400))} <span class="turn">({w["turn"]} {e.turn})</span></div>'
        )
    for e in i.against:
        parts.append(
            f'<div class="quote against">{html.escape(_q(e.quote, lang, 400))} <span class="turn">({w["turn"]} {e.turn})</span></div>'
        )
    if i.advice:
        parts.append(
            f'<div class="advice"><b>{w["advice"]} :</b> {html.escape(i.advice)}</div>'
            if lang == "fr"
            else f'<div class="advice"><b>{w["advice"]}:</b> {html.escape(i.advice)}</div>'
        )
    if i.model_answer:
        parts.append(_model_answer_html(i, lang))
    parts.append("</div>")
    return "\n".join(parts)


def _model_answer_html(i: IndicatorScore, lang: str) -> str:
    """The candidate's own words at that moment beside what a strong candidate could have said."""
    w, sep = _w(lang), (" :" if lang == "fr" else ":")
    said = ""
    if i.moment is not None:
        said = (
            f'<div class="said"><b>{w["you_said"]}{sep}</b> {html.escape(_q(i.moment.quote, lang, 400))} '
            f'<span class="turn">({w["turn"]} {i.moment.turn})</span></div>'
        )
    model = f'<div class="model"><b>{w["model"]}{sep}</b> {html.escape(_q(i.model_answer or "", lang, 600))}</div>'
    return f'<div class="teach">{said}{model}</div>'


# Measures worth showing a candidate, with their names; the others stay in the JSON scorecard.
MEASURES: dict[str, tuple[str, str]] = {
    "words": ("mots", "words"),
    "score": ("niveau continu (1 = A1 … 6 = C2)", "continuous level (1 = A1 … 6 = C2)"),
    "confidence": ("confiance de la décision B1", "confidence of the B1 decision"),
    "share_above_a2": ("part des mots au-delà de A2", "share of words above A2"),
    "share_above_b1": ("part des mots au-delà de B1", "share of words above B1"),
    "mean_sentence_length": ("longueur moyenne des phrases (mots)", "mean sentence length (words)"),
    "subordinators_per_sentence": ("subordonnées par phrase", "subordinate clauses per sentence"),
    "tense_variety": ("variété des temps", "tense variety"),
    "mtld": ("diversité lexicale (MTLD)", "lexical diversity (MTLD)"),
    "grammar_errors": ("erreurs de grammaire", "grammar errors"),
    "spelling_errors": ("erreurs d'orthographe (tours écrits)", "spelling errors (typed turns)"),
    "register": ("registre", "register"),
    "vous_forms": ("formes « vous »", "'vous' forms"),
    "tu_forms": ("formes « tu »", "'tu' forms"),
    "professional_terms_distinct": ("termes professionnels distincts", "distinct professional terms"),
    "fluency_speech_rate_wpm": ("débit (mots/min)", "speech rate (words/min)"),
    "fluency_pauses_per_minute": ("pauses par minute", "pauses per minute"),
    "fluency_mean_pause_s": ("durée moyenne des pauses (s)", "mean pause (s)"),
    "fluency_filled_pauses_per_100_words": ("« euh » pour 100 mots", "filled pauses per 100 words"),
}


def _measures_html(title: str, head: str, measures: dict, evidence: Sequence[str], lang: str) -> str:
    k = 0 if lang == "fr" else 1
    rows = "".join(
        f"<tr><td>{html.escape(label[k])}</td><td>{html.escape(_fmt(measures[key], lang))}</td></tr>"
        for key, label in MEASURES.items()
        if key in measures
    )
    quotes = "".join(f'<div class="quote for">{html.escape(_q(s, lang, 300))}</div>' for s in evidence[:3])
    return f"<div class='lang'><h3>{html.escape(title)}</h3><p><b>{html.escape(head)}</b></p><table class='kv'>{rows}</table>{quotes}</div>"


def _fmt(v: object, lang: str = "en") -> str:
    if isinstance(v, float):
        text = f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"
        return text.replace(".", ",") if lang == "fr" else text
    return str(v)


def render_html(
    card: Scorecard, history: Sequence[HistoryItem] | None = None, title: str | None = None
) -> str:
    """The full report as one self-contained HTML page."""
    lang, w = card.language, _w(card.language)
    head = title or w["title"]
    sub = []
    if card.scenario:
        sub.append(
            f"{w['scenario']} : {card.scenario}" if lang == "fr" else f"{w['scenario']}: {card.scenario}"
        )
    if card.kind:
        sub.append(f"{w['kind']} : {card.kind}" if lang == "fr" else f"{w['kind']}: {card.kind}")
    body = [f"<h1>{html.escape(head)}</h1>", f'<p class="sub">{html.escape(" · ".join(sub))}</p>']

    rows = "".join(
        f"<tr><td>{html.escape(criterion_title(c.code, lang))}<br><span class='muted'>{html.escape(c.code)} · "
        f"{w['weight']} {decimal(c.weight, lang)}</span></td><td>{_pill(card, c)}</td></tr>"
        for c in card.criteria
    )
    warn = (
        f'<div class="warn">⚠ {html.escape(w["review"])}'
        + (": " + html.escape("; ".join(card.overall.reasons)) if card.overall.reasons else "")
        + "</div>"
        if card.overall.review_required
        else ""
    )
    body.append(
        f'<div class="top">{_img(radar_chart(card), "radar")}<div><div class="scorebox">{w["score"]}<br>'
        f'<span class="big">{_score(card)}</span> / 20</div>{warn}<table class="levels">{rows}</table></div></div>'
    )

    body.append(f"<h2>{w['criteria']}</h2>")
    for c in card.criteria:
        body.append('<div class="crit">')
        body.append(
            f'<div class="crit-head"><h3>{html.escape(criterion_title(c.code, lang))} '
            f'<span class="muted">({html.escape(c.code)})</span></h3>{_pill(card, c)}</div>'
        )
        if c.judge_level is not None:
            sep = " : " if lang == "fr" else ": "
            body.append(
                f'<div class="note">{w["judge"]}{sep}{c.judge_level}/3 · {w["detectors"]}{sep}'
                f"{'—' if c.detector_level is None else c.detector_level}/3</div>"
            )
        body += [_indicator_html(i, lang) for i in c.indicators]
        body.append("</div>")

    if card.english is not None or card.french is not None:
        body.append(f"<h2>{w['english']} / {w['french']}</h2>")
        if card.english is not None:
            e = card.english
            body.append(
                _measures_html(
                    w["english"],
                    f"CEFR {e.cefr} — {w['b1'] if e.b1_reached else w['b1_no']}",
                    e.measures,
                    e.evidence,
                    lang,
                )
            )
        if card.french is not None:
            f = card.french
            body.append(
                _measures_html(
                    w["french"],
                    f"{_fmt(float(f.errors_per_100_words), lang)} {w['errors']}",
                    f.measures,
                    [],
                    lang,
                )
            )

    if history:
        body.append(f"<h2>{w['progress']}</h2>")
        body.append(_img(progress_chart(history, lang=lang), "progress"))

    p = card.provenance
    status = w[card.review.status.value]
    made = [
        f"<tr><td>{w['status']}</td><td>{html.escape(status)}"
        + (f" — {html.escape(card.review.by)}" if card.review.by else "")
        + "</td></tr>"
    ]
    if p is not None:
        judge = f"{p.judge_model} ({p.judge_prompt_version})" if p.judge_model else w["none"]
        made.append(f"<tr><td>{w['scorer']}</td><td>{html.escape(p.scorer_version)}</td></tr>")
        made.append(f"<tr><td>{w['judge']}</td><td>{html.escape(judge)}</td></tr>")
        for problem in p.judge_problems:
            made.append(f"<tr><td></td><td class='muted'>{html.escape(problem)}</td></tr>")
    body.append(f"<h2>{w['made']}</h2><table class='kv'>{''.join(made)}</table>")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(head)}</title><style>{CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


# --- PDF ------------------------------------------------------------------------------------------------------


def render_pdf(
    card: Scorecard, history: Sequence[HistoryItem] | None = None, title: str | None = None
) -> bytes:
    """The full report as PDF bytes (WeasyPrint when installed, else a plainer matplotlib PDF)."""
    page = render_html(card, history, title)
    try:
        from weasyprint import HTML  # optional: needs Pango (Debian libpango-1.0-0)
    except Exception as exc:  # ImportError, or OSError when Pango is missing
        logger.info("WeasyPrint unavailable (%s): plain PDF", exc)
        return _plain_pdf(card, history, title)
    return HTML(string=page).write_pdf()


def write_report(card: Scorecard, path: Path, history: Sequence[HistoryItem] | None = None) -> Path:
    """Write the report to `path`: PDF for .pdf, HTML otherwise."""
    if path.suffix.lower() == ".pdf":
        path.write_bytes(render_pdf(card, history))
    else:
        path.write_text(render_html(card, history), encoding="utf-8")
    return path


def _plain_pdf(card: Scorecard, history: Sequence[HistoryItem] | None, title: str | None) -> bytes:
    """A PDF without WeasyPrint: a page with the radar and levels, text pages, the progress chart."""
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure
    from matplotlib.image import imread

    lang, w = card.language, _w(card.language)
    buf = io.BytesIO()
    lines = _summary(card, 3).splitlines()
    for c in card.criteria:
        lines += ["", f"{c.code} — {_level(card, c)}"]
        for i in c.indicators:
            state = w["not_assessable"] if i.met is None else (w["met"] if i.met else w["not_met"])
            lines.append(f"  {short_code(i.code)}: {state}" + (f" — {i.note}" if i.note else ""))
            lines += [f"    ✓ {_q(e.quote, lang, 100)} ({w['turn']} {e.turn})" for e in i.evidence]
            lines += [f"    ✗ {_q(e.quote, lang, 100)} ({w['turn']} {e.turn})" for e in i.against]
            if i.model_answer:
                lines.append(f"    ✎ {w['model']}: {_q(i.model_answer, lang, 300)}")
    wrapped = [
        seg for line in lines for seg in (textwrap.wrap(line, 100, subsequent_indent="      ") or [""])
    ]
    with PdfPages(buf) as pdf:
        fig = Figure(figsize=(8.27, 11.69))
        fig.text(0.08, 0.95, title or w["title"], fontsize=16, color="#1f2a44")
        fig.text(
            0.08,
            0.92,
            f"{w['score']}{' : ' if lang == 'fr' else ': '}{_score(card)}/20",
            fontsize=12,
            color="#2f6fdf",
        )
        ax = fig.add_axes((0.15, 0.45, 0.7, 0.42))
        ax.imshow(imread(io.BytesIO(radar_chart(card)), format="png"))
        ax.axis("off")
        pdf.savefig(fig)
        for start in range(0, len(wrapped), 62):
            fig = Figure(figsize=(8.27, 11.69))
            fig.text(
                0.06, 0.96, "\n".join(wrapped[start : start + 62]), fontsize=8, va="top", family="DejaVu Sans"
            )
            pdf.savefig(fig)
        if history:
            fig = Figure(figsize=(8.27, 11.69))
            ax = fig.add_axes((0.08, 0.55, 0.84, 0.38))
            ax.imshow(imread(io.BytesIO(progress_chart(history, lang=lang)), format="png"))
            ax.axis("off")
            pdf.savefig(fig)
    return buf.getvalue()
