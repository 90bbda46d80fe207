"""Charts of a scorecard as PNG bytes: a radar of the criteria and a progress line across sessions.

Matplotlib's object API with the Agg canvas (no pyplot, no global backend switch), so it is safe in
worker threads and on machines without a display.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from feedback.scorecard import Scorecard

logger = logging.getLogger(__name__)

INK = "#1f2a44"
ACCENT = "#2f6fdf"
MUTED = "#9aa5b8"
GRID = "#d9dee8"

HistoryItem = Scorecard | tuple[str, Scorecard]


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight", facecolor="white")
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
            value = i.strength if i.strength is not None else (None if i.met is None else (2.0 if i.met else 0.0))
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
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_ylim(0, 3)
    ax.set_yticks([1, 2, 3])
    ax.set_yticklabels(["1", "2", "3"], color=MUTED, fontsize=8)
    ax.set_xticks(angles)
    ax.set_xticklabels([label for label, _ in axes], fontsize=8, color=INK)
    for label, (_, v) in zip(ax.get_xticklabels(), axes):
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
        [x for x, s in zip(xs, scores) if s is not None], [s for s in scores if s is not None],
        color=ACCENT, linewidth=2.5, marker="o", label="/20",
    )
    for x, s in zip(xs, scores):
        if s is not None:
            ax.annotate(f"{s:g}", (x, s), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=8, color=INK)
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
            for x, (_, card) in zip(xs, items):
                level = next((c.level for c in card.criteria if c.code == code), None)
                if level is not None:
                    pts.append((x, level + offset))
            if pts:
                levels.plot([p[0] for p in pts], [p[1] for p in pts], linewidth=1, alpha=0.6, marker=".", label=short_code(code))
        handles, names = ax.get_legend_handles_labels()
        h2, n2 = levels.get_legend_handles_labels()
        ax.legend(handles + h2, names + n2, fontsize=7, loc="upper left", frameon=False, ncol=4)
    if title:
        ax.set_title(title, color=INK, fontsize=11)
    return _png(fig)
