"""The benchmark: our load, validate, report and export against the cost of parsing.

    python benchmarks/run.py                       # 1k, 10k and 100k claims, and the real corpora
    python benchmarks/run.py --sizes 1000,10000    # a quicker run

The HTML report is timed up to 10k claims (`--report-up-to`): citeproc-py formats about
300 references a second, so a cold report of 100k claims (200k references) alone takes
over ten minutes.

For each size it generates a corpus (cached under benchmarks/.corpora), then times every
stage in a fresh interpreter (benchmarks/stage.py), in one run so that ratios compare like
with like on a noisy machine. The floor is bibtexparser and PyYAML's C loader parsing the
same files. It prints a Markdown table, writes the figures as JSON and draws a scaling plot
(SVG), and times the command line on the bundled corpus.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from generate import generate, positive, real_bibliography

from massage_evidence.atomic import write_atomic
from massage_evidence.citations import available_cpus

HERE = Path(__file__).parent
REPO = HERE.parent
STAGES = (
    "floor", "load", "validate", "cached", "report", "parallel_report", "warm_report", "export",
)  # fmt: skip
REPORTS = ("report", "parallel_report", "warm_report")
WORKERS = available_cpus()  # the processes of the parallel report


def measure(stage: str, claims: Path, repeat: int, cache: Path) -> dict[str, float]:
    """The fastest of `repeat` runs of a stage, and the largest peak memory: of the stage's
    process, and of it and its worker processes together."""
    runs = []
    env = {**os.environ, "MASSAGE_EVIDENCE_CACHE_DIR": str(cache)}
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, str(HERE / "stage.py"), stage, str(claims)],
            capture_output=True, text=True, check=True, env=env,
        )  # fmt: skip
        runs.append(json.loads(out.stdout))
    return {
        "seconds": min(r["seconds"] for r in runs),
        "peak_mib": max(r["peak_bytes"] for r in runs) / 2**20,
        "total_peak_mib": max(r["total_peak_bytes"] for r in runs) / 2**20,
    }


def corpus(label: str, claims: int, bibliography: str | None = None) -> Path:
    folder = HERE / ".corpora" / label
    path = folder / "claims.yaml"
    if not path.exists():
        generate(claims, folder, bibliography=bibliography)
    return path


def bench(label: str, claims_file: Path, repeat: int, reports: bool = True) -> dict[str, Any]:
    """Every stage on one corpus; the report stages only when `reports`."""
    chosen = [stage for stage in STAGES if reports or stage not in REPORTS]
    with tempfile.TemporaryDirectory() as cache:
        for stage in ("cached", "warm_report") if reports else ("cached",):
            subprocess.run(
                [sys.executable, str(HERE / "stage.py"), stage, str(claims_file)],
                check=True,
                capture_output=True,
                env={**os.environ, "MASSAGE_EVIDENCE_CACHE_DIR": cache},
            )  # fmt: skip   (fills the cache; the timed runs below are warm)
        stages = {stage: measure(stage, claims_file, repeat, Path(cache)) for stage in chosen}
    floor = stages["floor"]["seconds"]
    sizes = {
        "claims_mib": claims_file.stat().st_size / 2**20,
        "bib_mib": (claims_file.parent / "refs.bib").stat().st_size / 2**20,
    }
    validate = stages["validate"]["seconds"]
    ratios = {
        "validate/floor": validate / floor,
        "cached/validate": stages["cached"]["seconds"] / validate,
    }
    if reports:
        ratios |= {
            "report/validate": stages["report"]["seconds"] / validate,
            "parallel report/validate": stages["parallel_report"]["seconds"] / validate,
            "warm report/validate": stages["warm_report"]["seconds"] / validate,
            "report peak/floor peak": stages["report"]["peak_mib"] / stages["floor"]["peak_mib"],
            "parallel report peak/floor peak": stages["parallel_report"]["total_peak_mib"]
            / stages["floor"]["peak_mib"],
        }
    return {"label": label, **sizes, "stages": stages, "ratios": ratios}


def command_line(repeat: int = 11) -> dict[str, float]:
    """Median wall time of the real command, interpreter start included."""
    results = {}
    for name, argv in {
        "--version": ["--version"],
        "validate (bundled corpus)": ["validate", "data/claims.yaml", "--no-cache"],
    }.items():
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "massage_evidence", *argv],
                cwd=REPO,
                capture_output=True,
                check=False,
            )
            times.append(time.perf_counter() - start)
        results[name] = statistics.median(times)
    return results


def growth_ratios(results: list[dict[str, Any]]) -> dict[str, float]:
    """Each timed stage at ten times the claims, against the smaller run: 10× is linear."""
    sized = {int(r["label"]): r["stages"] for r in results if str(r["label"]).isdigit()}
    return {
        f"{stage} {large:,} / {small:,} claims": sized[large][stage]["seconds"]
        / sized[small][stage]["seconds"]
        for small in sized
        if (large := small * 10) in sized
        for stage in STAGES
        if stage in sized[small] and stage in sized[large]
    }


def table(results: list[dict[str, Any]]) -> str:
    head = (
        "corpus", "claims.yaml", "refs.bib", "floor", "load", "load + validate", "warm (cached)",
        "HTML report", f"HTML report, {WORKERS} processes", "warm HTML report", "JSON export",
        "validate / floor", "warm / cold", "report / validate",
        f"report, {WORKERS} processes / validate", "warm report / validate",
        "peak memory report / floor", f"peak memory report, {WORKERS} processes / floor",
    )  # fmt: skip
    ratios = {
        "validate/floor": "{:.2f}×", "cached/validate": "{:.3f}×", "report/validate": "{:.2f}×",
        "parallel report/validate": "{:.2f}×", "warm report/validate": "{:.2f}×",
        "report peak/floor peak": "{:.2f}×", "parallel report peak/floor peak": "{:.2f}×",
    }  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for r in results:
        s, q = r["stages"], r["ratios"]
        cells = [r["label"], f"{r['claims_mib']:.1f} MiB", f"{r['bib_mib']:.1f} MiB"]
        cells += [f"{s[k]['seconds']:.2f} s" if k in s else "—" for k in STAGES]
        cells += [shape.format(q[k]) if k in q else "—" for k, shape in ratios.items()]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot(results: list[dict[str, Any]], path: Path) -> None:
    """Seconds against claims on log-log axes, one line per stage: an SVG, no plotting library."""
    sized = [r for r in results if str(r["label"]).isdigit()]
    series = {
        "floor": "#8c939c", "validate": "#2454a6", "report": "#d55e00",
        "parallel_report": "#e69f00", "warm_report": "#cc79a7", "cached": "#009e73",
    }  # fmt: skip
    width, height, margin = 640, 400, 60
    xs = [int(str(r["label"])) for r in sized]
    ys = [r["stages"][k]["seconds"] for r in sized for k in series if k in r["stages"]]
    lx = (math.log10(min(xs)), math.log10(max(xs)))
    ly = (math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys))))

    def point(x: float, y: float) -> tuple[float, float]:
        px = margin + (math.log10(x) - lx[0]) / (lx[1] - lx[0] or 1) * (width - 2 * margin)
        py = height - margin - (math.log10(y) - ly[0]) / (ly[1] - ly[0]) * (height - 2 * margin)
        return px, py

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
        ' font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">'
        "Time against corpus size (log-log)</text>",
    ]
    for decade in range(ly[0], ly[1] + 1):
        _, py = point(xs[0], 10**decade)
        grid = f'x1="{margin}" x2="{width - margin}" y1="{py:.1f}" y2="{py:.1f}"'
        parts.append(f'<line {grid} stroke="#e5e8ec"/>')
        parts.append(
            f'<text x="{margin - 8}" y="{py + 4:.1f}" text-anchor="end">{10**decade:g} s</text>'
        )
    for x in xs:
        px, _ = point(x, 10 ** ly[0])
        below = height - margin + 18
        parts.append(f'<text x="{px:.1f}" y="{below}" text-anchor="middle">{x:,} claims</text>')
    for k, (stage, colour) in enumerate(series.items()):
        points = [
            point(x, r["stages"][stage]["seconds"])
            for x, r in zip(xs, sized, strict=True)
            if stage in r["stages"]
        ]
        path_d = " ".join(
            f"{'M' if i == 0 else 'L'}{px:.1f} {py:.1f}" for i, (px, py) in enumerate(points)
        )
        parts.append(f'<path d="{path_d}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        parts += [
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}"/>' for px, py in points
        ]
        name = stage.replace("_", " ")
        parts.append(f'<text x="{margin + 10}" y="{46 + 16 * k}" fill="{colour}">{name}</text>')
    parts.append("</svg>")
    write_atomic(path, "\n".join(parts) + "\n")


def sizes(text: str) -> list[int]:
    """`--sizes`: claims per corpus, by commas."""
    return [positive(part) for part in text.split(",")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=sizes, default="1000,10000,100000", help="claims per corpus, by commas"
    )
    parser.add_argument("--repeat", type=positive, default=3, help="runs per stage and corpus")
    parser.add_argument("--real", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--report-up-to", type=positive, default=10_000, help="largest corpus whose report is timed"
    )
    parser.add_argument("--json", type=Path, default=HERE / "results.json")
    parser.add_argument("--plot", type=Path, default=REPO / "docs" / "images" / "scaling.svg")
    args = parser.parse_args()
    results = []
    for size in args.sizes:
        reports = size <= args.report_up_to
        results.append(bench(str(size), corpus(str(size), size), args.repeat, reports))
        print(table(results[-1:]).splitlines()[-1], flush=True)
    shared = REPO.parent / "shared" / "corpora"
    if args.real and shared.is_dir():
        bib = real_bibliography(shared)
        results.append(bench("real 20k", corpus("real", 10_000, bib), args.repeat))
    cli = command_line()
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()},"
        f" {platform.platform()}"
    )
    growth = growth_ratios(results)
    summary = {"machine": machine, "corpora": results, "growth": growth, "command_line": cli}
    write_atomic(args.json, json.dumps(summary, indent=2) + "\n")
    plot(results, args.plot)
    print(f"\n{machine}\n\n{table(results)}\n")
    for name, ratio in growth.items():
        print(f"{name}: {ratio:.2f}×")
    for name, seconds in cli.items():
        print(f"massage-evidence {name}: median {seconds:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
