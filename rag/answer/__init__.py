"""The answer pipeline: evidence → gate → draft → verify.

- ``evidence``: retrieved hits and record lines of the resolved meeting, numbered;
- ``gate``: answerable or not (calibrated signals + named guards), a structured abstention;
- writers (``extractive``, ``llm``): a ``Draft`` of claims citing evidence numbers;
- ``verify``: the only place citations are numbered and checked against the stored text.
"""
from __future__ import annotations

from typing import Protocol, Sequence

from ..domain import Draft, Evidence


class Writer(Protocol):
    """Drafts an answer from numbered evidence only; the verifier decides what is shown."""

    name: str

    def draft(self, question: str, evidence: Sequence[Evidence], japanese: bool) -> Draft: ...
