"""Tiny benchmark kit: time ours and a raw-library baseline in turns, compare the medians.

Every comparison runs ours and the baseline alternately (ours, baseline, ours, ...), so that a
machine that gets busier or quieter affects both alike, and keeps every sample: the table
shows the median and the spread (lowest to highest) of each, the ratio of the medians and the
target beside it. Whole processes are timed by their CPU seconds (user + system, from
``wait4``) and their peak memory (VmHWM, which the child reads from /proc/self/status as its
last act).
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    """One line of the table: our median against the baseline's, in the same run."""

    area: str
    case: str
    ours: float
    baseline: float | None
    baseline_name: str
    target: str  # e.g. "<= 1.5x" or "< 1 ms"
    ok: bool | None = None
    ours_samples: list[float] = field(default_factory=list)
    baseline_samples: list[float] = field(default_factory=list)
    unit: str = "s"  # "s" (seconds), "MiB" (peak memory) or "bytes" (a file's size)

    @property
    def ratio(self) -> float | None:
        return self.ours / self.baseline if self.baseline else None


def median_time(function: Callable[[], object], repeat: int = 5,
                setup: Callable[[], object] | None = None) -> float:
    """Median wall time of ``function`` over ``repeat`` runs (``setup`` runs untimed first)."""
    return statistics.median(sample_times(function, repeat, setup))


def sample_times(function: Callable[[], object], repeat: int = 5,
                 setup: Callable[[], object] | None = None, *,
                 clock: Callable[[], float] = time.perf_counter) -> list[float]:
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        gc.collect()
        start = clock()
        function()
        times.append(clock() - start)
    return times


def alternate(ours: Callable[[], float | None], baseline: Callable[[], float | None],
              repeat: int = 5, *, clock: Callable[[], float] = time.perf_counter
              ) -> tuple[list[float], list[float]]:
    """Samples of ``ours`` and ``baseline`` run in turns. A function that returns a number
    gives that number as its sample (a child's CPU seconds); otherwise ``clock`` times it."""
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for function, found in ((ours, samples[0]), (baseline, samples[1])):
            gc.collect()
            start = clock()
            value = function()
            found.append(value if isinstance(value, float) else clock() - start)
    return samples


def alternating_medians(ours: Callable[[], object], baseline: Callable[[], object],
                        repeat: int = 5) -> tuple[float, float]:
    """Median wall times of ``ours`` and ``baseline``, run in turns."""
    mine, theirs = alternate(_untimed(ours), _untimed(baseline), repeat)
    return statistics.median(mine), statistics.median(theirs)


