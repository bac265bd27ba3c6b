"""ブリーフィング: a sourced memo on a meeting or a topic, with Markdown / DOCX / JSON downloads."""
import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)  # the project root, when run from pages/
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from rag.app.briefing_page import render  # noqa: E402

render()
