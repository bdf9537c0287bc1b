"""Errors whose message is shown to the user as is (one clear sentence)."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: the message is meant for the person using the assistant."""


class InvalidQuestionError(AssistantError, ValueError):
    """The question is empty, too long or not text."""


class IngestError(AssistantError):
    """A document could not be read or stored; nothing was written for it."""


class UnsupportedFileError(IngestError):
    """The file type, encoding or content cannot be ingested."""


class RefusedFilesError(IngestError):
    """Some files of an ingest were refused (one line each, the message); the others were
    ingested: ``report`` says what was written."""

    def __init__(self, message: str, report: object = None) -> None:
        super().__init__(message)
        self.report = report


class EmptyCorpusError(IngestError):
    """The paths given hold no ingestible document."""


class StoreError(AssistantError):
    """The vector store is missing, empty or unreachable."""


class DamagedStoreError(StoreError):
    """The store's database or vector index cannot be used; rebuilding it from the documents
    repairs it."""


class MissingStoreError(StoreError):
    """No store where one was named: nothing ingested there yet."""


class ReadOnlyStoreError(StoreError):
    """A store this process may not write to (Chroma writes even to answer)."""


class ConfigError(AssistantError, ValueError):
    """A setting has a value the assistant cannot use."""


class LLMServerError(AssistantError):
    """The LLM server of ``--mode llm`` could not be reached or failed. ``answer`` is the
    extractive answer to the same question when there is one (the UI still shows it)."""

    def __init__(self, message: str, answer: object = None) -> None:
        super().__init__(message)
        self.answer = answer
