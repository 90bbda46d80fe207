"""Charts as PNG bytes: of a scorecard (a radar of the criteria, a progress line across sessions) and of a
cohort (where the candidates' latest levels stand per criterion, each candidate's score out of 20).

Matplotlib's object API with the Agg canvas (no pyplot, no global backend switch), so it is safe in
worker threads and on machines without a display.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Mapping, Sequence

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.projections.polar import PolarAxes
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import ScaledTranslation

from feedback.scorecard import LEVELS, Scorecard, decimal

logger = logging.getLogger(__name__)

INK = "#1f2a44"
ACCENT = "#2f6fdf"
MUTED = "#9aa5b8"
GRID = "#d9dee8"
# Levels 0–3 in the hues of the report's level pills (red, orange, green, blue); not assessable in grey.
LEVEL_COLOURS = {0: "#d6605a", 1: "#e8a33d", 2: "#4caf6a", 3: ACCENT}
NO_LEVEL_COLOUR = "#c5ccd8"

HistoryItem = Scorecard | tuple[str, Scorecard]


def _png(fig: Figure, dpi: int = 150) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return buf.getvalue()


def short_code(code: str) -> str:
    """BLOC2.A2.C2.CR2 → B2 CR2 ; BLOC2.A2.C2.CR2.3 → B2 CR2.3."""
    parts = code.split(".")
    block = parts[0].replace("BLOC", "B")
    tail = [p for p in parts[1:] if p.startswith("CR")]
    rest = parts[parts.index(tail[0]) + 1 :] if tail else []
    return f"{block} {'.'.join(tail + rest)}"


def radar_axes(card: Scorecard) -> list[tuple[str, float | None]]:
    """The radar's axes: the criteria when there are three or more, else the indicators (level 0–3)."""
    if len(card.criteria) >= 3:
        return [(short_code(c.code), None if c.level is None else float(c.level)) for c in card.criteria]
    axes: list[tuple[str, float | None]] = []
    for c in card.criteria:
        for i in c.indicators:
            value = (
                i.strength if i.strength is not None else (None if i.met is None else (2.0 if i.met else 0.0))
            )
            axes.append((short_code(i.code), None if value is None else float(value)))
    return axes


def radar_chart(card: Scorecard, title: str | None = None) -> bytes:
    """A radar (spider) chart of the levels 0–3; axes not assessable are drawn at 0 and greyed."""
    axes = radar_axes(card)
    if len(axes) < 3:  # a radar needs three axes: pad with the criteria's own levels
        axes += [("", None)] * (3 - len(axes))
    n = len(axes)
    angles = [2 * math.pi * k / n for k in range(n)]
    values = [v if v is not None else 0.0 for _, v in axes]
    fig = Figure(figsize=(5.2, 5.2))
    ax = fig.add_subplot(projection="polar")
    assert isinstance(ax, PolarAxes)
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_ylim(0, 3)
    ax.set_yticks([1, 2, 3])
    ax.set_yticklabels(["1", "2", "3"], color=MUTED, fontsize=8)
    ax.set_xticks(angles)
    ax.set_xticklabels([label for label, _ in axes], fontsize=8, color=INK)
    for label, (_, v) in zip(ax.get_xticklabels(), axes, strict=True):
        if v is None:
            label.set_color(MUTED)
    ax.grid(color=GRID)
    ax.spines["polar"].set_color(GRID)
    closed_a, closed_v = angles + angles[:1], values + values[:1]
    ax.plot(closed_a, [2] * (n + 1), color=MUTED, linewidth=1, linestyle="--")  # "acquired"
    ax.plot(closed_a, closed_v, color=ACCENT, linewidth=2)
    ax.fill(closed_a, closed_v, color=ACCENT, alpha=0.18)
    ax.scatter(angles, values, color=ACCENT, s=18, zorder=3)
    if title:
        ax.set_title(title, color=INK, fontsize=11, pad=18)
    return _png(fig)


