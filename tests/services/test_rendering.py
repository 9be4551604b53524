"""ChartRenderer: charts drawn in another process, reused only for the same inputs, and a killed worker replaced."""

from __future__ import annotations

import datetime as dt
import os
import signal

from services import charts
from services.rendering import ChartRenderer

PER_DAY = tuple((dt.date(2026, 11, 1) + dt.timedelta(days=i), i % 4) for i in range(30))


async def test_charts_are_drawn_in_another_process_and_reused_only_for_the_same_inputs():
    renderer = ChartRenderer(processes=1)
    try:
        first = await renderer.draw((1, 2, dt.date(2026, 11, 30)), charts.progress_chart, ("DSP",), (0.5,), PER_DAY)
        again = await renderer.draw((1, 2, dt.date(2026, 11, 30)), charts.progress_chart, ("DSP",), (0.5,), PER_DAY)
        changed = await renderer.draw((1, 2, dt.date(2026, 11, 30)), charts.progress_chart, ("DSP",), (0.6,),
                                      PER_DAY)
        assert first == again and changed != first and first.startswith(b"\x89PNG")
        assert (renderer.drawn, renderer.reused) == (2, 1)
        pids = [p.pid for p in renderer._pool._processes.values()]
        assert pids and os.getpid() not in pids
    finally:
        renderer.close()


async def test_a_killed_chart_process_is_replaced():
    renderer = ChartRenderer(processes=1)
    try:
        await renderer.draw(None, charts.group_chart, ("DSP",), (0.5,))
        for process in list(renderer._pool._processes.values()):
            os.kill(process.pid, signal.SIGKILL)
            process.join()
        png = await renderer.draw(None, charts.group_chart, ("DSP",), (0.5,))
        assert png.startswith(b"\x89PNG")
    finally:
        renderer.close()
