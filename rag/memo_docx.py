"""The briefing memo as a Word document (A4), laid out from ``briefing._sections``.

Besides the memo itself the file says who wrote it and when (core properties:
title, author from ``RAG_MEMO_AUTHOR``, created/modified now, language ja-JP —
python-docx's template would otherwise claim "python-docx" and 2013), and
carries what a printed memo needs on every page: a header with the meeting
(or topic) and the handling line (``RAG_MEMO_HANDLING``, 「取扱注意」…), and a
footer with 「n / N」 page numbers as PAGE/NUMPAGES fields that Word and
LibreOffice fill in.
"""
from __future__ import annotations

import datetime as dt
import io

from .briefing import Briefing, MemoMeta, _sections, subject_line, written_line

LANGUAGE = "ja-JP"


def render_docx(b: Briefing, meta: MemoMeta) -> bytes:
    """Title, Heading 1–3 for sections, themes and organisations, bullets, and the numbered sources as plain
    "[n] …" paragraphs (so the numbers always match the markers)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    compact = bool(b.options.get("compact"))
    doc = Document()
    _page(doc, compact)
    _styles(doc, compact)
    _properties(doc, b, meta)
    _header_footer(doc, b, meta, compact)

    doc.add_heading(b.title, level=0)
    written = doc.add_paragraph(written_line(b))
    written.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if b.kind == "meeting":
        doc.add_paragraph(b.lead)
    for level, heading, body in _sections(b):
        doc.add_heading(heading, level=level - 1)
        for style, text in body:
            if style == "li":
                doc.add_paragraph(text, style="List Bullet")
            elif style == "li2":
                doc.add_paragraph(text, style="List Bullet 2")
            else:  # paragraphs and numbered sources ("[n] …")
                doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _page(doc, compact: bool) -> None:
    from docx.shared import Mm

    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    margin = Mm(15 if compact else 20)
    section.top_margin = section.bottom_margin = section.left_margin = section.right_margin = margin
    section.header_distance = section.footer_distance = Mm(7 if compact else 10)


def _styles(doc, compact: bool) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    body_pt = 9 if compact else 10.5
    sizes = {"Title": 13 if compact else 16, "Heading 1": 10.5 if compact else 12.5,
             "Heading 2": 9.5 if compact else 11, "Heading 3": 9 if compact else 10.5}
    for name in ("Normal", "List Bullet", "List Bullet 2", "Header", "Footer", *sizes):
        style = doc.styles[name]
        style.font.size = Pt(sizes.get(name, 8 if name in ("Header", "Footer") else body_pt))
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), "MS Gothic" if name in sizes else "MS Mincho")
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = rpr.makeelement(qn("w:lang"), {})
            rpr.append(lang)
        lang.set(qn("w:eastAsia"), LANGUAGE)
        fmt = style.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if name in sizes:
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.font.bold = True
            fmt.space_before = Pt(0 if name == "Title" else (4 if compact else 10))
            fmt.space_after = Pt(2 if compact else 4)
        else:
            fmt.space_before = Pt(0)
            fmt.space_after = Pt(1 if compact else 3)


def _properties(doc, b: Briefing, meta: MemoMeta) -> None:
    """Core properties: python-docx writes datetimes as UTC ("…Z") whatever their zone, so convert first."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    props = doc.core_properties
    when = b.created_at.astimezone(dt.UTC)
    props.title = b.title
    props.subject = f"{subject_line(b)} 議事要旨からの抜粋（出典付き）"
    props.author = props.last_modified_by = meta.author
    props.created = props.modified = when
    props.language = LANGUAGE
    props.comments = ""
    props.keywords = "ブリーフィング・メモ; 議事要旨"
    props.category = meta.handling
    props.revision = 1
    package = doc.part.package  # the template's thumbnail shows an empty page: drop it
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rid]


def _header_footer(doc, b: Briefing, meta: MemoMeta, compact: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT

    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.style = doc.styles["Header"]
    tabs = doc.styles["Header"].paragraph_format.tab_stops
    tabs.clear_all()  # the template's stops are for US Letter; the handling line goes flush right on A4
    tabs.add_tab_stop(section.page_width - section.left_margin - section.right_margin, WD_TAB_ALIGNMENT.RIGHT)
    head.add_run(subject_line(b))
    if meta.handling:
        head.add_run("\t")
        head.add_run(meta.handling).bold = True
    foot = section.footer.paragraphs[0]
    foot.style = doc.styles["Footer"]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(foot, "PAGE")
    foot.add_run(" / ")
    _field(foot, "NUMPAGES")


def _field(paragraph, code: str) -> None:
    """A complex field (begin, instruction, separate, cached result "1", end), as Word writes it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str):
        run = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    paragraph.add_run()._r.append(instr)
    char("separate")
    paragraph.add_run("1")
    char("end")
