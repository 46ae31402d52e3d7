"""Kill a writer with SIGKILL at random moments and check that no acknowledged edit is lost.

Run by tests/test_crash.py (a few hundred kills) and by bench/crash_soak.py (thousands):

    python tests/crash_harness.py --kills 200 --seed 1 --folder DIR

Each round forks a child that opens the document and applies a deterministic stream of edits
through the Document API, writing "ack" to a pipe after each edit returns. The parent kills
it after a random delay, reopens the file and checks: it opens, PRAGMA integrity_check is ok,
and its content equals the edits acknowledged so far, or those plus the one in flight (which
may have committed just before the kill): never anything in between. Other rounds kill a
Save As (backup copy) or an import (create) and check the target is absent, the old file, or
complete. Prints one JSON line with the counts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import time
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


def child_edits(path: Path, start: int, ack_fd: int) -> None:
    document = Document.open(path)
    api = Api(document)
    k = start
    while True:
        api.apply(k)
        os.write(ack_fd, b"a")
        k += 1


def child_copy(path: Path, target: Path, ack_fd: int) -> None:
    document = Document.open(path)
    while True:
        document.save_copy(target)
        os.write(ack_fd, b"a")


def child_create(target: Path, size: int, ack_fd: int) -> None:
    matrix = generate_matrix(size, 20, seed=size)
    while True:
        Document.create(target, matrix, overwrite=True).close()
        os.write(ack_fd, b"a")


def fork_and_kill(run_child, delay: float) -> int:
    """Run ``run_child(ack_fd)`` in a forked child, SIGKILL it after ``delay`` seconds and
    return how many acknowledgements it wrote."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os.close(read_fd)
        try:
            run_child(write_fd)
        finally:
            os._exit(3)
    os.close(write_fd)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    acks = 0
    while chunk := os.read(read_fd, 65536):
        acks += len(chunk)
    os.close(read_fd)
    if not os.WIFSIGNALED(status):
        raise AssertionError(f"child ended by itself (status {status}) before the kill")
    return acks


def replay(before: Matrix, start: int, count: int) -> Matrix:
    api = Api(before)
    for k in range(start, start + count):
        api.apply(k)
    return before


def run(kills: int, seed: int, folder: Path) -> dict[str, int]:
    rng = random.Random(seed)
    path = folder / "crash.cxm"
    Document.create(path, generate_matrix(40, 8, seed=seed), overwrite=True).close()
    counts = {"kills": 0, "edit_rounds": 0, "acknowledged_edits": 0, "lost_edits": 0,
              "in_flight_committed": 0, "copy_rounds": 0, "create_rounds": 0,
              "integrity_failures": 0}
    next_k = 0
    for _ in range(kills):
        kind = rng.random()
        delay = rng.uniform(0.0, 0.04)
        counts["kills"] += 1
        if kind < 0.8:
            before = load(path)
            start = next_k
            acks = fork_and_kill(lambda fd, s=start: child_edits(path, s, fd), delay)
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
            fork_and_kill(lambda fd, t=target: child_copy(path, t, fd), delay)
            if target.exists() and load(target).content() not in (old, expected):
                raise AssertionError("a killed Save As left a partial file")
            counts["copy_rounds"] += 1
        else:
            target = folder / "import.cxm"
            old = load(target).content() if target.exists() else None
            size = rng.choice([50, 400])
            fork_and_kill(lambda fd, t=target, n=size: child_create(t, n, fd), delay)
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
