"""What the 会議一覧 and 検索 page tests share: an index of real minutes plus a hostile one, and the
check that minutes text renders inert (imported by tests/app/test_meetings_page.py and test_search_page.py)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import SEED, make_settings

CORPUS_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "corpus-dev"
DEV_FILES = ("ndl_api_meeting_s212_sangiin_plenary.xml", "kensakusystem_takasago_plenary_20230522.txt")
HOSTILE_NAME = "kikenshi-gikai-20230601.txt"
# A 会議録 whose place, agenda and remarks try Markdown links and images, raw HTML, Streamlit directives,
# math and bare URLs.
HOSTILE = """危険市議会 令和5年6月定例会 会議録（第1号）

令和5年6月1日（木曜日）
午前10時開会
場所　[議場](https://example.com/hall) ![](https://example.com/y.png) www.example.com

議事日程
日程第１　[会議録署名議員](https://example.com/sign)の指名について

○議長（山田太郎君）　ただいまから本日の会議を開きます。資料は[link](https://example.com)を御覧ください。
○１番（鈴木花子君）　説明資料として画像![](https://example.com/x.png)を添付しました。<img src=x onerror=alert(1)> **太字** $x^2$ :red[赤字] <a href="https://example.com">こちら</a> www.example.com 連絡先 someone@example.com
○議長（山田太郎君）　以上で本日の日程は全部終了しました。これをもって散会いたします。
"""


def build(tmp_path_factory) -> tuple[Path, Path]:
    """A data dir indexed with hash embeddings (keyword search and the catalog do not use the dense side):
    the bundled 議事要旨, two 会議録 from ../shared/corpus-dev, and the hostile 会議録."""
    from rag.index import MinutesIndex

    if not CORPUS_DEV.is_dir():
        pytest.skip("../shared/corpus-dev is not present")
    corpus = tmp_path_factory.mktemp("pages-corpus")
    shutil.copy(SEED, corpus / SEED.name)
    for name in DEV_FILES:
        shutil.copy(CORPUS_DEV / name, corpus / name)
    (corpus / HOSTILE_NAME).write_text(HOSTILE, encoding="utf-8")
    data = tmp_path_factory.mktemp("pages-data")
    report = MinutesIndex(make_settings(data, RAG_CORPUS_DIR=corpus, RAG_EMBEDDING_BACKEND="hash")).ingest([corpus])
    assert report.ok and len(report.added) == 4, report
    return data, corpus


def set_env(mp: pytest.MonkeyPatch, data: Path, corpus: Path) -> None:
    mp.setenv("RAG_DATA_DIR", str(data))
    mp.setenv("RAG_CORPUS_DIR", str(corpus))
    mp.setenv("RAG_EMBEDDING_BACKEND", "hash")
    for var in ("CHROMA_HOST", "RAG_EMBEDDING_MODEL", "RAG_COLLECTION", "RAG_TOP_K"):
        mp.delenv(var, raising=False)


def open_app(page: str | None = None, query_params: dict | None = None):
    """app.py (the real navigation) on ``page`` (e.g. "pages/1_会議一覧.py")."""
    from streamlit.testing.v1 import AppTest

    from conftest import ROOT

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.run()
    assert not app.exception, app.exception
    if page:
        app.switch_page(page)
        app.query_params.update(query_params or {})
        app.run()
        assert not app.exception, app.exception
    return app


def markdown_elements(app) -> list:
    return [*app.title, *app.header, *app.subheader, *app.markdown, *app.caption]


_BARE_URL = re.compile(r"https?://|www\.|@[A-Za-z0-9]")  # what GFM autolinks, even after a backslash


def assert_inert(app) -> int:
    """No rendered element makes a link or an image; returns how many elements show hostile text."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True})
    showing = 0
    for el in markdown_elements(app):
        value = el.value
        html = md.render(value)
        assert "<a " not in html and "<img" not in html, value
        if getattr(el.proto, "allow_html", False):  # only our own tags; the minutes are character references
            assert set(re.findall(r"<([a-z]+)", html)) <= {"div", "mark", "br", "p"}, value
        else:  # GitHub-flavoured Markdown (Streamlit's) would autolink a bare URL or address
            assert not _BARE_URL.search(value), value
        if "example" in value:
            showing += 1
    return showing
