"""Nothing in the rules is specific to massage: a corpus on another topic validates."""

from __future__ import annotations

from pathlib import Path

from massage_evidence import check

CORPUS = Path(__file__).parent / "data" / "standing-desks" / "claims.yaml"


def test_standing_desk_corpus_is_clean() -> None:
    """Custom categories, a Markdown document and grey literature beside research: clean."""
    assert [(f.code, f.message) for f in check(CORPUS)] == []
