"""The public API is exactly the documented names."""

from __future__ import annotations

import massage_evidence

DOCUMENTED = {
    # SPEC.md: functions and models
    "load",
    "validate",
    "check",
    "render",
    "Corpus",
    "Claim",
    "Evidence",
    "Study",
    "Reference",
    "Document",
    "Anchor",
    "Finding",
    "Certainty",
    "Stance",
    "Verdict",
    # the certainty engine
    "derive_certainty",
    "Derivation",
    # exceptions (all derive from MassageEvidenceError) and the severity of findings
    "MassageEvidenceError",
    "LoadError",
    "ConfigError",
    "RenderError",
    "OutputError",
    "Severity",
}


def test_all_is_exactly_the_documented_names() -> None:
    """`__all__` lists the documented names and nothing else."""
    assert set(massage_evidence.__all__) == DOCUMENTED


def test_every_name_imports() -> None:
    """Each name in `__all__` resolves to an object."""
    for name in massage_evidence.__all__:
        assert getattr(massage_evidence, name) is not None


def test_exceptions_share_one_base() -> None:
    """Every exception derives from MassageEvidenceError."""
    base = massage_evidence.MassageEvidenceError
    for name in ("LoadError", "ConfigError", "RenderError", "OutputError"):
        assert issubclass(getattr(massage_evidence, name), base)
