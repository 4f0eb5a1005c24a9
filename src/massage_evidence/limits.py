"""Input limits that keep a hostile claims file from hanging or exhausting a CI runner.

Each limit has one setting name, used both on the command line (`--max-depth 100`) and
under `[tool.massage-evidence]` in pyproject.toml (`max-depth = 100`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import ConfigError, quoted

MAX_SAFE_DEPTH = 1000
"""The deepest nesting any setting may allow: libyaml 0.2.6 (in PyYAML 6.0.4) refuses
deeper nesting itself, and older releases build nested collections recursively and
overflow the C stack a few thousand levels down."""

SETTINGS = {
    "max-file-size": "max_file_bytes",
    "max-yaml-nodes": "max_yaml_nodes",
    "max-depth": "max_depth",
    "max-items": "max_items",
}
"""Setting name (command line and pyproject.toml) of each `Limits` field."""

_CEILINGS = {"max_depth": MAX_SAFE_DEPTH}


def raise_hint(setting: str, limit: int) -> str:
    """What an ME106 message ends with: how to allow more, if more is meant and allowed."""
    ceiling = _CEILINGS.get(SETTINGS[setting])
    if ceiling is not None and limit >= ceiling:
        return ""
    return f"; if that is meant, raise --{setting} (or {setting} under [tool.massage-evidence])"


_SIZE = re.compile(r"\s*([0-9]{1,30})\s*(B|KiB|MiB|GiB)?\s*", re.IGNORECASE)  # no size is longer
_UNITS = {"b": 1, "kib": 1024, "mib": 1024**2, "gib": 1024**3}


@dataclass(frozen=True, slots=True)
class Limits:
    """Ceilings on input size; anything over one is refused with an ME106 finding.

    Why: claims files arrive in pull requests from strangers. YAML aliases let one kilobyte
    stand for gigabytes, and deep nesting can overflow the parser's stack.

    Raises:
        ConfigError: a limit is not a whole number from 1 up (`max_depth` at most
            `MAX_SAFE_DEPTH`).
    """

    max_file_bytes: int = 128 * 1024 * 1024
    max_yaml_nodes: int = 1_000_000
    max_depth: int = 64
    max_items: int = 1_000_000

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            _checked(getattr(self, field.name), field.name, _CEILINGS.get(field.name))

    def override(self, settings: Mapping[str, object], origin: str = "") -> Limits:
        """A copy with some limits replaced, given by setting name (`max-file-size` takes
        a size such as "256MiB"); `origin` is put before a setting name in error
        messages, e.g. "--".

        Raises:
            ConfigError: a value that is not a valid limit, named as `origin` says.
        """
        changes: dict[str, int] = {}
        for name, value in settings.items():
            where = origin + name
            field = SETTINGS[name]
            number = parse_size(value, where) if field == "max_file_bytes" else value
            changes[field] = _checked(number, where, _CEILINGS.get(field))
        return dataclasses.replace(self, **changes)


def parse_size(value: object, where: str) -> object:
    """Bytes from a size such as 1048576, "512KiB", "128MiB" or "1GiB"; anything that is
    not a string is returned as it is, for the range check."""
    if not isinstance(value, str):
        return value
    match = _SIZE.fullmatch(value)
    if match is None:
        raise ConfigError(
            f"{where} must be a size in bytes, e.g. 1048576, 512KiB, 128MiB or 1GiB;"
            f" got {quoted(value)}"
        )
    return int(match.group(1)) * _UNITS[(match.group(2) or "b").lower()]


def _checked(value: object, where: str, ceiling: int | None) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= (ceiling or value):
        return value
    upper = f" up to {ceiling:,}" if ceiling is not None else ""
    raise ConfigError(f"{where} must be a whole number from 1{upper}; got {quoted(value)}")


DEFAULT_LIMITS = Limits()
