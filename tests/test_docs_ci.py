"""docs/ci.md stays copyable: its YAML parses and names only formats and hooks that exist."""

from __future__ import annotations

import re

import yaml

from massage_evidence.cli import FINDING_FORMATS

from .conftest import REPO

CI_DOC = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```yaml\n(.*?)^```$", CI_DOC, flags=re.MULTILINE | re.DOTALL)


def test_every_yaml_block_parses() -> None:
    """The two workflows, the GitLab job and the pre-commit config, each a mapping."""
    assert [type(yaml.safe_load(block)) for block in BLOCKS] == [dict, dict, dict, dict]


def test_formats_named_exist() -> None:
    """The format table lists every format; the snippets use only real ones."""
    table = re.findall(r"^\| `(\w+)`", CI_DOC, flags=re.MULTILINE)
    assert tuple(table) == FINDING_FORMATS
    used = set(re.findall(r"--format (\w+)", CI_DOC))
    assert used == {"github", "sarif", "junit"} <= set(FINDING_FORMATS)


def test_precommit_snippet_uses_the_hook_this_repository_offers() -> None:
    manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [config] = [yaml.safe_load(b) for b in BLOCKS if "repos" in yaml.safe_load(b)]
    assert [hook["id"] for hook in config["repos"][0]["hooks"]] == [hook["id"] for hook in manifest]
