"""Synthetic corpora for the benchmark: N claims, 2N references, documents with anchors.

The mix follows the bundled corpus: several designs and stances, GRADE reasons, PICO, a
document per 100 claims with one anchored sentence per claim, and a few defects of the
kinds users make (a mistyped key, a wrong certainty, an orphaned quote, an unused entry).

    python benchmarks/generate.py 10000 /tmp/corpus-10k
"""

from __future__ import annotations

import argparse
import json
import random
import re
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
KEY = re.compile(r"^@(?!string|preamble|comment)\w+\s*[{(]\s*([^,\s]+)\s*,", re.M | re.I)
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


def claim(index: int, rng: random.Random, keys: list[str]) -> tuple[str, str]:
    """One claim's YAML and the sentence of its document that it anchors."""
    document = f"doc{index // CLAIMS_PER_DOCUMENT}"
    quote = f"claim number {index} says massage {rng.choice(WORDS)} helps"
    cited = [keys[2 * index], keys[2 * index + 1], *rng.sample(keys, rng.randint(0, 2))]
    evidence = "".join(
        f"      - ref: {json.dumps('x' + key if index % DEFECT_EVERY == 1 and k == 0 else key)}\n"
        f"        stance: {rng.choice(STANCES)}\n"
        f"        note: {sentence(rng, 6)}.\n"
        for k, key in enumerate(cited)
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


def generate(claims: int, folder: Path, seed: int = 1, bibliography: str | None = None) -> Path:
    """Write claims.yaml, refs.bib and the documents into `folder`; return the claims file.

    With `bibliography` (BibTeX text), that text is the refs.bib and the claims cite its
    keys, two new ones per claim; otherwise 2 × `claims` synthetic references are written.
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "docs").mkdir(exist_ok=True)
    if bibliography is None:
        bibliography = "".join(bibtex(i, rng) for i in range(2 * claims))
    keys = list(dict.fromkeys(KEY.findall(bibliography)))
    (folder / "refs.bib").write_text(bibliography, encoding="utf-8")
    documents: dict[str, list[str]] = {}
    blocks = []
    for index in range(claims):
        text, quote = claim(index, rng, keys)
        blocks.append(text)
        documents.setdefault(f"doc{index // CLAIMS_PER_DOCUMENT}", []).append(
            f"{sentence(rng, 15).capitalize()}. In short, {quote}."
            f" {sentence(rng, 10).capitalize()}."
        )
    for name, lines in documents.items():
        (folder / "docs" / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    studies = "".join(
        f"  {json.dumps(key)}:\n    design: {rng.choice(DESIGNS)}\n"
        f"    participants: {rng.randint(10, 3000)}\n"
        for key in keys
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


def real_bibliography(corpora: Path) -> str:
    """The four real bibliographies of ../shared/corpora as one text (20,027 entries):
    plume-bib with its unabbreviated @string set and crossrefs, as its README intends."""
    plume = corpora / "plume-bib"
    skip = {"bibstring-abbrev.bib", "bibstring-master.bib", "crossrefs-abbrev.bib"}
    first = [plume / "bibstring-unabbrev.bib"]
    rest = sorted(p for p in plume.glob("*.bib") if p.name not in skip | {first[0].name})
    files = [corpora / "leeper-references.bib", corpora / "tugboat.bib"]
    files += [corpora / "bbt-unabbreviate-1436-3.bib", *first, *rest]
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("claims", type=positive, help="how many claims (references: twice that)")
    parser.add_argument("folder", type=Path, help="where to write the corpus")
    args = parser.parse_args()
    print(generate(args.claims, args.folder))


def positive(text: str) -> int:
    """A count given on the command line: a whole number of at least 1."""
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a positive whole number")
    return count


if __name__ == "__main__":
    main()
