"""A step list in an ``st.status`` box: a long job says which step it is on, not only that it runs.

Every step is listed from the start (○ to come, ◌ under way, ✓ done), so the first memo of a
session, which also loads the search model, shows where the time goes.
"""
from __future__ import annotations

import time
from typing import Sequence

import streamlit as st

_TODO = ":material/radio_button_unchecked:"
_DOING = ":material/progress_activity:"
_DONE = ":material/check_circle:"


class Steps:
    """``st.status`` holding the named steps; ``start(name)`` marks the earlier ones done."""

    def __init__(self, label: str, names: Sequence[str]) -> None:
        self.names = list(names)
        self.current = -1
        self.started = time.monotonic()
        self.status = st.status(label, expanded=True)
        self._list = self.status.empty()
        self._draw()

    def start(self, name: str) -> None:
        self.current = max(self.current, self.names.index(name))  # a step is never undone
        self._draw()

    def finish(self, label: str) -> None:
        """All steps done; the box closes to one line saying ``label`` and how long it took."""
        self.current = len(self.names)
        self._draw()
        self.status.update(label=f"{label}（{time.monotonic() - self.started:.1f}秒）", state="complete", expanded=False)

    def fail(self, label: str) -> None:
        self.status.update(label=label, state="error", expanded=True)

    def lines(self) -> list[str]:
        marks = [_DONE if i < self.current else _DOING if i == self.current else _TODO for i in range(len(self.names))]
        return [f"{mark} {name}" for mark, name in zip(marks, self.names)]

    def _draw(self) -> None:
        self._list.markdown("  \n".join(self.lines()))
