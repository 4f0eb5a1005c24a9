"""One benchmark measurement in a fresh interpreter: `python benchmarks/stage.py STAGE CLAIMS`.

Prints JSON: the stage's wall time (imports included, interpreter start excluded) and the
process's peak resident memory. Run by benchmarks/run.py, one process per measurement, so
that every stage starts cold and its memory peak is its own.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def floor(claims: Path) -> None:
    """The unavoidable cost: parse the same BibTeX and YAML with the same libraries."""
    import bibtexparser
    import yaml

    bibtexparser.parse_string((claims.parent / "refs.bib").read_text(encoding="utf-8"))
    yaml.load(claims.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def load(claims: Path) -> None:
    from massage_evidence import load as load_corpus

    load_corpus(claims)


def validate(claims: Path) -> None:
    from massage_evidence import check

    check(claims)


def cached(claims: Path) -> None:
    from massage_evidence.cli import main

    main(["validate", str(claims), "-o", "/dev/null"])


def report(claims: Path) -> None:
    from massage_evidence import load as load_corpus
    from massage_evidence import render

    render(load_corpus(claims), "html")


def export(claims: Path) -> None:
    from massage_evidence import load as load_corpus
    from massage_evidence.exporting import export_json

    export_json(load_corpus(claims))


STAGES = {f.__name__: f for f in (floor, load, validate, cached, report, export)}

if __name__ == "__main__":
    stage, claims = sys.argv[1], Path(sys.argv[2])
    start = time.perf_counter()
    STAGES[stage](claims)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"stage": stage, "seconds": seconds, "peak_bytes": peak}))
