"""Direct answers for the dpath lookups the CDK makes on every page and every record.

Why this module exists (issue #6, profile of a 100k-record read): the CDK's `DpathExtractor` finds
a page's records with `dpath.get(body, field_path)`, and dpath answers even a path of plain keys by
walking every value of the page (`segments.fold` over `segments.walk`): 45 ms per 3,000-record
page, the largest single cost of a read, paid by every stream of every provider. `AddFields` calls
`dpath.new` for every record (2.6 µs of its 3.9 µs). The manifest cannot pick another lookup: the
only alternative is a `CustomRecordExtractor`, and custom components would stop the manifest from
being imported into the Connector Builder. So the connector swaps in two functions that answer the
common case (a path of plain string keys through dicts) directly and hand every other call to dpath
unchanged. The manifest itself is untouched; run elsewhere (Connector Builder) it only runs slower.

Same results as dpath for JSON data. A path segment with a glob character (`*`, `?`, `[`), a
segment that is not a string, a list on the way, a missing key or a `creator` all take dpath's own
path. The one difference: dpath would raise ValueError where a dict holds both the key "1" and the
integer key 1 and the path says "1"; JSON objects only have string keys.
"""

from __future__ import annotations

from typing import Any

import dpath
import dpath.options

_GLOB_CHARS = frozenset("*?[")
_MISSING = object()
_PLAIN: dict[tuple[Any, ...], bool] = {}
_original_get = dpath.get
_original_new = dpath.new


def _plain(path: Any) -> bool:
    """A non-empty list or tuple of non-empty string keys with no glob characters."""
    kind = type(path)
    if kind is not list and kind is not tuple:
        return False
    # The CDK asks about the same few manifest paths for every record: remember the answers.
    try:
        key = tuple(path)
        return _PLAIN[key]
    except TypeError:  # an unhashable segment: certainly not a plain key
        return False
    except KeyError:
        pass
    plain = bool(path) and all(type(s) is str and s and _GLOB_CHARS.isdisjoint(s) for s in path)
    if len(_PLAIN) < 1024:
        _PLAIN[key] = plain
    return plain


def get(obj: Any, glob: Any, separator: str = "/", default: Any = _MISSING) -> Any:
    if _plain(glob) and dpath.options.ALLOW_EMPTY_STRING_KEYS:
        current = obj
        for segment in glob:
            if type(current) is not dict:
                break
            current = current.get(segment, _MISSING)
            if current is _MISSING:
                break
        else:
            return current
    if default is _MISSING:
        return _original_get(obj, glob, separator)
    return _original_get(obj, glob, separator, default=default)


def new(obj: Any, path: Any, value: Any, separator: str = "/", creator: Any = None) -> Any:
    if creator is None and type(obj) is dict and _plain(path):
        current = obj
        for segment in path[:-1]:
            current = current.get(segment, _MISSING)
            if type(current) is not dict:
                break
        else:
            current[path[-1]] = value
            return obj
    if creator is None:
        return _original_new(obj, path, value, separator)
    return _original_new(obj, path, value, separator, creator=creator)


def install() -> None:
    """Route dpath.get and dpath.new through the direct answers (the CDK calls them as dpath.get/new)."""
    dpath.get = get
    dpath.new = new
