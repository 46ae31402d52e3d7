"""Kill a writer with SIGKILL at chosen moments and check that no acknowledged edit is lost.

Run by tests/test_crash.py (a few hundred kills) and by bench/crash_soak.py (thousands):

    python tests/crash_harness.py --kills 200 --seed 1 --folder DIR

Each round forks a child that opens the document and applies a deterministic stream of edits
through the Document API, writing "ack" to a pipe after each edit returns. Where the child dies
is drawn from the seeded random generator, never from the clock, so a round does the same
work on a fast machine and on a loaded one: after its N-th acknowledgement the child counts
the events of its own interpreter (function calls and returns, Python's and C's, as
``sys.setprofile`` sees them) and sends itself SIGKILL at the M-th, somewhere inside the next
operation, between its last SQL statement and its acknowledgement, or in a later one. SIGKILL
cannot be caught: the process stops there, with no cleanup, exactly as when another process
sends it. The parent reads the acknowledgements until the pipe closes, reopens the file and
checks: it opens, PRAGMA integrity_check is ok, and its content equals the edits acknowledged
so far, or those plus the one in flight (which may have committed just before the kill):
never anything in between. Other rounds kill a Save As (backup copy) or an import (create) and
check the target is absent, the old file, or complete. Prints one JSON line with the counts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cxmatrix.domain import Matrix, Role
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.store import Document
from cxmatrix.store.errors import DocumentError


class Api:
    """The operations a round applies, on a Document or (for the replay) on a Matrix."""

    def __init__(self, target: Document | Matrix) -> None:
        self.target = target
        self.matrix = target.matrix if isinstance(target, Document) else target

    def apply(self, k: int) -> None:
        rng = random.Random(k)
        m, t = self.matrix, self.target
        tids = [tp.id for tp in m.iter_touchpoints()]
        depts = [d.id for d in m.departments]
        kind = rng.random()
        if kind < 0.5 and tids:
            t.set_role(rng.choice(tids), rng.choice(depts), rng.choice([*Role, None]))
        elif kind < 0.65 and tids:
            cells = [(rng.choice(tids), rng.choice(depts), rng.choice([*Role, None]))
                     for _ in range(6)]
            t.set_cells(cells)
        elif kind < 0.75:
            stage = rng.choice(m.stages)
            t.add_touchpoint(stage.id, f"Touchpoint {k}", rng.randint(0, 5),
                             metric=rng.choice(["", "CSAT"]))
        elif kind < 0.82 and len(tids) > 5:
            t.delete_touchpoint(rng.choice(tids))
        elif kind < 0.9 and tids:
            t.update_touchpoint(rng.choice(tids), notes=f"note {k}", peak=rng.random() < 0.5)
        elif kind < 0.95 and isinstance(t, Document):
            with t.batch():
                self._batch(k, rng)
        elif kind < 0.95:
            self._batch(k, rng)
        else:
            t.rename_department(rng.choice(depts), f"Department {k}")

    def _batch(self, k: int, rng: random.Random) -> None:
        """Several operations that must appear together or not at all."""
        t = self.target
        stage = t.add_stage(f"Batch stage {k}")
        for index in range(3):
            t.add_touchpoint(stage.id, f"Batch {k}.{index}", index)
        t.move_stage(stage.id, rng.randint(0, 3))


def load(path: Path) -> Matrix:
    with Document.open(path, read_only=True) as document:
        if document.integrity_check() != "ok":
            raise AssertionError("integrity_check failed")
        return document.matrix


# A child that sends nothing for this long is hung: a guard against a test that never ends,
# never a measure of speed (a round takes milliseconds).
HUNG_SECONDS = 600

Ack = Callable[[], None]


class KillSwitch:
    """The child's side of a round: acknowledges operations on the pipe and, once it has
    acknowledged ``after`` of them, kills its own process at the ``steps``-th interpreter
    event, or (``steps`` None) at the next acknowledgement, after the operation returned and
    before the acknowledgement is written: the one moment a clock-driven kill rarely hits."""

    def __init__(self, ack_fd: int, after: int, steps: int | None) -> None:
        self.ack_fd = ack_fd
        self.after = after
        self.steps = steps
        self.acked = 0

    def arm_when_due(self) -> None:
        if self.acked == self.after and self.steps is not None:
            sys.setprofile(self._count)

    def ack(self) -> None:
        if self.acked == self.after and self.steps is None:
            os.kill(os.getpid(), signal.SIGKILL)
        os.write(self.ack_fd, b"a")
        self.acked += 1
        self.arm_when_due()

    def _count(self, _frame: object, _event: str, _arg: object) -> None:
        assert self.steps is not None
        if self.steps <= 0:
            os.kill(os.getpid(), signal.SIGKILL)
        self.steps -= 1


def child_edits(path: Path, start: int, ack: Ack) -> None:
    document = Document.open(path)
    api = Api(document)
    k = start
    while True:
        api.apply(k)
        ack()
        k += 1


def child_copy(path: Path, target: Path, ack: Ack) -> None:
    document = Document.open(path)
    while True:
        document.save_copy(target)
        ack()


def child_create(target: Path, size: int, ack: Ack) -> None:
    matrix = generate_matrix(size, 20, seed=size)
    while True:
        Document.create(target, matrix, overwrite=True).close()
        ack()


def fork_and_kill(run_child: Callable[[Ack], None], after: int,
                  steps: int | None) -> int:
    """Run ``run_child(ack)`` in a forked child that kills itself as KillSwitch says; return how
    many acknowledgements it wrote (at least ``after``)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os.close(read_fd)
        switch = KillSwitch(write_fd, after, steps)
        try:
            switch.arm_when_due()
            run_child(switch.ack)
        except BaseException:
            sys.setprofile(None)
            traceback.print_exc()
        finally:
            os._exit(3)
    os.close(write_fd)
    acks = 0
    while True:
        ready, _, _ = select.select([read_fd], [], [], HUNG_SECONDS)
        if not ready:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read_fd)
            raise AssertionError(f"child sent nothing for {HUNG_SECONDS} s after {acks} "
                                 "acknowledgements: hung")
        chunk = os.read(read_fd, 65536)
        if not chunk:  # the child is gone: its end of the pipe closed
            break
        acks += len(chunk)
    os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
        raise AssertionError(f"child ended by itself (status {status}) before the kill")
    if acks < after:
        raise AssertionError(f"child died after {acks} acknowledgements, before {after}")
    return acks


