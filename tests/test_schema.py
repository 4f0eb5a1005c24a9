"""The JSON Schema of claims.yaml: generated from the models, current, and as strict as they."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
import yaml

from massage_evidence.cli import main
from massage_evidence.exporting import claims_schema, export_schema

from .conftest import REPO, VALID_CLAIMS

COMMITTED = REPO / "schema" / "claims.schema.json"


def validator() -> jsonschema.Draft202012Validator:
    schema = claims_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(data: object) -> list[tuple[str, str]]:
    """(JSON path, message) of every violation, for exact comparisons."""
    found = validator().iter_errors(data)
    return sorted((error.json_path, error.message) for error in found)


@pytest.mark.parametrize(
    "path", ["data/claims.yaml", "tests/data/standing-desks/claims.yaml"], ids=str
)
def test_real_claims_files_are_valid(path: str) -> None:
    """The bundled corpus and the other-topic corpus pass the schema."""
    data = yaml.safe_load((REPO / path).read_text(encoding="utf-8"))
    assert errors(data) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    statement:",
            "    statment:",
            [
                ("$.claims[0]", "'statement' is a required property"),
                (
                    "$.claims[0]",
                    "Additional properties are not allowed ('statment' was unexpected)",
                ),
            ],
        ),
        (
            "stance: supports",
            "stance: support",
            [
                (
                    "$.claims[0].evidence[0].stance",
                    "'support' is not one of ['supports', 'refutes', 'mixed', 'insufficient']",
                )
            ],
        ),
        (
            "id: pain-relief",
            "id: Pain_Relief",
            [
                (
                    "$.claims[0].id",
                    "'Pain_Relief' does not match '^[a-z0-9]+(?:-[a-z0-9]+)*$'",
                )
            ],
        ),
        ("title: Test corpus\n", "", [("$", "'title' is a required property")]),
        ("version: 1", "version: 2", [("$.version", "1 was expected")]),
        (
            "design: rct",
            "design: rct\n    participants: 0",
            [
                (
                    "$.studies.smith2020.participants",
                    "0 is not valid under any of the given schemas",
                ),
            ],
        ),
    ],
    ids=["unknown-key", "bad-stance", "bad-id", "no-title", "version", "participants"],
)
def test_broken_variants_are_rejected(old: str, new: str, expected: list[tuple[str, str]]) -> None:
    """Typos, unknown terms and out-of-range values fail as the loader's ME102 does."""
    assert errors(yaml.safe_load(VALID_CLAIMS)) == []
    assert errors(yaml.safe_load(VALID_CLAIMS.replace(old, new))) == expected


def test_reason_steps_are_one_or_two() -> None:
    """A GRADE reason moves certainty by one or two levels, never three."""
    data = yaml.safe_load(VALID_CLAIMS)
    data["claims"][0]["reasons"] = [{"domain": "imprecision", "steps": 3, "why": "wide CI"}]
    assert errors(data) == [("$.claims[0].reasons[0].steps", "3 is not one of [1, 2]")]


def properties(node: Any, where: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property schema in `node`, with where it is."""
    if isinstance(node, dict):
        for name, value in node.get("properties", {}).items():
            yield f"{where}.{name}", value
        for key, value in node.items():
            yield from properties(value, f"{where}/{key}")


def test_every_field_is_described() -> None:
    """Editors show each field's description while typing: none may be missing."""
    schema = claims_schema()
    found = list(properties(schema))
    assert len(found) == 39  # 7 top-level, 12 per claim, 20 in the other models
    assert [where for where, value in found if not value.get("description")] == []
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "massage-evidence claims file (schema version 1)"


def test_committed_schema_is_current() -> None:
    """schema/claims.schema.json, the stable path editors point at, is what the models
    generate; regenerate it with `massage-evidence schema > schema/claims.schema.json`."""
    assert COMMITTED.read_text(encoding="utf-8") == export_schema()


def test_schema_command(capsys: pytest.CaptureFixture[str]) -> None:
    """`massage-evidence schema` prints the schema as indented JSON."""
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    assert out == export_schema()
    assert json.loads(out) == claims_schema()
