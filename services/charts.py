"""PNG charts for /progress and /group progress, drawn with matplotlib's headless Agg backend.

Figures are built with matplotlib.figure.Figure, not pyplot: no global figure registry, so a chart can be
drawn in a worker thread while the bot keeps answering, and nothing leaks between calls. Small size and
dpi keep a render at a few tens of milliseconds.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot: there is no display on a server

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

BAR = "#1f6f8b"
EMPTY = "#c8d3d9"
LINE = "#d68910"
WIDTH, HEIGHT, DPI = 9.0, 3.4, 90  # 810 x 306 pixels: readable in a Discord embed


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def _accuracy_bars(axes, labels: Sequence[str], accuracy: Sequence[float | None], title: str) -> None:
    heights = [0.0 if a is None else a * 100 for a in accuracy]
    colours = [EMPTY if a is None else BAR for a in accuracy]
    bars = axes.bar(range(len(labels)), heights, color=colours)
    axes.set_xticks(range(len(labels)), labels)
    axes.set_ylim(0, 112)  # headroom so a 100% label stays below the title
    axes.set_yticks(range(0, 101, 20))
    axes.set_ylabel("% right")
    axes.set_title(title, fontsize=10)
    for bar, share in zip(bars, accuracy, strict=True):
        text = "no answers" if share is None else f"{round(share * 100)}%"
        axes.text(bar.get_x() + bar.get_width() / 2, max(bar.get_height(), 2) + 2, text, ha="center", fontsize=8)


def progress_chart(labels: Sequence[str], accuracy: Sequence[float | None],
                   per_day: Sequence[tuple[dt.date, int]]) -> bytes:
    """Accuracy by module as bars (left) and answers per day over the series (right), as PNG bytes."""
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.4]})
    _accuracy_bars(left, labels, accuracy, "Accuracy by module (all time)")
    counts = [count for _, count in per_day]
    right.bar(range(len(per_day)), counts, color=LINE, width=0.8)
    ticks = list(range(0, len(per_day), 7))
    right.set_xticks(ticks, [per_day[i][0].strftime("%d %b") for i in ticks])
    right.set_ylabel("answers")
    right.set_title(f"Answers per day, last {len(per_day)} days", fontsize=10)
    right.set_ylim(0, max([*counts, 1]) * 1.15)
    figure.subplots_adjust(left=0.07, right=0.99, bottom=0.12, top=0.9, wspace=0.25)
    return _png(figure)


def group_chart(labels: Sequence[str], accuracy: Sequence[float | None]) -> bytes:
    figure = Figure(figsize=(WIDTH * 0.6, HEIGHT), dpi=DPI)
    axes = figure.subplots()
    _accuracy_bars(axes, labels, accuracy, "Group accuracy by module (all time)")
    figure.subplots_adjust(left=0.12, right=0.98, bottom=0.12, top=0.9)
    return _png(figure)
