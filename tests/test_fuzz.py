"""Fuzzing: arbitrary and mutated inputs never crash `check()` or the command line.

Every input must come back as findings: `check()` returns, `validate` exits 0 or 1 with
nothing on standard error (no traceback, no "internal error"), and its JSON agrees with
`check()`. Inputs are arbitrary bytes and text, YAML-looking text, claims files whose
values (or bibliography and document paths) are replaced by arbitrary data, and the
bundled and standing-desk corpora with byte flips, truncations, repeated or deleted lines
and inserted YAML or BibTeX syntax.

The default profile (200 examples a test) keeps this file to about 35 seconds. The
release check runs 5000 examples a test, about 25 minutes:

    MASSAGE_EVIDENCE_FUZZ=long .venv/bin/pytest tests/test_fuzz.py
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massage_evidence.cli import main
from massage_evidence.loading import display_path
from massage_evidence.validation import Selection, check

from .conftest import REPO

PROFILES = {
    "ci": settings(
        max_examples=200,
        deadline=timedelta(seconds=2),
        suppress_health_check=[HealthCheck.too_slow],
    ),
    "long": settings(
        max_examples=5000,
        deadline=timedelta(seconds=10),
        suppress_health_check=[HealthCheck.too_slow],
    ),
}
FUZZ = PROFILES[os.environ.get("MASSAGE_EVIDENCE_FUZZ", "ci")]

STANDING = REPO / "tests" / "data" / "standing-desks"
SEEDS = {
    "bundled": (REPO / "data" / "claims.yaml", REPO / "data" / "refs.bib"),
    "standing": (STANDING / "claims.yaml", STANDING / "refs.bib"),
}
CLAIMS_SEEDS = {name: claims.read_bytes() for name, (claims, _) in SEEDS.items()}
BIB_SEEDS = {name: bib.read_bytes() for name, (_, bib) in SEEDS.items()}
CLAIMS_DATA = {
    name: yaml.load(seed, Loader=yaml.CSafeLoader) for name, seed in CLAIMS_SEEDS.items()
}
YAML_SYNTAX = [
    "&a ", "*a", "<<: *a\n", "&b [*b]", "!!binary ", "!!python/object ", "!t ", "? ", ": ",
    "- ", "|\n", ">-\n", "'", '"', "#", "%YAML 1.1\n", "---\n", "...\n", "{", "}", "[", "]",
    ",", "\t", "\\", "\x00", "\ufeff", "~", "@", "`", "\r", "\u2028", "\x85", "0x1F", "1e999",
    ".nan", "null", "true", "é", "\U0001f642", "\u0301",
]  # fmt: skip
BIBTEX_SYNTAX = [
    "@", "{", "}", '"', ",", "=", "#", "%", "\\", "~", "$", "(", ")", "@string{s = {x}}\n",
    "@comment{", "@preamble{", "@article{k,\n", "@misc(k,", "{{{{", "}}}}", "\n@", "author = ",
    " and ", "\\'{e}", "crossref = {k}", "\x00", "\ufeff", "é", "\r\n", " # s # ",
]  # fmt: skip
YAMLISH = st.text(alphabet=st.sampled_from(list("ab1:-[]{}&*!|>'\"#?,%@.\n \t")), max_size=300)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["pain", "rct", "supports", "high", "wellness", "furlan2015massage"])
)
PATHS = st.text(max_size=30) | st.sampled_from(
    ["", ".", "..", "/", "/dev/zero", "refs.bib", "claims.yaml", "../../x", "a\x00b", "x" * 300]
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=10) | st.integers() | st.none(), inner, max_size=4)
    ),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A repository holding both corpora, their documents included."""
    root = tmp_path_factory.mktemp("fuzz")
    (root / ".git").mkdir()
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "data", root / "data")
    shutil.copytree(STANDING, root / "standing")
    return {"bundled": root / "data", "standing": root / "standing"}


def survives(folder: Path, claims: bytes, bib: bytes, fmt: str = "json") -> None:
    """Write the corpus, then `check()` it and run `validate` on it."""
    (folder / "claims.yaml").write_bytes(claims)
    (folder / "refs.bib").write_bytes(bib)
    findings = check(folder / "claims.yaml")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["validate", str(folder / "claims.yaml"), "--format", fmt])
    assert err.getvalue() == ""
    assert status in {0, 1}
    if fmt == "json":
        assert len(json.loads(out.getvalue())["findings"]) == len(findings)


@st.composite
def mutated(draw: st.DrawFn, seed: bytes, syntax: list[str]) -> bytes:
    """`seed` after one to five byte flips, truncations, repeated or deleted lines and
    insertions of `syntax`."""
    data = seed
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["flip", "truncate", "repeat", "delete", "insert"]))
        if kind == "flip" and at < len(data):
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
        elif kind == "truncate":
            data = data[:at]
        elif kind in {"repeat", "delete"}:
            lines = data.split(b"\n")
            line = min(at, len(lines) - 1)
            copies = 2 if kind == "repeat" else 0
            data = b"\n".join(lines[:line] + [lines[line]] * copies + lines[line + 1 :])
        else:
            data = data[:at] + draw(st.sampled_from(syntax)).encode() + data[at:]
    return data


