"""評価: run a question set (evals/*.jsonl or an upload) and see recall, citations and abstention."""
import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)  # the project root, when run from pages/
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from rag.app.eval_page import render  # noqa: E402

render()
