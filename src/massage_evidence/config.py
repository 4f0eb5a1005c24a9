"""Configuration from `[tool.massage-evidence]` in the nearest pyproject.toml.

Keys: `claims` (path of the claims file, relative to the pyproject.toml), `select`,
`ignore` (lists of codes, prefixes or names), `strict` (boolean), the input limits
`max-file-size` (bytes, or a size such as "256MiB"), `max-yaml-nodes`, `max-depth` and
`max-items`, and `allow-outside-root` (boolean). Options on the command line win over
the file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .findings import did_you_mean
from .limits import DEFAULT_LIMITS, SETTINGS, Limits
from .validation import Selection

_TABLE = "massage-evidence"
_KEYS = ("claims", "select", "ignore", "strict", *SETTINGS, "allow-outside-root")


@dataclass(frozen=True, slots=True)
class Config:
    """Settings read from a pyproject.toml, or the defaults when there is none."""

    source: Path | None = None
    claims: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    strict: bool = False
    limits: Limits = DEFAULT_LIMITS
    allow_outside_root: bool = False


def find_config(start: Path) -> Config:
    """The settings of the nearest pyproject.toml at or above `start` that has a
    `[tool.massage-evidence]` table.

    Raises:
        ConfigError: the table has an unknown key or a value of the wrong type, or a
            pyproject.toml cannot be read.
    """
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / "pyproject.toml"
        try:
            found = candidate.is_file()
        except OSError as error:  # a folder that cannot be searched
            raise ConfigError(f"{candidate}: cannot read it: {error.strerror}") from None
        if found:
            table = _table(candidate)
            if table is not None:
                return _parse(candidate, table)
    return Config()


def _table(path: Path) -> dict[str, Any] | None:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read it: {error}") from None
    except ValueError:  # tomllib's only other one: Python refuses to read the number
        raise ConfigError(f"{path}: cannot read it: a number is too long to read") from None
    except RecursionError:
        raise ConfigError(
            f"{path}: cannot read it: arrays or inline tables nested too deep"
        ) from None
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: 'tool' must be a table")
    table = tool.get(_TABLE)
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: 'tool.{_TABLE}' must be a table, [tool.{_TABLE}]")
    return table


def _parse(path: Path, table: dict[str, Any]) -> Config:
    where = f"{path} [tool.{_TABLE}]"
    for key in table:
        if key not in _KEYS:
            hint = did_you_mean(key, _KEYS) or f" (known: {', '.join(_KEYS)})"
            raise ConfigError(f"{where}: unknown key {key!r}{hint}")
    claims = table.get("claims")
    if claims is not None and not isinstance(claims, str):
        raise ConfigError(f"{where}: 'claims' must be a path")
    select, ignore = _codes(table, "select", where), _codes(table, "ignore", where)
    Selection.of(select, ignore, origin=f"{where} ")  # unknown codes fail here, located
    limits = {name: table[name] for name in SETTINGS if name in table}
    return Config(
        source=path,
        claims=path.parent / claims if claims is not None else None,
        select=select,
        ignore=ignore,
        strict=_flag(table, "strict", where),
        limits=DEFAULT_LIMITS.override(limits, origin=f"{where} "),
        allow_outside_root=_flag(table, "allow-outside-root", where),
    )


def _flag(table: dict[str, Any], key: str, where: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key!r} must be true or false")
    return value


def _codes(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: {key!r} must be a list of rule codes or names")
    return tuple(value)
