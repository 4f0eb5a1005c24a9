"""Input limits that keep a hostile claims file from hanging or exhausting a CI runner."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """Ceilings on input size; anything over one is refused with an ME106 finding.

    Why: claims files arrive in pull requests from strangers. YAML aliases let one kilobyte
    stand for gigabytes, and deep nesting can overflow the parser's stack.
    """

    max_file_bytes: int = 128 * 1024 * 1024
    max_yaml_nodes: int = 1_000_000
    max_depth: int = 64
    max_items: int = 1_000_000


DEFAULT_LIMITS = Limits()
