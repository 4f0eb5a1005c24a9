"""A small run of the benchmark: the generator makes a sound corpus and the runner measures
every stage (correctness only; timings are for benchmarks/run.py)."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from massage_evidence import check

from .conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import generate
import run


def test_generated_corpus_has_exactly_its_planted_defects(tmp_path: Path) -> None:
    """20 claims, 40 references, one document; one mistyped key and one orphaned quote."""
    (tmp_path / ".git").mkdir()
    claims = generate.generate(20, tmp_path / "corpus")
    codes = Counter(f.code for f in check(claims) if f.severity == "error")
    assert codes == {"ME201": 1, "ME502": 1}
    assert len((tmp_path / "corpus" / "refs.bib").read_text().split("@article")) - 1 == 40


def test_runner_measures_every_stage_and_plots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One pass of every stage on a tiny corpus, with ratios, and a well-formed SVG plot."""
    (tmp_path / ".git").mkdir()
    result = run.bench("20", generate.generate(20, tmp_path / "corpus"), repeat=1)
    assert set(result["stages"]) == set(run.STAGES)
    assert all(
        stage["seconds"] > 0 and stage["peak_mib"] > 0 for stage in result["stages"].values()
    )
    assert set(result["ratios"]) == {
        "validate/floor", "cached/validate", "report/validate", "parallel report/validate",
        "warm report/validate", "report peak/floor peak", "parallel report peak/floor peak",
    }  # fmt: skip
    larger = dict(result, label="200")
    run.plot([result, larger], tmp_path / "plot.svg")
    svg = ET.parse(tmp_path / "plot.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(svg.findall("{http://www.w3.org/2000/svg}path")) == 6
    assert run.table([result]).splitlines()[2].startswith("| 20 | 0.0 MiB |")
    assert run.growth_ratios([result, larger])["validate 200 / 20 claims"] == 1


def test_runner_can_leave_out_the_report(tmp_path: Path) -> None:
    """Above `--report-up-to` the report stages are not run, and show as dashes."""
    (tmp_path / ".git").mkdir()
    result = run.bench("20", generate.generate(20, tmp_path / "corpus"), 1, reports=False)
    assert set(result["stages"]) == set(run.STAGES) - set(run.REPORTS)
    assert set(result["ratios"]) == {"validate/floor", "cached/validate"}
    row = run.table([result]).splitlines()[2].split(" | ")
    assert row[7:10] == ["—", "—", "—"]
    assert row[-5:] == ["—", "—", "—", "—", "— |"]


def test_memory_of_a_process_tree_counts_its_children() -> None:
    """What the parallel report's peak is made of: the workers' memory is added in."""
    import os
    import subprocess

    import stage

    alone = stage.resident_bytes(os.getpid())
    code = "import sys, time; b = b'x' * 200_000_000; print('ready', flush=True); time.sleep(60)"
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline() == "ready\n"
            assert stage.resident_bytes(os.getpid()) - alone > 190_000_000
            assert stage.resident_bytes(child.pid) > 190_000_000
        finally:
            child.kill()


def test_a_stage_peak_is_its_own_not_its_runners() -> None:
    """A stage started by a runner holding 300 MB reports only its own memory."""
    import json
    import subprocess

    held = bytearray(300 * 2**20)
    held[:: 2**12] = b"x" * len(held[:: 2**12])  # every page resident
    out = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "stage.py"), "floor", "data/claims.yaml"],
        capture_output=True, text=True, check=True, cwd=REPO,
    )  # fmt: skip
    assert held[0] == ord("x")
    assert json.loads(out.stdout)["peak_bytes"] < 150 * 2**20


@pytest.mark.parametrize(
    ("script", "arguments", "error"),
    [
        ("generate.py", ["ten", "out"], "generate.py: error: argument claims: 'ten'"),
        ("generate.py", ["²", "out"], "generate.py: error: argument claims: '²'"),
        ("run.py", ["--sizes", "1000,10k"], "run.py: error: argument --sizes: '10k'"),
        ("run.py", ["--repeat", "0"], "run.py: error: argument --repeat: '0'"),
    ],
)
def test_scripts_refuse_bad_numbers_in_one_line(
    script: str, arguments: list[str], error: str, tmp_path: Path
) -> None:
    """A mistyped size is a usage error (status 2) naming the argument, not a traceback."""
    import subprocess

    path = REPO / "benchmarks" / script
    out = subprocess.run(
        [sys.executable, str(path), *arguments], capture_output=True, text=True, cwd=tmp_path
    )
    last = out.stderr.splitlines()[-1]
    assert (out.returncode, last) == (2, f"{error}: expected a positive whole number")
    assert list(tmp_path.iterdir()) == []
