"""The docs show what the code does."""

from __future__ import annotations

import re

import massage_evidence as me

from .conftest import REPO


def test_worked_example_matches_the_bundled_corpus() -> None:
    """Each derivation quoted in docs/certainty.md is the one the tool prints."""
    text = (REPO / "docs" / "certainty.md").read_text(encoding="utf-8")
    quoted = re.findall(r"<!-- derivation: (\S+) -->\n```text\n(.*)\n```", text)
    assert quoted
    corpus = me.load(REPO / "data" / "claims.yaml")
    claims = {claim.id: claim for claim in corpus.claims}
    for claim_id, explanation in quoted:
        assert me.derive_certainty(claims[claim_id], corpus).explanation == explanation
