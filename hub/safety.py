"""Hostile input at the hub's edges: where to go after signing in, spreadsheet cells,
and how deep a JSON body may nest."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

# Characters that may stay as they are in a path or query; everything else
# (control characters, spaces, backslashes, non-ASCII) is percent-encoded.
_PATH_SAFE = "/%!$&'()*+,;=:@-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


def safe_next(target: str | None) -> str:
    """A path on this site to go to after signing in; "/" for anything else.

    Judged on the address a browser would follow: browsers drop tabs and line
    breaks from a URL and read "\\" as "/" (WHATWG URL standard), so "/\\t/evil" and
    "/\\\\evil" lead to another host. The answer is rebuilt from the parsed path and
    query, so nothing of the original string reaches the Location header unencoded.
    """
    if not target:
        return "/"
    followed = target.translate({9: None, 10: None, 13: None}).replace("\\", "/")
    parts = urlsplit(followed)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return "/"
    path = quote(parts.path, safe=_PATH_SAFE)
    built = urlunsplit(("", "", path, quote(parts.query, safe=_QUERY_SAFE), ""))
    again = urlsplit(built)
    if again.scheme or again.netloc or not again.path.startswith("/"):
        return "/"
    return built


# Excel, LibreOffice and Google Sheets read a cell starting with one of these as a
# formula (OWASP "CSV injection"); tab and carriage return can hide one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """A text cell that a spreadsheet shows as text: a leading "'" before a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_QUOTED = re.compile(rb'"[^"]*"')
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')


def too_deep(body: bytes, limit: int) -> bool:
    """Whether JSON text nests arrays and objects deeper than ``limit``.

    Read before parsing (the parser recurses). Escapes and then strings are dropped,
    and each round strips the innermost pairs of brackets: the rounds needed are the
    depth. All of it runs in C, so a night of batches does not notice. Malformed
    text is left for the parser to refuse.
    """
    text = _ESCAPE.sub(b"", body) if b"\\" in body else body
    brackets = _QUOTED.sub(b"", text.translate(None, _NOT_STRUCTURE)).replace(b'"', b"")
    for _ in range(limit + 1):
        inner = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if inner == brackets:
            return False
        brackets = inner
    return True
