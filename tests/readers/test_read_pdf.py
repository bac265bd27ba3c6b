"""read_pdf on PDFs built here with reportlab's built-in Japanese CID font (no font files).

The fixture text is invented; it only mimics the verbatim 会議録 layout.
"""
from __future__ import annotations

import io
import os
import re

import pytest

from rag.errors import InputError
from rag.readers.pdf import read_pdf

pytest.importorskip("reportlab")
pytest.importorskip("pdfminer")

FONT = "HeiseiMin-W3"

TITLE = "令和5年10月20日　総務委員会会議録"
OPENING = "○委員長（山田太郎君）　ただいまから委員会を開会いたします。"
CONTINUED = "本日は、お手元に配付の日程により審査を行います。"
QUESTION = "○２２番（佐藤花子議員）　予算について質問いたします。"
ANSWER = "○財政課長（鈴木一郎君）　お答えいたします。"
FOOTER_1, FOOTER_2 = "－１－", "－２－"


def _canvas(buf, **kw):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return canvas.Canvas(buf, **kw)


def make_pdf(pages: list[list[tuple[float, float, str]]], **kw) -> bytes:
    """A PDF whose pages draw the given (x, y, text) strings, 10.5 pt, 18 pt line pitch like Word."""
    buf = io.BytesIO()
    c = _canvas(buf, **kw)
    for items in pages:
        c.setFont(FONT, 10.5)
        for x, y, s in items:
            c.drawString(x, y, s)
        c.showPage()
    c.save()
    return buf.getvalue()


def minutes_pdf(**kw) -> bytes:
    page1 = [
        (60, 800, TITLE),
        (60, 764, OPENING),  # after an empty line
        (70.5, 746, CONTINUED),  # indented by one character
        (290, 60, FOOTER_1),
    ]
    page2 = [(60, 800, QUESTION), (60, 782, ANSWER), (290, 60, FOOTER_2)]
    return make_pdf([page1, page2], **kw)


@pytest.fixture(scope="module")
def doc():
    return read_pdf(minutes_pdf(), "soumu-2023-10-20.pdf")


def test_text_keeps_the_lines_verbatim(doc):
    assert doc.source == "soumu-2023-10-20.pdf"
    assert doc.file_type == "pdf"
    lines = doc.text.split("\n")
    # pdfminer inserts no spaces between Japanese characters, keeps the 全角 space
    # glyph (U+3000) and the full-width digits/brackets as they are.
    for line in (TITLE, OPENING, CONTINUED, QUESTION, ANSWER):
        assert line in lines
    assert "\u3000" in doc.text
    assert doc.warnings == ()


def test_layout_of_the_stored_text(doc):
    # One text block per paragraph, a blank line between blocks (the empty line
    # under the title); page texts joined by one "\n"; the page-number footer is
    # not stored (the page is known: rag.readers.pagenumbers).
    page1, page2 = doc.text[: doc.pages[1][0] - 1], doc.text[doc.pages[1][0] :]
    assert page1 == TITLE + "\n\n" + OPENING + "\n" + CONTINUED
    assert page2 == QUESTION + "\n" + ANSWER
    assert doc.text[doc.pages[1][0] - 1] == "\n"
    assert "\f" not in doc.text and "\r" not in doc.text
    assert not re.search(r"[ \t\u3000]\n", doc.text), "no spaces at line ends"
    assert "\n\n\n\n" not in doc.text


def test_page_number_footers_are_not_stored_text(doc):
    # The CID font maps 「－」 (U+FF0D) to a glyph that pdfminer decodes as U+2212, so the
    # footer 「－１－」 is extracted as 「−１−」: neither form may reach the stored text.
    assert "−１−" not in doc.text and FOOTER_1 not in doc.text and FOOTER_2 not in doc.text


def test_pages_and_page_at(doc):
    assert [n for _, n in doc.pages] == [1, 2]
    assert doc.pages[0][0] == 0
    for start, _ in doc.pages:
        assert 0 <= start < len(doc.text)
    assert doc.text[doc.pages[1][0] :].startswith(QUESTION)

    for line, page in ((TITLE, 1), (OPENING, 1), (CONTINUED, 1), (QUESTION, 2), (ANSWER, 2)):
        start = doc.text.index(line)
        assert doc.page_at(start) == page, line
        assert doc.page_at(start + len(line) - 1) == page, line
    assert doc.page_at(len(doc.text) - 1) == 2
    assert doc.page_at(doc.pages[1][0] - 1) == 1  # the separator belongs to page 1


def test_letter_spaced_text_gets_no_spaces_between_characters():
    buf = io.BytesIO()
    c = _canvas(buf)
    text = c.beginText(60, 800)
    text.setFont(FONT, 10.5)
    text.setCharSpace(3)  # about 0.3 em between characters (字間)
    text.textLine("○委員長（山田太郎君）")
    c.drawText(text)
    c.showPage()
    c.save()
    assert read_pdf(buf.getvalue(), "spaced.pdf").text == "○委員長（山田太郎君）"


def test_wide_gap_on_one_baseline_stays_one_line():
    line = [(60, 800, "○委員長"), (60 + 8 * 10.5, 800, "それでは、質疑に入ります。")]  # a 4-character gap
    pdf = make_pdf([line + [(60, 782, "〔「異議なし」と呼ぶ者あり〕")]])
    text = read_pdf(pdf, "gap.pdf").text
    assert text.split("\n") == ["○委員長 それでは、質疑に入ります。", "〔「異議なし」と呼ぶ者あり〕"]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(os.urandom(4096), id="random-bytes"),
        pytest.param(b"", id="empty"),
        pytest.param("令和5年 会議録\n".encode() * 20, id="a-text-file"),
        pytest.param(minutes_pdf()[:1500], id="truncated"),
    ],
)
def test_unreadable_file_is_an_input_error(data):
    with pytest.raises(InputError) as info:
        read_pdf(data, "broken.pdf")
    assert info.value.source == "broken.pdf"
    assert "broken.pdf" in str(info.value)
    assert "cannot be read as a PDF" in info.value.problem


def test_pdf_without_text_is_an_input_error():
    buf = io.BytesIO()
    c = _canvas(buf)
    c.rect(100, 100, 300, 200, fill=1)  # what a scan looks like to pdfminer: no text
    c.showPage()
    c.save()
    with pytest.raises(InputError, match="no text layer") as info:
        read_pdf(buf.getvalue(), "scan.pdf")
    assert info.value.source == "scan.pdf"
    assert "OCR" in info.value.problem


def test_whitespace_only_text_is_an_input_error():
    pdf = make_pdf([[(60, 800, "　　　"), (60, 782, "   ")]])
    with pytest.raises(InputError, match="no text layer"):
        read_pdf(pdf, "blank.pdf")


def test_password_protected_pdf_is_an_input_error():
    pdf = minutes_pdf(encrypt="secret")  # user password "secret": cannot be opened without it
    with pytest.raises(InputError, match="password-protected") as info:
        read_pdf(pdf, "locked.pdf")
    assert info.value.source == "locked.pdf"


def test_no_pdfminer_exception_escapes_on_damaged_bodies():
    pdf = minutes_pdf()
    for cut in range(200, len(pdf), 400):
        damaged = pdf[:cut] + b"\x00garbage\x00" + pdf[cut + 9 :]
        try:
            read_pdf(damaged, "damaged.pdf")
        except InputError:
            pass