def replay(before: Matrix, start: int, count: int) -> Matrix:
    api = Api(before)
    for k in range(start, start + count):
        api.apply(k)
    return before


def kill_point(rng: random.Random, events: int) -> int | None:
    """Where a child dies after its last acknowledgement: one time in four just before the
    next acknowledgement, otherwise at an event drawn from ``range(events)``."""
    return None if rng.random() < 0.25 else rng.randrange(events)


def run(kills: int, seed: int, folder: Path) -> dict[str, int]:
    rng = random.Random(seed)
    path = folder / "crash.cxm"
    Document.create(path, generate_matrix(40, 8, seed=seed), overwrite=True).close()
    counts = {"kills": 0, "edit_rounds": 0, "acknowledged_edits": 0, "lost_edits": 0,
              "in_flight_committed": 0, "copy_rounds": 0, "create_rounds": 0,
              "integrity_failures": 0, "acknowledgements_before_kill": 0}
    next_k = 0
    for _ in range(kills):
        kind = rng.random()
        counts["kills"] += 1
        if kind < 0.8:
            before = load(path)
            start = next_k
            # An edit is 700 to 8,000 interpreter events: most kills land inside edit N + 1.
            after, steps = rng.randint(1, 8), kill_point(rng, 3000)
            counts["acknowledgements_before_kill"] += after
            acks = fork_and_kill(lambda ack, s=start: child_edits(path, s, ack), after, steps)
            after = load(path).content()
            expected = replay(before, start, acks)
            if after == expected.content():
                next_k = start + acks
            else:
                Api(expected).apply(start + acks)
                if after != expected.content():
                    counts["lost_edits"] += 1
                    raise AssertionError(f"round from edit {start}: file holds neither the "
                                         f"{acks} acknowledged edits nor one more")
                next_k = start + acks + 1
                counts["in_flight_committed"] += 1
            counts["edit_rounds"] += 1
            counts["acknowledged_edits"] += acks
        elif kind < 0.9:
            target = folder / "copy.cxm"
            expected = load(path).content()
            old = load(target).content() if target.exists() else None
            # A copy is about 750 events, opening the document more.
            fork_and_kill(lambda ack, t=target: child_copy(path, t, ack),
                          rng.randint(0, 2), kill_point(rng, 1500))
            if target.exists() and load(target).content() not in (old, expected):
                raise AssertionError("a killed Save As left a partial file")
            counts["copy_rounds"] += 1
        else:
            target = folder / "import.cxm"
            old = load(target).content() if target.exists() else None
            size = rng.choice([50, 400])
            # Creating 50 touchpoints is about 7,000 events, 400 about 26,000.
            fork_and_kill(lambda ack, t=target, n=size: child_create(t, n, ack),
                          rng.randint(0, 1), kill_point(rng, size * 70))
            if target.exists():
                content = load(target).content()
                fresh = generate_matrix(size, 20, seed=size).content()
                if content not in (old, fresh):
                    raise AssertionError("a killed import left a partial file")
            counts["create_rounds"] += 1
        leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".")]
        for name in leftovers:  # temp files of killed writers: harmless, never the document
            (folder / name).unlink()
    return counts


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--folder", type=Path, required=True)
    args = parser.parse_args()
    try:
        counts = run(args.kills, args.seed, args.folder)
    except (AssertionError, DocumentError) as error:
        print(json.dumps({"error": str(error)}))
        return 1
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
