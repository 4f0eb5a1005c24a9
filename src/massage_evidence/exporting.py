"""Exports: the corpus as data for other tools.

`corpus_json` is also what reports and diffs read: one plain-data view of a corpus, with
every claim's derived certainty, derivation and verdict.
"""

from __future__ import annotations

import json
from typing import Any

from .grading import grades
from .models import Corpus

JSON_VERSION = 1


def corpus_json(corpus: Corpus) -> dict[str, Any]:
    """The whole corpus as JSON-ready data (export format `json`, version 1).

    Each claim carries its input fields, with `certainty` set to the certainty in force
    (the override's where a justified one is given, else the derived one), plus its
    `verdict` and its one-line `derivation`.
    """
    derived = grades(corpus)
    return {
        "version": JSON_VERSION,
        "title": corpus.title,
        "categories": dict(corpus.categories),
        "documents": {
            name: document.model_dump(mode="json", exclude_none=True)
            for name, document in corpus.documents.items()
        },
        "studies": {
            key: study.model_dump(mode="json", exclude_none=True)
            for key, study in corpus.studies.items()
        },
        "references": {
            key: {"type": entry.entry_type, "fields": dict(entry.fields)}
            for key, entry in corpus.references.items()
        },
        "claims": [
            claim.model_dump(mode="json", exclude_none=True)
            | {
                "certainty": str(derived[claim.id].in_force),
                "verdict": str(derived[claim.id].verdict),
                "derivation": derived[claim.id].explanation,
            }
            for claim in corpus.claims
        ],
    }


def export_json(corpus: Corpus) -> str:
    """`corpus_json` as indented JSON text."""
    return json.dumps(corpus_json(corpus), indent=2, ensure_ascii=False) + "\n"
