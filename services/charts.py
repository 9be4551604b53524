"""PNG charts for /progress and /group progress, drawn with Pillow: plain bars, axes and labels.

Why not matplotlib: a /progress chart took it about 80-130 ms of CPU (figure, text layout, Agg), most of a
busy bot's core with one member in five asking for progress (bench/interactions_bench.py). The same chart drawn
here takes about 3.5 ms of CPU, so one small process beside the bot keeps up with a busy day.

Every function is pure (inputs → PNG bytes) and picklable by name, so a chart can be drawn in another process.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

BAR = (31, 111, 139)
EMPTY = (200, 211, 217)
LINE = (214, 137, 16)
INK = (40, 40, 40)
GRID = (225, 225, 225)
BACKGROUND = (255, 255, 255)
WIDTH, HEIGHT = 810, 306  # readable in a Discord embed
# A palette image: a handful of flat colours, text without anti-aliasing. PNG-encoding it takes under a
# millisecond where the RGB image took five, and the file is about 4 KB instead of 15.
MODE = "P"
TOP, BOTTOM = 30, 276  # plot area, in pixels from the top


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _nice_step(top: int, ticks: int = 4) -> int:
    """A round step (1, 2, 5 × 10^n) that divides 0..top into about `ticks` parts."""
    raw = max(top / ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= raw)


def _axes(draw: ImageDraw.ImageDraw, left: int, right: int, title: str,
          ticks: Sequence[tuple[float, str]]) -> None:
    """Title, horizontal grid lines with their labels (fraction of the height, text), and the base line."""
    small = _font(10)
    draw.text(((left + right) / 2, 6), title, fill=INK, font=_font(12), anchor="ma")
    for fraction, text in ticks:
        y = BOTTOM - fraction * (BOTTOM - TOP)
        draw.line([(left, y), (right, y)], fill=GRID)
        draw.text((left - 4, y), text, fill=INK, font=small, anchor="rm")
    draw.line([(left, BOTTOM), (right, BOTTOM)], fill=INK)
    draw.line([(left, TOP), (left, BOTTOM)], fill=INK)


def _accuracy_bars(draw: ImageDraw.ImageDraw, left: int, right: int, labels: Sequence[str],
                   accuracy: Sequence[float | None], title: str) -> None:
    # 0..112%: headroom so a 100% label stays below the title
    scale = (BOTTOM - TOP) / 112
    _axes(draw, left, right, title, [(p / 112, f"{p}%") for p in range(0, 101, 20)])
    slot = (right - left) / max(len(labels), 1)
    small = _font(10)
    for index, (label, share) in enumerate(zip(labels, accuracy, strict=True)):
        x0 = left + index * slot + slot * 0.15
        x1 = left + (index + 1) * slot - slot * 0.15
        height = 0.0 if share is None else share * 100 * scale
        if height > 0:
            draw.rectangle([(x0, BOTTOM - height), (x1, BOTTOM - 1)], fill=BAR)
        else:
            draw.rectangle([(x0, BOTTOM - 2), (x1, BOTTOM - 1)], fill=EMPTY)
        text = "no answers" if share is None else f"{round(share * 100)}%"
        draw.text(((x0 + x1) / 2, BOTTOM - max(height, 2) - 3), text, fill=INK, font=small, anchor="md")
        draw.text(((x0 + x1) / 2, BOTTOM + 4), label, fill=INK, font=small, anchor="ma")


def progress_chart(labels: Sequence[str], accuracy: Sequence[float | None],
                   per_day: Sequence[tuple[dt.date, int]]) -> bytes:
    """Accuracy by module as bars (left) and answers per day over the series (right), as PNG bytes."""
    image = Image.new(MODE, (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    _accuracy_bars(draw, 50, 320, labels, accuracy, "Accuracy by module (all time)")

    left, right = 400, WIDTH - 10
    counts = [count for _, count in per_day]
    step = _nice_step(max([*counts, 1]))
    top = max(max([*counts, 1]) * 1.15, step)
    ticks = [(value / top, f"{value:,}") for value in range(0, int(top) + 1, step)]
    _axes(draw, left, right, f"Answers per day, last {len(per_day)} days", ticks)
    slot = (right - left) / max(len(per_day), 1)
    small = _font(10)
    for index, count in enumerate(counts):
        if count:
            x0 = left + index * slot + slot * 0.1
            draw.rectangle([(x0, BOTTOM - count / top * (BOTTOM - TOP)), (x0 + slot * 0.8, BOTTOM - 1)], fill=LINE)
    for index in range(0, len(per_day), 7):
        draw.text((left + (index + 0.5) * slot, BOTTOM + 4), per_day[index][0].strftime("%d %b"), fill=INK,
                  font=small, anchor="ma")
    return _png(image)


def group_chart(labels: Sequence[str], accuracy: Sequence[float | None]) -> bytes:
    image = Image.new(MODE, (round(WIDTH * 0.6), HEIGHT), BACKGROUND)
    _accuracy_bars(ImageDraw.Draw(image), 50, image.width - 12, labels, accuracy,
                   "Group accuracy by module (all time)")
    return _png(image)
