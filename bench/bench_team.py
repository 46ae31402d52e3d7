"""Team-server benchmarks on a throwaway PostgreSQL cluster on loopback (as the tests make):

- edit-to-other-client latency: one window commits a role, the other has it in its matrix
  (notification, catch-up and apply included), median and 95th percentile; target < 200 ms;
- edits per second with 20 clients editing at once (each its own cells, so no conflicts);
- opening a 20,000 x 50 matrix from the server against opening the same .cxm file, in
  turns, wall seconds (target within 3x).

    python bench/run.py team      (or python bench/bench_team.py)

Where PostgreSQL is not installed there is nothing to measure: no lines, and a note.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from common import Result, absolute_result, compared
from team_server import TeamServer, find_binaries

from cxmatrix.domain import Role
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.interchange.demo import demo_matrix
from cxmatrix.store import Document
from cxmatrix.store.server import parse_address, transfer
from cxmatrix.store.server.document import ServerDocument

ROLES = (Role.OWN, Role.INFLUENCE, Role.HANDLE, None)
LATENCY_LIMIT = 0.200
OPEN_TARGET = 3.0


def latency(address: object, samples: int = 100) -> list[float]:
    """Seconds from one client's commit until another has the role, sorted."""
    writer, reader = ServerDocument.connect(address), ServerDocument.connect(address)  # type: ignore[arg-type]
    try:
        tps = [t.id for t in writer.matrix.iter_touchpoints()]
        dept = writer.matrix.departments[0].id
        times = []
        for i in range(samples):
            tp = tps[i % len(tps)]
            role = next(r for r in ROLES if r is not writer.matrix.role(tp, dept))
            start = time.perf_counter()
            writer.set_role(tp, dept, role)
            while reader.matrix.role(tp, dept) is not role:
                reader.wait_for_news(5)
                reader.catch_up()
            times.append(time.perf_counter() - start)
        times.sort()
        return times
    finally:
        writer.close()
        reader.close()


def throughput(address: object, clients: int = 20, edits: int = 100) -> float:
    documents = [ServerDocument.connect(address) for _ in range(clients)]  # type: ignore[arg-type]
    try:
        tps = [t.id for t in documents[0].matrix.iter_touchpoints()]
        depts = [d.id for d in documents[0].matrix.departments]

        def work(index: int, document: ServerDocument) -> None:
            tp = tps[index % len(tps)]
            dept = depts[index % len(depts)]
            for _ in range(edits):
                role = next(r for r in ROLES if r is not document.matrix.role(tp, dept))
                document.set_role(tp, dept, role)
                if document.has_news:
                    document.catch_up()

        threads = [threading.Thread(target=work, args=(i, d)) for i, d in enumerate(documents)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return clients * edits / (time.perf_counter() - start)
    finally:
        for document in documents:
            document.close()


def opening(url: str, folder: Path, size: tuple[int, int] = (20_000, 50), repeat: int = 5
            ) -> tuple[list[float], list[float]]:
    """Wall times of opening the file and the same matrix from the server, in turns."""
    path = folder / "large.cxm"
    Document.create(path, generate_matrix(*size)).close()
    transfer.publish(path, parse_address(url), "Large")
    address = parse_address(url).with_name("Large")
    ServerDocument.connect(address).close()  # the first run loads the modules
    file_times, server_times = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        Document.open(path).close()
        file_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        ServerDocument.connect(address).close()
        server_times.append(time.perf_counter() - start)
    return file_times, server_times


def run(quick: bool) -> list[Result]:
    """The lines of bench/run.py's table."""
    binaries = find_binaries()
    if binaries is None:
        print("team: PostgreSQL is not installed, nothing measured", file=sys.stderr)
        return []
    server = TeamServer(binaries)
    try:
        url = server.create_database("bench")
        transfer.init(parse_address(url))
        with tempfile.TemporaryDirectory() as folder:
            demo = Path(folder) / "demo.cxm"
            Document.create(demo, demo_matrix()).close()
            transfer.publish(demo, parse_address(url), "Demo")
            address = parse_address(url).with_name("Demo")
            times = latency(address, 30 if quick else 100)
            results = [
                absolute_result("team", "an edit reaching another client, median",
                                statistics.median(times), LATENCY_LIMIT, times),
                absolute_result("team", "an edit reaching another client, 95th percentile",
                                times[int(len(times) * 0.95) - 1], LATENCY_LIMIT),
            ]
            rate = throughput(address, 20, 20 if quick else 100)
            results.append(Result("team", "20 clients editing at once: time per edit",
                                  1 / rate, None, f"{rate:.0f} edits per second",
                                  "(information)"))
            size = (2_000, 30) if quick else (20_000, 50)
            file_times, server_times = opening(url, Path(folder), size, 3 if quick else 5)
            results.append(compared(
                "team", f"open {size[0]:,} x {size[1]} from the server (wall)",
                (server_times, file_times), "the same .cxm from its file", OPEN_TARGET))
    finally:
        server.close()
    return results


def main() -> int:
    from run import print_table

    results = run(quick="--quick" in sys.argv)
    print_table(results)
    return 0 if results else 1


if __name__ == "__main__":
    raise SystemExit(main())
