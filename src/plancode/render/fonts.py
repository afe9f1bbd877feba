"""A CJK font for matplotlib, registered explicitly, so that Chinese task names never
render as tofu boxes.

matplotlib's default DejaVu Sans has no Chinese glyphs, and its font cache may predate a
font installed later, so discovery alone is not enough: the file is added to the font
manager by path. Fonts are looked for in this order:

1. the ``noto-cjk-sans-otc`` wheel, a dependency of plancode (any machine with pip);
2. Debian's ``fonts-noto-cjk`` (``/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc``).

Only :mod:`plancode.render.draw` calls this; importing this module costs nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

#: The face to use. The ``.ttc`` holds one face per region, and its first one is
#: Japanese: naming the Simplified Chinese face picks the glyph forms readers expect.
CJK_FAMILY = "Noto Sans CJK SC"

#: Latin text, digits and symbols come from DejaVu (matplotlib's own, always present);
#: every glyph it lacks falls back to the CJK face, per glyph and without a warning.
LATIN_FAMILY = "DejaVu Sans"

DEBIAN_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf"),
)

#: A character every usable font must have: 中 (U+4E2D).
_PROBE = ord("中")


class FontError(Exception):
    """No usable CJK font: charts with Chinese text cannot be drawn without tofu.

    ``plancode build`` turns this into a message (and exit code) instead of a traceback.
    """


def candidates() -> list[Path]:
    """Font files to try, best first (files that do not exist are skipped later)."""
    found: list[Path] = []
    try:
        import noto_cjk_sans_otc  # the wheel: a path, and no import cost beyond that

        found.append(Path(noto_cjk_sans_otc.FONT_PATH))
    except (ImportError, AttributeError):
        pass
    found.extend(DEBIAN_FONTS)
    return found


def find_cjk_font(paths: Iterable[Path] | None = None) -> Path:
    """The first file among ``paths`` (default: :func:`candidates`) that exists and has
    Chinese glyphs. Raises :class:`FontError` naming what was tried."""
    from matplotlib import ft2font

    tried = list(candidates() if paths is None else paths)
    for path in tried:
        if not path.is_file():
            continue
        try:
            font = ft2font.FT2Font(str(path))
        except (OSError, RuntimeError, ValueError):
            continue  # not a font file FreeType can read
        if font.get_char_index(_PROBE):
            return path
    raise FontError(
        "no font with Chinese glyphs was found for the charts (tried: "
        + (", ".join(str(p) for p in tried) or "nothing")
        + "); reinstall plancode so that its dependency noto-cjk-sans-otc is present, "
        "or install Debian's fonts-noto-cjk"
    )


_registered: dict[Path, str] = {}


def register_cjk_font(paths: Iterable[Path] | None = None) -> str:
    """Add the CJK font to matplotlib's font manager and return the family name to put
    after :data:`LATIN_FAMILY` in ``rcParams["font.family"]``.

    Idempotent: the font manager is global, so a font is added once per process.
    """
    from matplotlib import font_manager

    path = find_cjk_font(paths)
    if path in _registered:
        return _registered[path]
    manager = font_manager.fontManager
    # The same family names may already be known from the system's fonts (Debian's
    # fonts-noto-cjk): matplotlib would then pick either file by its own scoring, and the
    # charts would differ between machines. Every face of another file under a name that
    # this file provides is forgotten, so the names resolve to this file alone
    # (addfont clears findfont's cache).
    provided = _face_names(path)
    manager.ttflist = [f for f in manager.ttflist if f.name not in provided or Path(f.fname) == path]
    manager.addfont(str(path))
    # matplotlib ≥ 3.10 registers every face of a collection; older ones register only
    # the first (Japanese) face. Both render Chinese; prefer SC when it is there.
    names = sorted({f.name for f in font_manager.fontManager.ttflist if Path(f.fname) == path})
    if CJK_FAMILY in names:
        family = CJK_FAMILY
    elif names:
        family = next((n for n in names if "Mono" not in n), names[0])
    else:  # pragma: no cover - addfont succeeded but registered nothing: a broken install
        raise FontError(f"matplotlib could not read a font face from {path}")
    _registered[path] = family
    return family


def _face_names(path: Path) -> set[str]:
    """The family names of every face of a font file (a .ttc holds several)."""
    from matplotlib import ft2font

    first = ft2font.FT2Font(str(path))
    names = {first.family_name}
    for index in range(1, getattr(first, "num_faces", 1)):
        names.add(ft2font.FT2Font(str(path), face_index=index).family_name)
    return names


def font_family(paths: Iterable[Path] | None = None) -> list[str]:
    """The ``rcParams["font.family"]`` fallback chain: DejaVu Sans, then the CJK face."""
    return [LATIN_FAMILY, register_cjk_font(paths)]