def progress_chart(history: Sequence[HistoryItem], title: str | None = None, lang: str = "fr") -> bytes:
    """The score out of 20 across sessions (oldest first), with each criterion's level on a second axis.

    `history` holds scorecards, or (label, scorecard) pairs such as ("12/03", card).
    """
    items = [(h if isinstance(h, tuple) else (str(k), h)) for k, h in enumerate(history, start=1)]
    labels = [label for label, _ in items]
    xs = list(range(len(items)))
    fig = Figure(figsize=(7.0, 3.4))
    ax = fig.add_subplot()
    scores = [card.overall.score_20 for _, card in items]
    ax.plot(
        [x for x, s in zip(xs, scores, strict=True) if s is not None],
        [s for s in scores if s is not None],
        color=ACCENT,
        linewidth=2.5,
        marker="o",
        label="/20",
    )
    for x, s in zip(xs, scores, strict=True):
        if s is not None:
            ax.annotate(
                decimal(s, lang),
                (x, s),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=8,
                color=INK,
            )
    ax.set_ylim(0, 20.5)
    ax.axhline(10, color=MUTED, linewidth=0.8, linestyle="--")
    ax.set_xticks(xs)
    ax.set_xticklabels(labels, fontsize=8, rotation=0 if len(xs) < 8 else 45)
    ax.set_ylabel("/20", color=INK)
    ax.grid(axis="y", color=GRID)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    codes = list(dict.fromkeys(c.code for _, card in items for c in card.criteria))
    if codes:
        levels = ax.twinx()
        levels.set_ylim(0, 3.1)
        levels.set_yticks([0, 1, 2, 3])
        levels.tick_params(colors=MUTED, labelsize=7)
        levels.spines["top"].set_visible(False)
        levels.set_ylabel("niveau (0–3)" if lang == "fr" else "level (0–3)", color=MUTED, fontsize=8)
        for k, code in enumerate(codes):
            offset = (k - (len(codes) - 1) / 2) * 0.05  # criteria at the same level stay visible
            pts = []
            for x, (_, card) in zip(xs, items, strict=True):
                level = next((c.level for c in card.criteria if c.code == code), None)
                if level is not None:
                    pts.append((x, level + offset))
            if pts:
                levels.plot(
                    [p[0] for p in pts],
                    [p[1] for p in pts],
                    linewidth=1,
                    alpha=0.6,
                    marker=".",
                    label=short_code(code),
                )
        handles, names = ax.get_legend_handles_labels()
        h2, n2 = levels.get_legend_handles_labels()
        ax.legend(handles + h2, names + n2, fontsize=7, loc="upper left", frameon=False, ncol=4)
    if title:
        ax.set_title(title, color=INK, fontsize=11)
    return _png(fig)


# --- cohort charts (plain data in, so `feedback` does not depend on `storage`) -----------------------

COHORT_DPI = 110  # the export travels through Telegram: modest images
COHORT_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "none": "aucune donnée",
        "candidates": "candidats",
        "not_assessable": "non évaluable",
        "acquired": "acquis →",
        "last": "dernière note",
        "earlier": "séances précédentes",
    },
    "en": {
        "none": "no data",
        "candidates": "candidates",
        "not_assessable": "not assessable",
        "acquired": "acquired →",
        "last": "last score",
        "earlier": "earlier sessions",
    },
}


def _cw(lang: str) -> dict[str, str]:
    return COHORT_WORDS["fr" if lang == "fr" else "en"]


def _no_data(lang: str, title: str | None) -> bytes:
    fig = Figure(figsize=(6.0, 1.6))
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        _cw(lang)["none"],
        ha="center",
        va="center",
        color=MUTED,
        fontsize=11,
        transform=ax.transAxes,
    )
    if title:
        ax.set_title(title, color=INK, fontsize=11)
    return _png(fig, COHORT_DPI)


def _legend_below(fig: Figure, ax: Axes, handles: Sequence[Artist], names: Sequence[str], ncol: int) -> None:
    """The legend centred under the axes, a fixed distance below the x label whatever the height."""
    ax.legend(
        handles,
        names,
        fontsize=7,
        frameon=False,
        ncol=ncol,
        loc="upper center",
        bbox_to_anchor=(0.5, 0),
        bbox_transform=ax.transAxes + ScaledTranslation(0, -0.42, fig.dpi_scale_trans),
    )


def _plain(text: str, width: int = 28) -> str:
    """A user-provided label drawn as typed: `$` would start mathtext; long names are cut."""
    text = " ".join(text.split())
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text.replace("$", r"\$")


