"""A Japanese font for matplotlib charts, found on this machine; None when there is none.

Matplotlib's bundled DejaVu fonts have no Japanese glyphs (a Japanese title comes out as boxes),
so a chart is drawn in Japanese only when a font that has them is found: the memo's TrueType
candidates first (``RAG_MEMO_FONT`` is not consulted: it is for PDFs), then any font matplotlib
already knows by a Japanese family name. Callers fall back to English labels on None.
"""
from __future__ import annotations

import functools
from pathlib import Path

PROBE = "評価の指標、検索方式"  # glyphs a Japanese chart cannot do without
JAPANESE_FAMILIES = (
    "IPAexGothic", "IPAGothic", "IPAPGothic", "Noto Sans CJK JP", "Noto Sans JP", "Source Han Sans JP",
    "Source Han Sans", "TakaoPGothic", "VL PGothic", "Hiragino Sans", "Hiragino Kaku Gothic ProN",
    "Yu Gothic", "Meiryo", "MS Gothic",
)


@functools.cache
def japanese_family() -> str | None:
    """The family name of a usable Japanese font, registered with matplotlib (once per process)."""
    from matplotlib import font_manager

    from .memo_fonts import candidates

    paths = list(candidates())
    paths += [f.fname for name in JAPANESE_FAMILIES for f in font_manager.fontManager.ttflist if f.name == name]
    for path in dict.fromkeys(paths):
        if _has_glyphs(path):
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    return None


def _has_glyphs(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    if not Path(path).is_file():
        return False
    try:
        charmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):  # not a font FreeType can read
        return False
    return all(ord(ch) in charmap for ch in PROBE)