def _untimed(function: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        function()
    return run


def compared(area: str, case: str, samples: tuple[list[float], list[float]],
             baseline_name: str, max_ratio: float | None, *, unit: str = "s") -> Result:
    """A line from alternated samples; ``max_ratio`` None: for information."""
    ours, baseline = (statistics.median(s) for s in samples)
    if max_ratio is None:
        return Result(area, case, ours, baseline, baseline_name, "(information)", None,
                      list(samples[0]), list(samples[1]), unit)
    return Result(area, case, ours, baseline, baseline_name, f"<= {max_ratio:g}x",
                  ours / baseline <= max_ratio if baseline else None,
                  list(samples[0]), list(samples[1]), unit)


def ratio_result(area: str, case: str, ours: float, baseline: float, baseline_name: str,
                 max_ratio: float) -> Result:
    return Result(area, case, ours, baseline, baseline_name, f"<= {max_ratio:g}x",
                  ours / baseline <= max_ratio if baseline else None)


def absolute_result(area: str, case: str, ours: float, limit: float,
                    samples: Sequence[float] = ()) -> Result:
    return Result(area, case, ours, None, "", f"< {limit * 1000:g} ms", ours < limit,
                  list(samples))


def format_value(value: float, unit: str = "s") -> str:
    if unit == "bytes":
        return f"{value / 1e6:.1f} MB"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    return format_time(value)


def format_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def format_spread(samples: Sequence[float], unit: str) -> str:
    if len(samples) < 2:
        return ""
    return f"{format_value(min(samples), unit)}-{format_value(max(samples), unit)}"


# ---- whole processes --------------------------------------------------------------------

# Runs a module or a script as __main__, then prints the peak resident memory (VmHWM) on a
# line of its own to the file descriptor named by CXMATRIX_BENCH_FD.
_WRAPPER = """
import os, runpy, sys
def report():
    with open('/proc/self/status') as status:
        peak = next(line.split()[1] for line in status if line.startswith('VmHWM:'))
    os.write(int(os.environ['CXMATRIX_BENCH_FD']), (peak + '\\n').encode())
kind, target = sys.argv[1], sys.argv[2]
sys.argv = [target, *sys.argv[3:]]
try:
    if kind == '-m':
        runpy.run_module(target, run_name='__main__', alter_sys=True)
    else:
        exec(compile(target, '<bench>', 'exec'), {'__name__': '__main__'})
except SystemExit as done:
    if done.code not in (None, 0, 1):
        raise
finally:
    report()
"""


@dataclass
class Process:
    wall: float
    cpu: float  # user + system seconds of the child
    peak_mib: float  # VmHWM
    stdout: str


def run_process(kind: str, target: str, args: Sequence[str] = (), *,
                env: dict[str, str] | None = None, timeout: float = 600) -> Process:
    """Run ``python -m target args`` (kind "-m") or the script text ``target`` (kind "-c")
    in a fresh interpreter, allowed to keep bytecode; its wall time, CPU seconds (the
    children's rusage around the call: one child at a time) and peak memory."""
    import resource

    read, write = os.pipe()
    environment = dict(os.environ if env is None else env, CXMATRIX_BENCH_FD=str(write),
                       PYTHONPATH=str(ROOT))
    # An installed cxmatrix has its bytecode; without it every start compiles the sources
    # again (0.6 s of the GUI's start here), which no user pays.
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", _WRAPPER, kind, target, *args], cwd=ROOT,
                             env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             pass_fds=(write,), text=True)
    os.close(write)
    out, err = child.communicate(timeout=timeout)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    with os.fdopen(read) as pipe:
        peak = pipe.read().split()
    if not peak or child.returncode not in (0, 1):
        raise RuntimeError(f"{target[:60]} {' '.join(args)} failed: {err[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Process(wall, cpu, int(peak[-1]) / 1024, out)


def shm_folder() -> str | None:
    """A memory file system (where an fsync costs nothing), if the machine has one."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def dump(results: Sequence[Result]) -> str:
    return json.dumps([r.__dict__ for r in results])


# ---- the matrices the export benchmarks write ---------------------------------------------

def with_plan(matrix: Any, count: int) -> Any:
    """A copy with ``count`` planned changes spread over the matrix, each with an action."""
    from datetime import date, timedelta

    from cxmatrix.domain.actions import Action, ActionStatus
    from cxmatrix.domain.roles import Role

    planned = matrix.copy()
    touchpoints = list(planned.iter_touchpoints())
    departments = list(planned.departments)
    step = max(1, len(touchpoints) // count)
    statuses = list(ActionStatus)
    for number, tp in enumerate(touchpoints[::step][:count]):
        dept = departments[number % len(departments)]
        current = planned.role(tp.id, dept.id)
        target = Role.OWN if current is not Role.OWN else Role.INFLUENCE
        planned.set_target(tp.id, dept.id, target)
        planned.set_action(tp.id, dept.id, Action(
            f"Person {number % 40}", date(2026, 1, 1) + timedelta(days=number % 365),
            statuses[number % len(statuses) if number % 7 else 0]))
    return planned


def fully_featured(matrix: Any) -> Any:
    """A copy with everything the exports write: a plan (one planned change, with its action,
    per ten touchpoints), and sign-offs of every kind (agreed, agreed and then out of date,
    asked, disputed with twenty touchpoints), so the Target, Changes and Sign-off sheets and
    the report's plan and sign-off pages are all written."""
    from datetime import date

    from cxmatrix.domain.roles import Role
    from cxmatrix.domain.signoff import Dispute, SignOff, SignOffState, agreement

    featured = with_plan(matrix, max(1, matrix.touchpoint_count // 10))
    departments = list(featured.departments)
    touchpoints = list(featured.iter_touchpoints())
    for number, dept in enumerate(departments):
        kind = number % 5
        if kind in (0, 1, 2):
            featured.set_signoff(dept.id, agreement(featured, dept.id, f"Lead {number}",
                                                    date(2026, 11, 1 + number % 28)))
        elif kind == 3:
            featured.set_signoff(dept.id, SignOff(SignOffState.ASKED, f"Lead {number}",
                                                  date(2026, 11, 20)))
        else:
            featured.set_signoff(dept.id, SignOff(
                SignOffState.DISPUTED, f"Lead {number}", date(2026, 11, 24),
                disputes=tuple(Dispute(tp.id, f"Not ours: {tp.name}", Role.INFLUENCE)
                               for tp in touchpoints[number::max(1, len(touchpoints) // 20)]
                               [:20])))
    # agreed, then changed: those departments' agreements are out of date
    for dept in departments[1::5]:
        tp = touchpoints[len(touchpoints) // 2]
        featured.set_role(tp.id, dept.id, None if featured.role(tp.id, dept.id) else Role.OWN)
    return featured
