"""massage_evidence: tie health claims to the research on them, grade it, check it in CI.

    >>> import massage_evidence as me
    >>> corpus = me.load("data/claims.yaml")
    >>> findings = me.validate(corpus)

The names below are the public API; submodules not listed here are internal. They are
imported on first use so that the command line starts fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cache import Cache as Cache
    from .errors import ConfigError as ConfigError
    from .errors import LoadError as LoadError
    from .errors import MassageEvidenceError as MassageEvidenceError
    from .errors import OutputError as OutputError
    from .errors import RenderError as RenderError
    from .findings import Finding as Finding
    from .findings import Severity as Severity
    from .grading import Derivation as Derivation
    from .grading import derive_certainty as derive_certainty
    from .limits import Limits as Limits
    from .loading import load as load
    from .models import Anchor as Anchor
    from .models import Claim as Claim
    from .models import Corpus as Corpus
    from .models import Document as Document
    from .models import Evidence as Evidence
    from .models import Reference as Reference
    from .models import Study as Study
    from .rendering import render as render
    from .validation import check as check
    from .validation import validate as validate
    from .vocabulary import Certainty as Certainty
    from .vocabulary import Stance as Stance
    from .vocabulary import Verdict as Verdict

_EXPORTS = {
    "Anchor": "models",
    "Cache": "cache",
    "Certainty": "vocabulary",
    "Claim": "models",
    "ConfigError": "errors",
    "Corpus": "models",
    "Derivation": "grading",
    "Document": "models",
    "Evidence": "models",
    "Finding": "findings",
    "Limits": "limits",
    "LoadError": "errors",
    "MassageEvidenceError": "errors",
    "OutputError": "errors",
    "Reference": "models",
    "RenderError": "errors",
    "Severity": "findings",
    "Stance": "vocabulary",
    "Study": "models",
    "Verdict": "vocabulary",
    "check": "validation",
    "derive_certainty": "grading",
    "load": "loading",
    "render": "rendering",
    "validate": "validation",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'massage_evidence' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