@st.composite
def replaced_values(draw: st.DrawFn, seed: str) -> bytes:
    """Seed `seed` with one to three of its values (at any depth) replaced by arbitrary data."""
    data: Any = copy.deepcopy(CLAIMS_DATA[seed])
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(data)))
        if not path:
            data = draw(VALUES)
            continue
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = draw(VALUES)
    return _dump(data)


def _dump(data: Any) -> bytes:
    return yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False).encode()


def _paths(data: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value in `data`, `data` itself included."""
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data if isinstance(data, list) else ())
    )
    return [at] + [path for key, value in items for path in _paths(value, (*at, key))]


@st.composite
def with_paths(draw: st.DrawFn, seed: str) -> bytes:
    """Seed `seed` with its bibliography and document paths replaced by arbitrary text."""
    data: Any = copy.deepcopy(CLAIMS_DATA[seed])
    data["bibliography"] = draw(PATHS)
    for document in data["documents"].values():
        document["path"] = draw(PATHS)
    return _dump(data)


@FUZZ
@given(claims=st.binary(max_size=2000) | st.text(max_size=500).map(str.encode))
def test_arbitrary_claims_file(folders: dict[str, Path], claims: bytes) -> None:
    """Any bytes or any text as claims.yaml."""
    survives(folders["standing"], claims, BIB_SEEDS["standing"], fmt="text")


@FUZZ
@given(claims=YAMLISH)
def test_yaml_looking_claims_file(folders: dict[str, Path], claims: str) -> None:
    """Text made of YAML's indicators, as claims.yaml."""
    survives(folders["standing"], claims.encode(), BIB_SEEDS["standing"])


@FUZZ
@given(bib=st.binary(max_size=2000) | st.text(max_size=500).map(str.encode))
def test_arbitrary_bibliography(folders: dict[str, Path], bib: bytes) -> None:
    """Any bytes or any text as refs.bib."""
    survives(folders["standing"], CLAIMS_SEEDS["standing"], bib, fmt="text")


@FUZZ
@given(name=st.sampled_from(sorted(SEEDS)), data=st.data())
def test_mutated_claims_file(folders: dict[str, Path], name: str, data: st.DataObject) -> None:
    """A valid claims.yaml with bytes flipped, lines repeated or deleted, YAML inserted."""
    claims = data.draw(mutated(CLAIMS_SEEDS[name], YAML_SYNTAX))
    survives(folders[name], claims, BIB_SEEDS[name])


@FUZZ
@given(name=st.sampled_from(sorted(SEEDS)), data=st.data())
def test_claims_file_with_arbitrary_values(
    folders: dict[str, Path], name: str, data: st.DataObject
) -> None:
    """A valid claims.yaml whose values are replaced by arbitrary YAML data."""
    claims = data.draw(replaced_values(name))
    survives(folders[name], claims, BIB_SEEDS[name])


@FUZZ
@given(name=st.sampled_from(sorted(SEEDS)), data=st.data())
def test_mutated_bibliography(folders: dict[str, Path], name: str, data: st.DataObject) -> None:
    """A valid refs.bib with bytes flipped, lines repeated or deleted, BibTeX inserted."""
    bib = data.draw(mutated(BIB_SEEDS[name], BIBTEX_SYNTAX))
    survives(folders[name], CLAIMS_SEEDS[name], bib)


@FUZZ
@given(name=st.sampled_from(sorted(SEEDS)), data=st.data())
def test_claims_file_with_arbitrary_paths(
    folders: dict[str, Path], name: str, data: st.DataObject
) -> None:
    """A valid claims.yaml whose bibliography and document paths are arbitrary text."""
    claims = data.draw(with_paths(name))
    survives(folders[name], claims, BIB_SEEDS[name])


# Crashes the fuzzer found, kept as exact regression tests.


def test_nul_in_a_path(folders: dict[str, Path]) -> None:
    """A NUL character in a path raised ValueError from os.stat; it is ME105 now."""
    folder = folders["standing"]
    claims = b'version: 1\ntitle: T\nclaims: []\ndocuments:\n  a:\n    path: "a\\0b"\n'
    survives(folder, claims, BIB_SEEDS["standing"])
    findings = check(folder / "claims.yaml", selection=Selection.of(["ME105"]))
    shown = display_path(folder / "a\x00b")
    assert [(f.code, f.line, f.column, f.message) for f in findings] == [
        ("ME105", 6, 11, f"{shown!r} is not a valid path (it holds a NUL)")
    ]
