"""A small invented 会議録 and hand-built evidence over it, for writer/verifier tests (no index).

Chunks are cut from ``TEXT`` by offsets, so ``TEXT[chunk.start:chunk.end] == chunk.text``
holds exactly as for ingested minutes.
"""
from __future__ import annotations

from rag.domain import Chunk, Evidence

MEETING_ID = "midori-kankyo-3"
MEETING = "みどり市環境審議会 第3回"
TEXT = (
    "第3回 みどり市環境審議会 会議録\n"
    "日時：令和5年6月12日（月）午後2時00分～午後3時30分\n"
    "場所：みどり市役所 第2会議室\n"
    "\n"
    "○山田会長　ただいまから第3回みどり市環境審議会を開会します。本日は、ごみ減量計画の改定について御審議いただきます。\n"
    "○鈴木環境部長　ごみ減量計画では、令和10年度までに一人一日当たりの家庭ごみの排出量を500グラムに削減することを目標としています。"
    "そのため、生ごみの水切りと資源物の分別を重点的に進めます。\n"
    "○佐藤委員　家庭ごみの有料化については、市民から「説明が足りない」との声があります。\n"
    "有料化の前に、説明会を各地区で開催すべきです。\n"
    "○山田会長　本日の議論を踏まえ、事務局は次回までに改定案を作成してください。\n"
)

_SPEAKERS = {  # remark body (after the label's full-width space) -> (speaker, role, remark_no)
    "○山田会長　ただいま": ("山田", "会長", 1),
    "○鈴木環境部長　": ("鈴木", "環境部長", 2),
    "○佐藤委員　": ("佐藤", "委員", 3),
    "○山田会長　本日の議論": ("山田", "会長", 4),
}


def _chunk(body: str, kind: str, section: str, **extra) -> Chunk:
    start = TEXT.index(body)
    end = start + len(body)
    return Chunk(chunk_id=f"c{start}", text=TEXT[start:end], source="midori.txt", start=start, end=end,
                 meeting_id=MEETING_ID, meeting=MEETING, date="2023-06-12", section=section, kind=kind, **extra)


def _remark(label: str, until: str) -> Chunk:
    speaker, role, no = _SPEAKERS[label]
    a = TEXT.index(label) + len(label.split("　")[0]) + 1
    b = TEXT.index(until, a) + len(until)
    return _chunk(TEXT[a:b], "remark", "発言", speaker=speaker, role=role, remark_no=no)


HEADER = _chunk(TEXT[: TEXT.index("\n\n")], "header", "日時・場所")
OPENING = _remark("○山田会長　ただいま", "御審議いただきます。")
TARGET = _remark("○鈴木環境部長　", "重点的に進めます。")
BRIEFING = _remark("○佐藤委員　", "開催すべきです。")
CLOSING = _remark("○山田会長　本日の議論", "作成してください。")


def evidence(*chunks: Chunk) -> list[Evidence]:
    """Numbered evidence in the order given (1-based, as the pipeline numbers it)."""
    return [Evidence(n, c) for n, c in enumerate(chunks, start=1)]


def source_text(meeting_id: str) -> str | None:
    return TEXT if meeting_id == MEETING_ID else None
