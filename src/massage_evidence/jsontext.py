"""JSON text as every command writes it: UTF-8, indented, one newline at the end.

Why not `json.dumps` alone: with `ensure_ascii=False` (so that names and quotes stay
readable) a path named with bytes that are not UTF-8, which Python holds as lone
surrogates, would be written as those bytes, and the file would not be UTF-8 JSON.
"""

from __future__ import annotations

import json
import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def json_text(data: object, *, indent: int | None = 2) -> str:
    """`data` as JSON ending in a newline; a lone surrogate is written as its `\\udcff`
    escape, which `json.load` turns back into the same string."""
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text) + "\n"
