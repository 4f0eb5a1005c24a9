"""The rule registry: codes, names, documentation, and the generated rule reference."""

from __future__ import annotations

import re

from massage_evidence.ruledocs import rules_markdown
from massage_evidence.rules import all_rules

from .conftest import REPO

SPEC_CODES = {
    "ME101", "ME102", "ME103", "ME104", "ME105", "ME106", "ME107",
    "ME201", "ME202", "ME203", "ME204", "ME205", "ME206", "ME207", "ME208", "ME209", "ME210",
    "ME301", "ME302", "ME303", "ME304", "ME305",
    "ME401", "ME402", "ME403", "ME404",
    "ME501", "ME502", "ME503", "ME504",
}  # fmt: skip


def test_every_spec_code_is_registered() -> None:
    """The registry holds every code of SPEC.md's table."""
    assert {r.code for r in all_rules()} >= SPEC_CODES


def test_codes_and_names_are_well_formed_and_unique() -> None:
    """Codes are ME plus three digits, names kebab-case, both unique."""
    rules = all_rules()
    assert all(re.fullmatch(r"ME[1-9]\d\d", r.code) for r in rules)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.name) for r in rules)
    assert len({r.code for r in rules}) == len({r.name for r in rules}) == len(rules)


def test_every_rule_documents_why_an_example_and_a_fix() -> None:
    """Each rule's documentation has a summary, a Why, an Example and a Fix."""
    for rule in all_rules():
        for section in ("Why:", "Example:", "Fix:"):
            assert section in rule.doc, f"{rule.code} lacks {section}"
        assert rule.summary.endswith("."), rule.code


def test_every_code_is_tested() -> None:
    """Every registered code appears in the rule or loading tests."""
    tests = "".join(p.read_text() for p in (REPO / "tests").rglob("test_*.py"))
    untested = [r.code for r in all_rules() if f'"{r.code}"' not in tests]
    assert untested == []


def test_docs_rules_md_is_current() -> None:
    """docs/rules.md is what `massage-evidence rules --format markdown` prints.

    Regenerate with: massage-evidence rules --format markdown > docs/rules.md
    """
    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown()
