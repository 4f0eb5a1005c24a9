"""One benchmark measurement in a fresh interpreter: `python benchmarks/stage.py STAGE CLAIMS`.

Prints JSON: the stage's wall time (imports included, interpreter start excluded), the
process's own peak resident memory, and for a stage with worker processes the peak of all
of them together, sampled every 50 ms from /proc (a worker's own peak, as `getrusage`
gives it, includes the memory of the process it was started from). Run by
benchmarks/run.py, one process per measurement, so that every stage starts cold and its
memory peak is its own.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
from pathlib import Path


def floor(claims: Path) -> None:
    """The unavoidable cost: parse the same BibTeX and YAML with the same libraries."""
    import yaml
    from bibtexparser.entrypoint import parse_string

    parse_string((claims.parent / "refs.bib").read_text(encoding="utf-8"))
    yaml.load(claims.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


# The 100k-claim corpus has more YAML values than the default limit allows.
NODES = 10**9


def load(claims: Path) -> None:
    from massage_evidence import load as load_corpus
    from massage_evidence.limits import Limits

    load_corpus(claims, limits=Limits(max_yaml_nodes=NODES))


def validate(claims: Path) -> None:
    from massage_evidence import check
    from massage_evidence.limits import Limits

    check(claims, limits=Limits(max_yaml_nodes=NODES))


def cached(claims: Path) -> None:
    """`massage-evidence validate` as a user runs it, with its cache (warm when timed)."""
    from massage_evidence.cli import main

    main(["validate", str(claims), "--max-yaml-nodes", str(NODES), "-o", "/dev/null"])


def report(claims: Path) -> None:
    from massage_evidence import load as load_corpus
    from massage_evidence import render
    from massage_evidence.limits import Limits

    render(load_corpus(claims, limits=Limits(max_yaml_nodes=NODES)), "html")


def parallel_report(claims: Path) -> None:
    """The same report with the references formatted by one worker process per CPU."""
    from massage_evidence import load as load_corpus
    from massage_evidence import render
    from massage_evidence.citations import available_cpus
    from massage_evidence.limits import Limits

    corpus = load_corpus(claims, limits=Limits(max_yaml_nodes=NODES))
    render(corpus, "html", jobs=available_cpus())


def warm_report(claims: Path) -> None:
    """`massage-evidence report` as a user runs it, with its cache (warm when timed)."""
    from massage_evidence.cli import main

    main(["report", str(claims), "--max-yaml-nodes", str(NODES), "-o", "/dev/null"])


def export(claims: Path) -> None:
    from massage_evidence import load as load_corpus
    from massage_evidence.exporting import export_json
    from massage_evidence.limits import Limits

    export_json(load_corpus(claims, limits=Limits(max_yaml_nodes=NODES)))


STAGES = {
    f.__name__: f
    for f in (floor, load, validate, cached, report, parallel_report, warm_report, export)
}


def resident_bytes(root: int) -> int:
    """The resident memory of process `root` and all its descendants, from /proc."""
    page = os.sysconf("SC_PAGE_SIZE")
    parents, resident = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process has ended
        pid = int(stat.parent.name)
        parents[pid], resident[pid] = int(fields[1]), int(fields[21]) * page
    total = 0
    for pid in resident:
        ancestor = pid
        while ancestor not in (root, 0, 1) and ancestor in parents:
            ancestor = parents[ancestor]
        total += resident[pid] if ancestor == root else 0
    return total


def own_peak_bytes() -> int:
    """This process's peak resident memory since it started this program.

    Why not `getrusage`: its peak also counts the memory of the process this one was
    forked from, as it stood at the fork, so a large benchmark runner would show as the
    peak of every small stage. Linux's VmHWM starts afresh with the new program.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class Sampler(threading.Thread):
    """Keeps the largest `resident_bytes` of this process tree until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.05):
            self.peak = max(self.peak, resident_bytes(os.getpid()))


if __name__ == "__main__":
    stage, claims = sys.argv[1], Path(sys.argv[2])
    sampler = Sampler()
    if stage == "parallel_report":
        sampler.start()
    start = time.perf_counter()
    STAGES[stage](claims)
    seconds = time.perf_counter() - start
    sampler.stopped.set()
    if sampler.is_alive():
        sampler.join()
    peak = own_peak_bytes()
    result = {"stage": stage, "seconds": seconds, "peak_bytes": peak}
    print(json.dumps(result | {"total_peak_bytes": max(peak, sampler.peak)}))
