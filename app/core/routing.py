"""URL converters: path ids are bounded like every other integer the API accepts."""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, PathConverter

from app.core.validation import MAX_ID


def positive_up_to(maximum: int) -> str:
    """A regex matching exactly the decimal numbers 1..maximum (no sign, no leading zero)."""
    digits = str(maximum)
    alternatives = [rf"[1-9]\d{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(digit) > low:
            rest = len(digits) - i - 1
            alternatives.append(f"{digits[:i]}[{low}-{int(digit) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    alternatives.append(digits)
    return "(?:" + "|".join(alternatives) + ")"


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: 1 to MAX_ID, so an out-of-range id is an ordinary 404.

    The range is in the regex rather than in `min`/`max`: Werkzeug's matcher reports a
    wrong 405 when a converter rejects a value after its regex matched.
    """

    regex = positive_up_to(MAX_ID)


class PagePathConverter(PathConverter):
    """A dashboard page's path: anything but the API's, Socket.IO's and the static trees' prefixes,
    so the single-page app's catch-all never answers (or sets `Allow` for) an API URL."""

    regex = r"(?!(?:api|socket\.io|widget|assets)(?:/|$))[^/].*?"


def init_app(app: Flask) -> None:
    """Register the converters; call before any blueprint is registered."""
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["page"] = PagePathConverter
