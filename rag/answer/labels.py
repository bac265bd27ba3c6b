"""Where an excerpt stands, in one wording for answers, sources, briefings and the CLI."""
from __future__ import annotations

from ..domain import Chunk


def speaker_label(chunk: Chunk) -> str:
    """「今竹大祐（議長）」, 「北村経夫」, or "" when the minutes name no speaker."""
    if not chunk.speaker:
        return chunk.role or ""
    return f"{chunk.speaker}（{chunk.role}）" if chunk.role else chunk.speaker


def location_label(chunk: Chunk, with_meeting: bool = False, page: bool = False) -> str:
    """Where an excerpt stands: meeting (optional), section, speaker or organisation, remark number
    (and page). The one wording for answers, source cards, briefings, evals and the CLI."""
    meeting = ""
    if with_meeting:
        meeting = f"{chunk.meeting}（{chunk.date}）" if chunk.date else chunk.meeting
    return where_label(chunk.section, chunk.speaker, chunk.role, chunk.organisation, chunk.remark_no,
                       chunk.page if page else None, meeting)


def where_label(section: str, speaker: str | None, role: str | None, organisation: str | None,
                remark_no: int | None, page: int | None = None, meeting: str = "") -> str:
    """「出席者意見開陳・防衛省・発言30」, 「今竹大祐（議長）・発言12・p.5」."""
    parts = [meeting] if meeting else []
    if section and not (speaker and section == "発言"):
        parts.append(section)
    who = (f"{speaker}（{role}）" if role else speaker) if speaker else (role or organisation)
    if who:
        parts.append(who)
    if remark_no is not None:
        parts.append(f"発言{remark_no}")
    if page is not None:
        parts.append(f"p.{page}")
    return "・".join(parts)
