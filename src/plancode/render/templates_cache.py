"""Where compiled Jinja templates are kept: beside the package, as Python keeps its
``.pyc`` files, so that a build whose user caches were emptied (a "cold" build) does not
compile the templates again — compiling them is most of a small plan's build.

The templates are plancode's own code, not the user's data: their compiled form is keyed
by the template's name and source checksum (Jinja's ``FileSystemBytecodeCache``), so an
edited template is compiled again — and by plancode's code fingerprint, because the
compiled code also holds the environment's options (``finalize``, autoescaping, white
space), which live in Python: a template compiled before an upgrade that changed them
would otherwise go on running the old way. Files of other fingerprints are removed. A
package folder that cannot be written (a system install) falls back to the user's cache
folder, then to no cache at all.
"""

from __future__ import annotations

from pathlib import Path


def bytecode_cache(fallback: Path | None = None):
    """A Jinja bytecode cache: ``plancode/render/__pycache__/templates`` when it can be
    written, else ``fallback``, else None."""
    from jinja2 import FileSystemBytecodeCache

    from ..check_cache import code_fingerprint

    prefix = f"__jinja2_{code_fingerprint()[:16]}_"
    for folder in (Path(__file__).resolve().parent / "__pycache__" / "templates", fallback):
        if folder is None:
            continue
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".writable"
            probe.touch()
            for old in folder.glob("__jinja2_*.cache"):
                if not old.name.startswith(prefix):
                    old.unlink(missing_ok=True)
            return FileSystemBytecodeCache(str(folder), pattern=prefix + "%s.cache")
        except OSError:
            continue  # a cache that cannot be written only costs time
    return None
