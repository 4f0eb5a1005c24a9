"""Synthetic corpora for the benchmark: N claims, 2N references, documents with anchors.

The mix follows the bundled corpus: several designs and stances, GRADE reasons, PICO, a
document per 100 claims with one anchored sentence per claim, and a few defects of the
kinds users make (a mistyped key, a wrong certainty, an orphaned quote, an unused entry).

    python benchmarks/generate.py 10000 /tmp/corpus-10k
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

DESIGNS = [
    "systematic-review",
    "rct",
    "cohort",
    "within-subject-experiment",
    "narrative-review",
    "agency-summary",
]
STANCES = ["supports", "supports", "mixed", "refutes", "insufficient"]
DOWN = ["risk-of-bias", "inconsistency", "indirectness", "imprecision", "publication-bias"]
CATEGORIES = ["pain", "circulation", "posture", "stress", "mobility"]
WORDS = [
    *("massage", "therapy", "trial", "pain", "back", "muscle", "stress", "anxiety", "blood"),
    *("flow", "recovery", "posture", "adults", "randomised", "review", "evidence"),
    *("outcome", "effect", "short", "term", "function"),
]
CLAIMS_PER_DOCUMENT = 100
DEFECT_EVERY = 500


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def bibtex(index: int, rng: random.Random) -> str:
    authors = " and ".join(f"Au{index % 997}x{k}, {chr(65 + k)}." for k in range(rng.randint(1, 3)))
    return (
        f"@article{{ref{index},\n"
        f"  author = {{{authors}}},\n"
        f"  title = {{{sentence(rng, 6).capitalize()} {{Doppler}}}},\n"
        f"  journal = {{J {rng.choice(WORDS).capitalize()}}},\n"
        f"  year = {{{rng.randint(1990, 2024)}}},\n"
        f"  volume = {{{rng.randint(1, 120)}}},\n"
        f"  pages = {{{rng.randint(1, 500)}--{rng.randint(501, 999)}}},\n"
        f"  doi = {{10.{1000 + index % 9000}/b.{index}}},\n"
        "}\n"
    )


def claim(index: int, rng: random.Random, references: int) -> tuple[str, str]:
    """One claim's YAML and the sentence of its document that it anchors."""
    document = f"doc{index // CLAIMS_PER_DOCUMENT}"
    quote = f"claim number {index} says massage {rng.choice(WORDS)} helps"
    cited = [2 * index, 2 * index + 1, *rng.sample(range(references), rng.randint(0, 2))]
    evidence = "".join(
        f"      - ref: {'reff' if index % DEFECT_EVERY == 1 and k == 0 else 'ref'}{ref}\n"
        f"        stance: {rng.choice(STANCES)}\n"
        f"        note: {sentence(rng, 6)}.\n"
        for k, ref in enumerate(cited)
    )
    reasons = "".join(
        f"      - domain: {domain}\n        steps: {rng.randint(1, 2)}\n"
        f"        why: {sentence(rng, 5)}.\n"
        for domain in rng.sample(DOWN, rng.randint(0, 2))
    )
    exact = quote if index % DEFECT_EVERY != 2 else quote + " always"
    text = (
        f"  - id: claim-{index}\n"
        f"    category: {CATEGORIES[index % len(CATEGORIES)]}\n"
        f"    statement: It is very uncertain whether massage {sentence(rng, 2)}.\n"
        f"    outcome: {sentence(rng, 2)}\n"
        f"    anchors:\n"
        f"      - document: {document}\n"
        f"        exact: {exact}\n"
        f"    evidence:\n{evidence}" + (f"    reasons:\n{reasons}" if reasons else "")
    )
    return text, quote


def generate(claims: int, folder: Path, seed: int = 1) -> Path:
    """Write claims.yaml, refs.bib and the documents into `folder`; return the claims file."""
    rng = random.Random(seed)
    references = 2 * claims
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "docs").mkdir(exist_ok=True)
    (folder / "refs.bib").write_text(
        "".join(bibtex(i, rng) for i in range(references)), encoding="utf-8"
    )
    documents: dict[str, list[str]] = {}
    blocks = []
    for index in range(claims):
        text, quote = claim(index, rng, references)
        blocks.append(text)
        documents.setdefault(f"doc{index // CLAIMS_PER_DOCUMENT}", []).append(
            f"{sentence(rng, 15).capitalize()}. In short, {quote}."
            f" {sentence(rng, 10).capitalize()}."
        )
    for name, lines in documents.items():
        (folder / "docs" / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    studies = "".join(
        f"  ref{i}:\n    design: {rng.choice(DESIGNS)}\n    participants: {rng.randint(10, 3000)}\n"
        for i in range(references)
    )
    header = (
        "version: 1\ntitle: Synthetic benchmark corpus\nbibliography: refs.bib\n"
        "documents:\n"
        + "".join(f"  {name}:\n    path: docs/{name}.txt\n" for name in documents)
        + f"studies:\n{studies}claims:\n"
    )
    path = folder / "claims.yaml"
    path.write_text(header + "".join(blocks), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(generate(int(sys.argv[1]), Path(sys.argv[2])))
