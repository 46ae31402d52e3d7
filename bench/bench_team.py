"""Team-server benchmarks on a throwaway PostgreSQL cluster on loopback (as the tests make):

- edit-to-other-client latency: one window commits a role, the other has it in its matrix
  (notification, catch-up and apply included), median and 95th percentile; target < 200 ms;
- edits per second with 20 clients editing at once (each its own cells, so no conflicts);
- opening a 20,000 x 50 matrix from the server against opening the same .cxm file
  (target within 3x).

    python bench/bench_team.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from team_server import TeamServer, find_binaries

from cxmatrix.domain import Role
from cxmatrix.domain.generate import generate_matrix
from cxmatrix.interchange.demo import demo_matrix
from cxmatrix.store import Document
from cxmatrix.store.server import parse_address, transfer
from cxmatrix.store.server.document import ServerDocument

ROLES = (Role.OWN, Role.INFLUENCE, Role.HANDLE, None)


def latency(address: object, samples: int = 100) -> tuple[float, float]:
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
        return statistics.median(times), times[int(len(times) * 0.95) - 1]
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


def opening(url: str, folder: Path, repeat: int = 5) -> tuple[list[float], list[float]]:
    """Wall times of opening the L file and the same matrix from the server, in turns."""
    path = folder / "large.cxm"
    Document.create(path, generate_matrix(20_000, 50)).close()
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


def main() -> int:
    binaries = find_binaries()
    if binaries is None:
        print("PostgreSQL is not installed: nothing to measure")
        return 1
    server = TeamServer(binaries)
    try:
        url = server.create_database("bench")
        transfer.init(parse_address(url))
        with tempfile.TemporaryDirectory() as folder:
            demo = Path(folder) / "demo.cxm"
            Document.create(demo, demo_matrix()).close()
            transfer.publish(demo, parse_address(url), "Demo")
            address = parse_address(url).with_name("Demo")
            median, p95 = latency(address)
            print(f"edit -> other client: median {median * 1000:.1f} ms, 95th percentile "
                  f"{p95 * 1000:.1f} ms (target < 200 ms)")
            print(f"20 clients: {throughput(address):.0f} edits/s")
            file_times, server_times = opening(url, Path(folder))
            file_time, server_time = (statistics.median(t) for t in (file_times, server_times))
            print(f"open 20,000 x 50: file {file_time:.2f} s ({min(file_times):.2f}-"
                  f"{max(file_times):.2f} s), server {server_time:.2f} s "
                  f"({min(server_times):.2f}-{max(server_times):.2f} s): "
                  f"{server_time / file_time:.2f}x, target within 3x")
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
