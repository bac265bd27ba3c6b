"""Errors a user can act on.

The CLI and the app turn these into clean messages; any other exception is a
bug and is allowed to surface with its traceback.
"""
from __future__ import annotations


class RagError(Exception):
    """Base class: something the user can fix (input, configuration, state)."""


class InputError(RagError):
    """A minutes file (or other input) that cannot be used, named with the reason."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class ConfigError(RagError):
    """A setting in the environment that is invalid."""


class IndexMismatchError(RagError):
    """The index was built with another embedding model than the one configured."""


class StoreUnavailableError(RagError):
    """The vector store (e.g. a Chroma server) cannot be reached."""


class EmptyIndexError(RagError):
    """Nothing has been ingested yet."""


class DatasetError(RagError):
    """An evaluation dataset line that cannot be used, named with its line number."""


class IndexBusyError(RagError):
    """Another process is writing to the index (one writer at a time)."""


class LLMUnavailableError(RagError):
    """The configured LLM server (RAG_LLM_BASE_URL) cannot be reached."""