def cohort_levels_chart(
    latest: Mapping[str, Sequence[int | None]], lang: str = "fr", title: str | None = None
) -> bytes:
    """Per criterion, how many candidates are at each latest level: diverging stacked bars around the
    "acquired" line, levels 0–1 to its left and 2–3 to its right; the not assessable (None) are counted
    at the bar's right end.

    `latest` maps a criterion code to the latest level of each candidate assessed on it.
    """
    codes = [code for code in latest if latest[code]]
    if not codes:
        return _no_data(lang, title)
    w = _cw(lang)
    counts = {
        code: {level: sum(1 for v in latest[code] if v == level) for level in (0, 1, 2, 3, None)}
        for code in codes
    }
    fig = Figure(figsize=(7.0, 1.3 + 0.45 * len(codes)))
    ax = fig.add_subplot()
    ys = list(range(len(codes)))
    # left of the line: 1 next to it, then 0; right: 2 next to it, then 3
    for level, sign, inner in ((1, -1, None), (0, -1, 1), (2, 1, None), (3, 1, 2)):
        widths = [counts[c][level] for c in codes]
        starts = [counts[c][inner] if inner is not None else 0 for c in codes]
        lefts = [sign * s if sign > 0 else -(s + v) for s, v in zip(starts, widths, strict=True)]
        ax.barh(
            ys,
            widths,
            left=lefts,
            height=0.62,
            color=LEVEL_COLOURS[level],
            label=f"{level} {LEVELS[level]['fr' if lang == 'fr' else 'en']}",
        )
        for y, left, v in zip(ys, lefts, widths, strict=True):
            if v:
                ax.text(
                    left + v / 2,
                    y,
                    str(v),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white",
                    fontweight="bold",
                )
    left_max = max(counts[c][0] + counts[c][1] for c in codes)
    right_max = max(counts[c][2] + counts[c][3] for c in codes)
    span = max(left_max, right_max, 1)
    for y, c in zip(ys, codes, strict=True):
        missing = counts[c][None]
        if missing:
            ax.text(
                counts[c][2] + counts[c][3] + span * 0.04,
                y,
                str(missing),
                va="center",
                fontsize=8,
                color=INK,
                bbox={"boxstyle": "round,pad=0.25", "facecolor": NO_LEVEL_COLOUR, "edgecolor": "none"},
            )
    ax.set_xlim(-span * 1.08, span * 1.22)
    ax.axvline(0, color=INK, linewidth=1.2)
    ax.text(0, -0.75, f" {w['acquired']}", ha="left", va="center", fontsize=8, color=INK)
    ax.set_yticks(ys)
    ax.set_yticklabels([short_code(c) for c in codes], fontsize=9, color=INK)
    ax.set_ylim(len(codes) - 0.5, -1.0)  # first criterion on top, room for the "acquired" label
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{abs(v):g}"))
    locator = ax.xaxis.get_major_locator()  # a linear axis's AutoLocator
    assert isinstance(locator, MaxNLocator)
    locator.set_params(integer=True)
    ax.tick_params(axis="x", colors=MUTED, labelsize=8)
    ax.set_xlabel(w["candidates"], color=MUTED, fontsize=8)
    ax.grid(axis="x", color=GRID)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(GRID)
    handles, names = ax.get_legend_handles_labels()
    order = [1, 0, 2, 3]  # the legend in level order 0, 1, 2, 3, then the not assessable
    _legend_below(
        fig,
        ax,
        [handles[i] for i in order] + [Patch(facecolor=NO_LEVEL_COLOUR)],
        [names[i] for i in order] + [w["not_assessable"]],
        ncol=5,
    )
    if title:
        ax.set_title(title, color=INK, fontsize=11)
    return _png(fig, COHORT_DPI)


def cohort_scores_chart(
    scores: Sequence[tuple[str, Sequence[float | None]]], lang: str = "fr", title: str | None = None
) -> bytes:
    """Each candidate's last score out of 20 as a bar (blue from 10/20, orange below) and written in a
    column on the right, earlier sessions' scores as grey dots on the same row, the 10/20 line dashed.

    `scores` holds (candidate name, scores of their sessions oldest first; None when not scored).
    """
    if not scores:
        return _no_data(lang, title)
    w = _cw(lang)
    fig = Figure(figsize=(7.0, 1.2 + 0.3 * len(scores)))
    ax = fig.add_subplot()
    ys = list(range(len(scores)))
    lasts = [values[-1] if values else None for _, values in scores]
    bars = [(y, s) for y, s in zip(ys, lasts, strict=True) if s is not None]
    ax.barh(
        [y for y, _ in bars],
        [s for _, s in bars],
        height=0.6,
        color=[ACCENT if s >= 10 else LEVEL_COLOURS[1] for _, s in bars],
    )
    for y, s in zip(ys, lasts, strict=True):  # the last scores as a column on the right, clear of the dots
        ax.text(20.8, y, "–" if s is None else decimal(s, lang), va="center", fontsize=8, color=INK)
    earlier = [
        (s, y) for y, (_, values) in zip(ys, scores, strict=True) for s in list(values)[:-1] if s is not None
    ]
    if earlier:
        ax.scatter([s for s, _ in earlier], [y for _, y in earlier], s=14, color=MUTED, zorder=3)
    ax.axvline(10, color=MUTED, linewidth=0.9, linestyle="--")
    ax.set_xlim(0, 22.6)
    ax.set_xticks([0, 5, 10, 15, 20])
    ax.tick_params(axis="x", colors=MUTED, labelsize=8)
    ax.set_xlabel("/20", color=INK, fontsize=9)
    ax.set_yticks(ys)
    ax.set_yticklabels([_plain(name) for name, _ in scores], fontsize=8, color=INK)
    ax.set_ylim(len(scores) - 0.5, -0.5)  # first candidate on top
    ax.grid(axis="x", color=GRID)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(GRID)
    if bars or earlier:
        handles: list[Artist] = [Patch(facecolor=ACCENT)]
        if earlier:
            handles.append(Line2D([], [], linestyle="none", marker="o", markersize=4, color=MUTED))
        _legend_below(fig, ax, handles, [w["last"], w["earlier"]][: len(handles)], ncol=2)
    if title:
        ax.set_title(title, color=INK, fontsize=11)
    return _png(fig, COHORT_DPI)
