"""The public API is exactly the documented names."""

from __future__ import annotations

import re

import massage_evidence

from .conftest import REPO


def documented() -> set[str]:
    """The names the README lists between its public-api markers."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("<!-- public-api -->")[1].split("<!-- /public-api -->")[0]
    return set(re.findall(r"`(\w+)`", section))


def test_all_is_exactly_the_documented_names() -> None:
    """`__all__` lists the names the README documents and nothing else."""
    assert set(massage_evidence.__all__) == documented()


def test_every_name_imports() -> None:
    """Each name in `__all__` resolves to an object."""
    for name in massage_evidence.__all__:
        assert getattr(massage_evidence, name) is not None


def test_exceptions_share_one_base() -> None:
    """Every exception derives from MassageEvidenceError."""
    base = massage_evidence.MassageEvidenceError
    for name in ("LoadError", "ConfigError", "RenderError", "OutputError"):
        assert issubclass(getattr(massage_evidence, name), base)
