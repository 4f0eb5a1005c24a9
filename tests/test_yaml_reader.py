"""The one-pass YAML reader gives what PyYAML gives when it composes the whole file.

`parse_yaml` builds the data from the event stream and finds a position inside an item of
a top-level collection by composing that item's lines alone. For every input, its data,
repeated keys and the position of every value (and of missing ones) must be exactly those
of PyYAML's composer and constructor run on the whole file, which is what it falls back to.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from massage_evidence import _yaml
from massage_evidence.findings import Location
from massage_evidence.limits import Limits

from .conftest import REPO
from .test_fuzz import CLAIMS_SEEDS, FUZZ, VALUES, YAML_SYNTAX, YAMLISH, _paths, mutated

LIMITS = Limits(max_yaml_nodes=10**7)
CORPORA = [
    REPO / "data" / "claims.yaml",
    REPO / "tests" / "data" / "standing-desks" / "claims.yaml",
]


def agree(text: str) -> _yaml.ParsedYaml:
    """Check `parse_yaml(text)` against PyYAML on the whole text; the parse."""
    parsed = _yaml.parse_yaml(text, "c.yaml", LIMITS)
    try:
        whole = _yaml._read_whole(text, "c.yaml")
    except yaml.YAMLError:
        assert [code for code, _ in parsed.problems] in (["ME101"], ["ME106"])
        return parsed
    if any(code == "ME106" for code, _ in parsed.problems):
        return parsed
    assert repr(parsed.data) == repr(whole.data)
    # In file order here; PyYAML finds a mapping's repeated keys before its children's,
    # and also breaks lines at U+0085, U+2028 and U+2029, which the file does not.
    lines = _yaml.FileLines(text)
    assert [problem.location for _, problem in parsed.problems] == sorted(
        (lines.place(Location("c.yaml", again.line + 1, again.column + 1))
         for _, again, _ in whole.duplicates),
        key=lambda at: (at.line or 0, at.column or 0),
    )  # fmt: skip
    for path in _paths(whole.data):
        for parts in (path, (*path, "missing"), (*path, 10**6)):
            for key in (False, True):
                assert parsed.locator.locate(*parts, key=key) == whole.locator.locate(
                    *parts, key=key
                ), (parts, key)
    return parsed


@pytest.mark.parametrize("path", CORPORA, ids=lambda path: path.parent.name)
def test_corpora_are_read_in_one_pass(path: Any) -> None:
    """The corpora are built by the one pass, and every position in them is found from
    the items' own lines: the whole file is never composed."""
    parsed = agree(path.read_text(encoding="utf-8"))
    assert parsed.locator._outline is not None
    assert not parsed.locator._composed


@pytest.mark.parametrize(
    ("text", "one_pass"),
    [
        ("a: 1\nb:\n  - x: 1\n    y: [1, 2]\n  # between\n\n  - x: 2\nc: {d: 1}\n", True),
        ("claims:\n-\n  id: a\n-  id: b\n- - nested\n  - list\n", True),
        ("studies:\n  k1:\n    design: rct\n  ? k2\n  : design: cohort\nz: 1\n", True),
        ("a:\n  - 1\n\x85b:\n  - 2\r\n  - 3\u2028c: |\n  - not an item\n", True),
        ("a:\n  - 1\na:\n  - 2\n  - 3\n", True),
        ("a: &x [1]\nb: *x\n", False),
        ("a: !!str 1\nb:\n  - <<: {c: 1}\n", False),
        ("? [complex, key]\n: 1\n", False),
        ("{a: [1, 2], b: {c: 3}}\n", True),
        ("- 1\n- a: 2\n", True),
        ("", True),
        ("plain\n", True),
        ("%YAML 1.1\n---\na:\n  - yes\n  - 0x1F\n  - 0o17\n  - 1_000\n  - .NaN\n  - ~\n", True),
    ],
)
def test_shapes_and_fallbacks(text: str, one_pass: bool) -> None:
    """Items that do not start their own lines, odd line breaks, repeated top-level keys,
    flow and non-mapping roots agree with PyYAML; anchors, tags, merge and complex keys
    are left to PyYAML whole."""
    agree(text)
    read = _yaml._read(text, LIMITS, "c.yaml")
    assert isinstance(read, _yaml._Read) if one_pass else read is None


def test_repeated_keys_are_found_in_one_pass() -> None:
    """A repeated key is ME103 at its second place, naming the first line, as before."""
    parsed = agree("a: 1\nb:\n  - x: 1\n    x: 2\na: 3\n")
    rows = [(code, str(problem.location), problem.message) for code, problem in parsed.problems]
    assert rows == [
        ("ME103", "c.yaml:4:5", "key 'x' repeats the key at line 3; keep one of them"),
        ("ME103", "c.yaml:5:1", "key 'a' repeats the key at line 1; keep one of them"),
    ]


@st.composite
def dumped(draw: st.DrawFn) -> str:
    """A claims-like file of arbitrary values in one of the block layouts users write."""
    data = {
        "version": draw(VALUES),
        "claims": draw(st.lists(VALUES, max_size=5)),
        "studies": draw(st.dictionaries(st.text(max_size=8), VALUES, max_size=4)),
    }
    text: str = yaml.dump(
        data,
        Dumper=yaml.CSafeDumper,
        allow_unicode=True,
        sort_keys=False,
        indent=draw(st.integers(2, 4)),
        width=draw(st.sampled_from([20, 80])),
        default_flow_style=draw(st.sampled_from([False, None])),
        explicit_start=draw(st.booleans()),
    )
    if draw(st.booleans()):
        text = text.replace("\n- ", "\n# a comment\n\n- ")
    return text


@FUZZ
@given(text=dumped())
def test_dumped_files_agree(text: str) -> None:
    agree(text)


@FUZZ
@given(name=st.sampled_from(sorted(CLAIMS_SEEDS)), data=st.data())
def test_mutated_corpora_agree(name: str, data: st.DataObject) -> None:
    seed = data.draw(mutated(CLAIMS_SEEDS[name], YAML_SYNTAX))
    agree(seed.decode("utf-8", "replace"))


@FUZZ
@given(text=YAMLISH)
def test_yaml_looking_text_agrees(text: str) -> None:
    agree(text)


@pytest.mark.parametrize("text", ["a: [\n", "a: 1\n---\nb: 2\n", "a: *nowhere\n", "[" * 1001])
def test_a_file_that_cannot_be_read_is_located_at_its_start(text: str) -> None:
    """The locator of a file with a syntax error or too deep answers line 1, never raises."""
    parsed = _yaml.parse_yaml(text, "c.yaml", Limits(max_depth=1000))
    assert [code for code, _ in parsed.problems] == ["ME101"]
    assert str(parsed.locator.locate("a", 0, key=True)) == "c.yaml:1:1"
