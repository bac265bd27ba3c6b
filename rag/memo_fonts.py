"""A Japanese TrueType font for the PDF memo, found on this machine and registered with reportlab.

reportlab's built-in CID fonts (HeiseiMin…) are not embedded, so a reader
without them sees boxes; a TrueType font is embedded (subset, /FontFile2).
reportlab reads TrueType outlines only: .ttf, or a .ttc collection of TrueType
fonts (MS Gothic); OpenType CFF fonts (Noto Sans CJK .otf/.ttc, Source Han)
are tried and skipped. Order: ``RAG_MEMO_FONT``, known paths of Debian,
macOS and Windows fonts, then fontconfig's ``fc-list :lang=ja``.
"""
from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError

INSTALL_HINT = ("install a Japanese TrueType font, e.g. Debian's fonts-ipaexfont-gothic "
                "(apt-get install fonts-ipaexfont-gothic), or set RAG_MEMO_FONT to a .ttf/.ttc file")

KNOWN_FONTS = (
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",  # Debian fonts-ipaexfont-gothic
    "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",  # Debian's alternatives link
    "/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf",  # fonts-ipafont-gothic
    "/usr/share/fonts/truetype/takao-gothic/TakaoPGothic.ttf",
    "/usr/share/fonts/truetype/vlgothic/VL-PGothic-Regular.ttf",
    "/usr/share/fonts/ipa-gothic/ipag.ttf",  # Fedora
    "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-mincho.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "C:/Windows/Fonts/msgothic.ttc",
    "C:/Windows/Fonts/YuGothM.ttc",
    "C:/Windows/Fonts/meiryo.ttc",
)
PROBE = "議事要旨「」、。"  # glyphs a Japanese memo cannot do without


@dataclass(frozen=True)
class MemoFont:
    name: str  # as registered with reportlab
    path: str


def candidates(configured: str | None = None) -> list[str]:
    """Font files to try, in order (existing files only, no duplicates)."""
    paths = [configured] if configured else []
    paths += list(KNOWN_FONTS)
    fc = shutil.which("fc-list")
    if fc:
        try:
            listed = subprocess.run([fc, ":lang=ja", "file"], capture_output=True, text=True, timeout=10, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            listed = ""
        found = sorted(line.strip().rstrip(":") for line in listed.splitlines() if line.strip())
        paths += [p for p in found if p.lower().endswith((".ttf", ".ttc"))]
    return [p for p in dict.fromkeys(paths) if Path(p).is_file()]


@functools.cache
def japanese_font(configured: str | None = None) -> MemoFont:
    """The first usable font, registered with reportlab (once per process); ConfigError if there is none."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    configured = str(Path(configured).expanduser()) if configured else None
    if configured and not Path(configured).is_file():
        raise ConfigError(f"RAG_MEMO_FONT={configured!r}: no such font file; {INSTALL_HINT}")
    tried = []
    for path in candidates(configured):
        name = "MemoJP-" + Path(path).stem
        try:
            font = TTFont(name, path, subfontIndex=0)
        except (TTFError, OSError, ValueError, KeyError) as exc:  # CFF outlines, broken files
            tried.append(f"{path} ({exc})")
            continue
        if not all(ord(ch) in font.face.charToGlyph for ch in PROBE):
            tried.append(f"{path} (no Japanese glyphs)")
            continue
        pdfmetrics.registerFont(font)
        return MemoFont(name, path)
    if configured:
        raise ConfigError(f"RAG_MEMO_FONT={configured!r} cannot be used for PDF ({'; '.join(tried)}); {INSTALL_HINT}")
    raise ConfigError(f"PDF memos need a Japanese TrueType font and none was found; {INSTALL_HINT}")
