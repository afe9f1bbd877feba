"""Simplified Chinese (zh-CN) from the catalogue's Traditional text, by OpenCC.

OpenCC (``opencc``, the project's official Python bindings, Apache-2.0, a binary wheel)
converts with its ``t2s`` tables, then :data:`plancode.i18n.MAINLAND_TERMS` replaces the
few Taiwanese words. Conversion happens at run time, one template at a time, because the
catalogue is open: rule modules and commands register their own sentences.

Importing OpenCC and loading its tables costs 40-90 ms, too much for ``plancode check``
under pre-commit; so the conversions are remembered in a small file beside the check
cache (``$XDG_CACHE_HOME/plancode/zh-CN.marshal``) and OpenCC is imported only for a
template that file does not hold yet. A damaged or missing memo is only a slower run.
"""

from __future__ import annotations

import atexit
import marshal
import os
from pathlib import Path

FORMAT = 2  # bump when MAINLAND_TERMS or the conversion changes: old memos are then ignored

_memo: dict[str, str] | None = None
_new: dict[str, str] = {}
_converter = None


def memo_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "plancode" / f"zh-CN-{FORMAT}.marshal"


def _load() -> dict[str, str]:
    global _memo
    if _memo is None:
        try:
            data = marshal.loads(memo_path().read_bytes())
            _memo = data if isinstance(data, dict) else {}
        except (OSError, ValueError, EOFError, TypeError):
            _memo = {}
    return _memo


def forget_memo() -> None:
    """Read the memo file again at the next conversion (tests, a long-lived process)."""
    global _memo
    _memo = None


def convert(text: str) -> str:
    """``t2s`` then the mainland terms, without any memo (tests compare against this)."""
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("t2s")
    from .i18n import MAINLAND_TERMS

    result = _converter.convert(text)
    for taiwanese, mainland in MAINLAND_TERMS.items():
        result = result.replace(taiwanese, mainland)
    return result


def to_simplified(text: str) -> str:
    """``text`` (plancode's own Traditional Chinese) in Simplified characters."""
    memo = _load()
    found = memo.get(text)
    if found is None:
        found = memo[text] = _new[text] = convert(text)
        if len(_new) == 1:
            atexit.register(_save)
    return found


def _save() -> None:
    """Write the memo back when this run converted something new (atomically: a
    concurrent run's file is replaced whole, never mixed)."""
    if not _new:
        return
    import tempfile

    path = memo_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            current = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            current = {}
        merged = {**(current if isinstance(current, dict) else {}), **_new}
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".zh-CN-")
        with os.fdopen(fd, "wb") as out:
            out.write(marshal.dumps(merged))
        os.replace(temp, path)
        _new.clear()
    except OSError:
        pass
