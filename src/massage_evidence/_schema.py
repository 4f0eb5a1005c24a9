"""Schema violations: pydantic's errors as located, readable ME102 problems.

Why: pydantic says `('claims', 2, 'evidence', 0, 'stance')` and "Input should be …"; a user
needs the line, the field, what was expected and, for a typo, what was meant.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import types
import typing
from collections.abc import Mapping
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.dataclasses import is_pydantic_dataclass
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from .errors import quoted
from .findings import Location, Problem, did_you_mean
from .models import KEBAB_PATTERN, TEXT_PATTERN, Corpus, Locating

_YAML_TYPES = {
    "NoneType": "nothing (null)",
    "str": "text",
    "int": "a number",
    "float": "a number",
    "bool": "true/false",
    "dict": "a mapping",
    "list": "a list",
}


def schema_problems(error: ValidationError, locator: Locating, claims: object) -> list[Problem]:
    """One problem per pydantic error, at the line of the offending key or value, and
    with the id of the claim it is in where that claim (`claims`, as read) has one."""
    return [
        dataclasses.replace(problem, claim=_claim_id(detail["loc"], claims))
        for detail in error.errors(include_url=False)
        for problem in [_problem(detail, locator)]
    ]


def claim_at(where: Location, locator: Locating, data: object) -> str | None:
    """The id of the claim whose item in `claims` holds `where`, when it is a valid id.

    Why: a problem found while reading (a repeated key) knows only its place; the claim
    it is in tells a reader of a long file which one to open.
    """
    if not isinstance(data, dict) or where.line is None:
        return None
    claims = data.get("claims")
    if not isinstance(claims, list) or not claims:
        return None
    place = (where.line, where.column or 0)
    after = [_place(locator.locate(key, key=True)) for key in data if key != "claims"]
    if min((p for p in after if p > _place(locator.locate("claims"))), default=place) < place:
        return None  # in a top-level key written after the claims
    starts = [_place(locator.locate("claims", i)) for i in range(len(claims))]
    index = bisect.bisect_right(starts, place) - 1
    return _claim_id(("claims", index), claims) if index >= 0 else None


def _place(location: Location) -> tuple[int, int]:
    return location.line or 0, location.column or 0


def _claim_id(loc: tuple[int | str, ...], claims: object) -> str | None:
    """The id of the claim that `loc` is in, when it is a valid id."""
    if len(loc) < 2 or loc[0] != "claims" or not isinstance(loc[1], int):
        return None
    claim = claims[loc[1]] if isinstance(claims, list) and loc[1] < len(claims) else None
    found = claim.get("id") if isinstance(claim, dict) else None
    return found if isinstance(found, str) and re.fullmatch(KEBAB_PATTERN, found) else None


def _problem(detail: ErrorDetails, locator: Locating) -> Problem:
    loc = tuple(part for part in detail["loc"] if part != "[key]")
    kind = detail["type"]
    given = detail.get("input")
    where = _dotted(loc)
    if kind == "invalid_key" or (detail["loc"][-1:] == ("[key]",) and not isinstance(given, str)):
        return Problem(
            f"{_dotted(loc[:-1])}: a key must be text, got {_described(given)};"
            " write the key as text",
            locator.locate(*loc[:-1], str(given), key=True),  # the path has 1 for a key true
        )
    if kind == "missing":
        return Problem(
            f"{_dotted(loc[:-1])} is missing required field {loc[-1]!r}",
            locator.locate(*loc[:-1]),
        )
    if kind in {"extra_forbidden", "unexpected_keyword_argument"}:
        name = str(loc[-1])
        parent = loc[:-1]
        message = f"unknown field {name!r} in {_dotted(parent)}"
        return Problem(
            message + did_you_mean(name, _field_names(parent)), locator.locate(*loc, key=True)
        )
    at = locator.locate(*loc, key=detail["loc"][-1:] == ("[key]",))  # a key's error: at it
    if kind in {"model_type", "dataclass_type"}:
        if not loc and given is None:
            return Problem(
                "the claims file is empty; it needs at least 'version', 'title' and 'claims'", at
            )
        return Problem(f"{where} must be a mapping of fields, not {_described(given)}", at)
    if kind == "enum":
        choices = [member.value for member in _enum_at(loc) or ()]
        listed = ", ".join(repr(choice) for choice in choices)
        return Problem(
            f"{where}: {given!r} is not one of {listed}" + did_you_mean(str(given), choices), at
        )
    if kind == "string_pattern_mismatch" and detail.get("ctx", {}).get("pattern") == KEBAB_PATTERN:
        return Problem(
            f"{where}: {given!r} must be lowercase kebab-case (letters, digits and single"
            f" hyphens), e.g. {_kebab(str(given))!r}",
            at,
        )
    if kind == "string_pattern_mismatch" and detail.get("ctx", {}).get("pattern") == TEXT_PATTERN:
        return Problem(f"{where} is blank; give it text, not only whitespace", at)
    if kind == "int_parsing_size":  # more digits than Python reads
        return Problem(f"{where}: {quoted(given)} is too large a number", at)
    message = detail["msg"][:1].lower() + detail["msg"][1:]
    if kind.endswith("_type") or kind == "literal_error":
        message += f", got {_described(given)}"
    return Problem(f"{where}: {message}", at)


def _dotted(loc: tuple[int | str, ...]) -> str:
    """`claims[0].evidence`, as findings name a place; the root is "the claims file"."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the claims file"


def _yaml_type(value: Any) -> str:
    return _YAML_TYPES.get(type(value).__name__, type(value).__name__)


def _described(value: Any) -> str:
    """A YAML value as a message names it: its type, and a scalar's text."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str | int | float) and value != "":
        return f"{_yaml_type(value)} {value!r}"
    return _yaml_type(value)


def _kebab(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _annotation_at(loc: tuple[int | str, ...]) -> Any:
    """The type annotation that validates the value at `loc`, following models,
    sequences and mappings from `Corpus` down."""
    annotation: Any = Corpus
    for part in loc:
        annotation = _unwrap(annotation)
        fields = _fields_of(annotation)
        if fields is not None:
            field = fields.get(str(part))
            if field is None:
                return None
            annotation = field.annotation
        else:
            args = typing.get_args(annotation)
            origin = typing.get_origin(annotation)
            if origin in (tuple, list) and args:
                annotation = args[0]
            elif isinstance(origin, type) and issubclass(origin, Mapping | dict) and args:
                annotation = args[-1]
            else:
                return None
    return _unwrap(annotation)


def _unwrap(annotation: Any) -> Any:
    """Strip `X | None` and `Annotated[X, ...]` down to X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _fields_of(annotation: Any) -> dict[str, FieldInfo] | None:
    """The fields of a pydantic model or pydantic dataclass; None for any other type."""
    if isinstance(annotation, type) and (
        issubclass(annotation, BaseModel) or is_pydantic_dataclass(annotation)
    ):
        fields: dict[str, FieldInfo] = annotation.__pydantic_fields__
        return fields
    return None


def _field_names(loc: tuple[int | str, ...]) -> list[str]:
    return list(_fields_of(_annotation_at(loc)) or ())


def _enum_at(loc: tuple[int | str, ...]) -> type[Enum] | None:
    annotation = _annotation_at(loc)
    return annotation if isinstance(annotation, type) and issubclass(annotation, Enum) else None
