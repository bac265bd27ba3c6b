"""A conversation as a Word document: the same content as ``presentation.conversation_markdown``.

Staff paste conversations into memos and mail, and Word is what they open; the text is
the Markdown export's, so both always agree (each answer, its numbered sources with
offsets, and the verbatim excerpts).
"""
from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from .presentation import Exchange


def conversation_docx(
    exchanges: Sequence["Exchange"], title: str = "議事要旨アシスタント 会話記録", author: str = "議事要旨アシスタント",
) -> bytes:
    """The conversation as DOCX bytes (A4, Japanese fonts named for Word, author and date set)."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    from .presentation import one_line

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Quote", "List Bullet"):
        rpr = doc.styles[name].element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), "MS Mincho" if name in ("Normal", "Quote", "List Bullet") else "MS Gothic")
    doc.styles["Normal"].font.size = Pt(10.5)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.created = props.modified = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    props.subject = "議事録からの抜粋（出典付き）"

    doc.add_heading(title, level=0)
    today = dt.date.today()
    doc.add_paragraph(f"作成日: {today.year}年{today.month}月{today.day}日")
    for i, ex in enumerate(exchanges, start=1):
        doc.add_heading(f"{i}. {one_line(ex.question)}", level=1)
        if ex.query != ex.question:
            doc.add_paragraph(f"検索した質問: {ex.query}")
        if ex.filters_text:
            doc.add_paragraph(f"絞り込み: {ex.filters_text}")
        doc.add_heading("回答", level=2)
        for line in ex.answer.text.split("\n"):
            if line.startswith("- "):
                doc.add_paragraph(line[2:], style="List Bullet")
            elif line.strip():
                doc.add_paragraph(line)
        if ex.sources:
            doc.add_heading("出典", level=2)
            for s in ex.sources:
                doc.add_paragraph(f"[{s.n}] {s.meeting} ／ {s.date_label} ／ {s.where()} — {s.file_name}［{s.start}–{s.end}文字目］")
                doc.add_paragraph(one_line(s.excerpt), style="Quote")
        elif ex.answer.abstained:
            doc.add_paragraph("出典: なし（議事要旨に該当する記載がないため）")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
