"""会議一覧: every indexed meeting (sortable, filterable) and one meeting's record and full text."""
import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)  # the project root, when run from pages/
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from rag.app.meetings_page import render  # noqa: E402

render()
