"""JSON parsing with a nesting limit checked before parsing, and no NaN or Infinity.

Python's parser recurses once per level, so `[[[[…]]]]` a hundred thousand deep
ends in RecursionError; and it accepts `NaN`/`Infinity`, which no database
column or JavaScript client can take back. Both are client errors, refused here
for every request body (Flask's JSON provider) and every Socket.IO packet.
"""
from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from flask.json.provider import DefaultJSONProvider

from app.core.errors import BadRequest

MAX_JSON_DEPTH = 32
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JSONTooDeep(BadRequest):
    code = "json_too_deep"
    message = f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."


def nesting_depth(text: str) -> int:
    """How deep the arrays and objects of a JSON text nest (brackets inside strings do not count)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if len(brackets) <= 1:
        return len(brackets)
    return max(accumulate(_STEP[c] for c in brackets))


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def loads(data: str | bytes | bytearray, **kwargs: Any) -> Any:
    """json.loads, refusing texts nested deeper than MAX_JSON_DEPTH and NaN/Infinity."""
    if isinstance(data, (bytes, bytearray)):
        data = bytes(data).decode(json.detect_encoding(data), "surrogatepass")
    if nesting_depth(data) > MAX_JSON_DEPTH:
        raise JSONTooDeep()
    kwargs.setdefault("parse_constant", _refuse_constant)
    return json.loads(data, **kwargs)


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider with the limits above on everything it parses."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s, **kwargs)


class SocketJSON:
    """The `json` module python-socketio uses for packets, with the same limits.

    A refused packet raises ValueError, which the Socket.IO server treats as a
    malformed packet (dropped, never a handler crash).
    """

    dumps = staticmethod(json.dumps)

    @staticmethod
    def loads(data: str | bytes, **kwargs: Any) -> Any:
        try:
            return loads(data, **kwargs)
        except JSONTooDeep as error:
            raise ValueError(error.message) from None
