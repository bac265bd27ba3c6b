"""The briefing memo as a PDF (A4), laid out from ``briefing._sections`` with reportlab.

The Japanese font is a TrueType file found on this machine (``rag.memo_fonts``)
and embedded, so the PDF reads the same everywhere and its text can be
extracted and searched. Lines wrap between any two characters (reportlab's CJK
wrapping); all text goes through ``escape`` because reportlab's Paragraph
reads markup, and the minutes' text must stay inert. Every page carries the
meeting (or topic) and the handling line at the top and 「n / N」 at the bottom.
"""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from .briefing import Briefing, MemoMeta, _sections, subject_line, written_line
from .memo_fonts import japanese_font


def render_pdf(b: Briefing, meta: MemoMeta) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    font = japanese_font(meta.font).name
    compact = bool(b.options.get("compact"))
    styles = _styles(font, compact)
    margin = (15 if compact else 20) * mm
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
        title=b.title, author=meta.author, subject=subject_line(b), creator=meta.author, lang="ja-JP",
        initialFontName=font,  # else every page names an unembedded Helvetica
    )

    def para(text: str, style: str, bullet: str | None = None) -> Paragraph:
        return Paragraph(escape(text), styles[style], bulletText=bullet)

    story = [para(b.title, "title"), para(written_line(b), "written")]
    if b.kind == "meeting":
        story.append(para(b.lead, "body"))
    for level, heading, body in _sections(b):
        story.append(para(heading, f"h{min(level - 1, 3)}"))
        for style, text in body:
            if style == "li":
                story.append(para(text, "li", "・"))
            elif style == "li2":
                story.append(para(text, "li2", "・"))
            else:
                story.append(para(text, "src" if style == "src" else "body"))
    doc.build(story, canvasmaker=_page_canvas(font, subject_line(b), meta.handling, margin))
    return buf.getvalue()


def _styles(font: str, compact: bool) -> dict:
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    body = 9 if compact else 10.5
    base = ParagraphStyle("body", fontName=font, fontSize=body, leading=body * (1.25 if compact else 1.45), wordWrap="CJK",
                          spaceAfter=1 if compact else 3, bulletFontName=font)
    heads = {"title": 13 if compact else 16, "h1": 10.5 if compact else 12.5, "h2": 9.5 if compact else 11,
             "h3": 9 if compact else 10.5}
    styles = {
        name: ParagraphStyle(name, parent=base, fontSize=size, leading=size * 1.35, keepWithNext=1,
                             spaceBefore=0 if name == "title" else (3 if compact else 10), spaceAfter=1 if compact else 4)
        for name, size in heads.items()
    }
    styles["body"] = base
    styles["written"] = ParagraphStyle("written", parent=base, alignment=TA_RIGHT)
    styles["li"] = ParagraphStyle("li", parent=base, leftIndent=body * 1.3, bulletIndent=0)
    styles["li2"] = ParagraphStyle("li2", parent=base, leftIndent=body * 2.6, bulletIndent=body * 1.3)
    styles["src"] = ParagraphStyle("src", parent=base, fontSize=body - 1, leading=(body - 1) * 1.25, spaceAfter=0)
    return styles


def _page_canvas(font: str, subject: str, handling: str, margin: float):
    """A canvas class that holds its pages back until the end, so each footer can say 「n / N」."""
    from reportlab.pdfgen import canvas

    class PageCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for state in self._held:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = self._pagesize
            self.saveState()
            self.setFont(font, 8)
            top = height - margin / 2
            self.drawString(margin, top, subject)
            if handling:
                self.setFont(font, 9)
                self.drawRightString(width - margin, top, handling)
                self.setFont(font, 8)
            self.drawCentredString(width / 2, margin / 2, f"{self.getPageNumber()} / {total}")
            self.restoreState()

    return PageCanvas
