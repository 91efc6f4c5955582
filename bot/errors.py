"""quotebot's own exceptions.

Every message is one sentence that names what is wrong and, where there is one, the command that
fixes it. Foreign errors (pydantic, FAISS, OS) are translated where they enter, ``raise ... from exc``.
"""

from __future__ import annotations

REBUILD_HINT = "run `quotebot index build`"


class QuotebotError(Exception):
    """Base class: a problem quotebot can explain to the person running it in one line."""


class ConfigError(QuotebotError):
    """A setting has a value quotebot cannot use."""


class CorpusError(QuotebotError):
    """The corpus directory or one of its files cannot be read.

    ``path`` and ``line`` say where, when the problem is in one file: the message then reads
    ``path:line: reason``, as compilers and linters write it.
    """

    def __init__(self, reason: str, *, path: str | None = None, line: int | None = None) -> None:
        self.reason = reason
        self.path = path
        self.line = line
        where = f"{path}:{line}: " if path and line else (f"{path}: " if path else "")
        super().__init__(where + reason)


class ModelError(QuotebotError):
    """The embedding model cannot be found or loaded."""


class IndexUnusableError(QuotebotError):
    """The index is missing, broken, or was built for something else."""


class IndexMissingError(IndexUnusableError):
    """No index has been built in the index directory."""


class IndexCorruptError(IndexUnusableError):
    """An index file is missing, truncated, or does not match the manifest."""


class IndexMismatchError(IndexUnusableError):
    """The index was built with another model, dimension or format."""


class IndexStaleError(IndexUnusableError):
    """The corpus has changed since the index was built."""


class IndexBuildError(QuotebotError):
    """The index could not be written; the previous index is untouched."""


class FeedbackError(QuotebotError):
    """Ratings cannot be stored: the data folder, the feedback database or the salt is unusable."""
