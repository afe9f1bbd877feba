"""The compiled templates' cache is keyed by plancode's code, not only by the template text:
the compiled code holds the environment's options (``finalize``, autoescaping), which live in
Python, so a template compiled by an earlier plancode must never run in a later one."""

from __future__ import annotations

from pathlib import Path

from plancode.check_cache import code_fingerprint
from plancode.render.templates_cache import bytecode_cache


def test_compiled_templates_of_another_plancode_are_neither_used_nor_kept():
    folder = Path(bytecode_cache().directory)
    stale = [folder / f"__jinja2_{'0' * 16}_{letter * 40}.cache" for letter in "ab"]
    for path in stale:
        path.write_bytes(b"compiled by another plancode")
    cache = bytecode_cache()
    assert not [path.name for path in stale if path.exists()]
    # what this plancode compiles is filed under its own fingerprint
    assert cache.pattern == f"__jinja2_{code_fingerprint()[:16]}_%s.cache"

