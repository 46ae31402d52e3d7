"""Tiny benchmark kit: time a function a few times, compare it with a raw-library baseline."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Result:
    """One line of the table: our median time against the baseline's, in the same run."""

    area: str
    case: str
    ours: float
    baseline: float | None
    baseline_name: str
    target: str  # e.g. "<= 1.5x" or "< 1 ms"
    ok: bool | None = None
    unit: str = "s"  # "s" (seconds) or "bytes" (a file's size)

    @property
    def ratio(self) -> float | None:
        return self.ours / self.baseline if self.baseline else None


def median_time(function: Callable[[], object], repeat: int = 5,
                setup: Callable[[], object] | None = None) -> float:
    """Median wall time of ``function`` over ``repeat`` runs (``setup`` runs untimed first)."""
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        gc.collect()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def alternating_medians(ours: Callable[[], object], baseline: Callable[[], object],
                        repeat: int = 5) -> tuple[float, float]:
    """Median wall times of ``ours`` and ``baseline``, run in turns (ours, baseline, ours…)
    so that a machine that gets busier or quieter affects both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for function, found in ((ours, times[0]), (baseline, times[1])):
            gc.collect()
            start = time.perf_counter()
            function()
            found.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def ratio_result(area: str, case: str, ours: float, baseline: float, baseline_name: str,
                 max_ratio: float) -> Result:
    return Result(area, case, ours, baseline, baseline_name, f"<= {max_ratio:g}x",
                  ours / baseline <= max_ratio if baseline else None)


def absolute_result(area: str, case: str, ours: float, limit: float) -> Result:
    return Result(area, case, ours, None, "", f"< {limit * 1000:g} ms", ours < limit)


def format_value(value: float, unit: str = "s") -> str:
    if unit == "bytes":
        return f"{value / 1e6:.1f} MB"
    return format_time(value)


def format_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"
