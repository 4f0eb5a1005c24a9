"""The JSON export: the whole corpus with derived certainty, derivation and verdict."""

from __future__ import annotations

import json

from massage_evidence import load
from massage_evidence.exporting import export_json

from .conftest import Project


def test_json_export_of_a_small_corpus(valid: Project) -> None:
    """Every top-level key of SPEC.md, and each claim's certainty in force and verdict."""
    document = json.loads(export_json(load("claims.yaml")))
    assert list(document) == [
        "version", "title", "categories", "documents", "studies", "references", "claims",
    ]  # fmt: skip
    assert document["version"] == 1
    assert document["references"] == {
        "smith2020": {
            "type": "article",
            "fields": {
                "author": "Smith, A.",
                "title": "A trial",
                "journal": "Journal",
                "year": "2020",
            },
        }
    }
    assert document["claims"] == [
        {
            "id": "pain-relief",
            "category": "pain",
            "statement": "Massage may reduce back pain.",
            "anchors": [
                {
                    "document": "article",
                    "exact": "massage eases back pain",
                    "prefix": "",
                    "suffix": "",
                }
            ],
            "evidence": [{"ref": "smith2020", "stance": "supports"}],
            "reasons": [],
            "certainty": "high",
            "verdict": "supported",
            "derivation": "high (rct: smith2020) = high",
        }
    ]
