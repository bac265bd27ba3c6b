"""検索: keyword search with the matches highlighted in context, the chat's filters, 20 hits a page."""
import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)  # the project root, when run from pages/
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from rag.app.search_page import render  # noqa: E402

render()
