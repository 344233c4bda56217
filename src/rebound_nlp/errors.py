"""The exception hierarchy of rebound_nlp.

Every error the library raises on purpose derives from :class:`ReboundError`
and from the builtin it resembles, so ``except ValueError`` keeps working.
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "DocError",
    "MailboxError",
    "MissingDependencyError",
    "ModelError",
    "ModelIntegrityError",
    "ModelVersionError",
    "OutputError",
    "ReboundError",
    "TableError",
    "UntrustedModelError",
    "WriteError",
]


class ReboundError(Exception):
    """Base class of every error raised by rebound_nlp."""


class DataError(ReboundError, ValueError):
    """Labelled data that does not follow the corpus schema."""


class DocError(ReboundError, ValueError):
    """A spaCy Doc that rebound_nlp's own pipeline did not make, so the model cannot read it."""


class MailboxError(ReboundError, ValueError):
    """A path that is not a mailbox rebound_nlp can read."""


class MissingDependencyError(ReboundError, ImportError):
    """An optional dependency needed for this call is not installed."""


class ModelError(ReboundError, RuntimeError):
    """A model directory that cannot be loaded."""


class ModelIntegrityError(ModelError):
    """A model file is missing or differs from the sha256 in its manifest."""


class ModelVersionError(ModelError):
    """A model written by a format or library version this install cannot read."""


class TableError(ReboundError, ValueError):
    """A table that lacks the columns a call needs (an older or hand-made table)."""


class UntrustedModelError(ModelError, PermissionError):
    """A joblib model outside the package was loaded without ``trusted=True``."""


class OutputError(ReboundError, ValueError):
    """An output path rebound_nlp will not write: an unknown file type, a folder
    that is missing or not writable, or something in the way that is not ours."""


class WriteError(ReboundError, OSError):
    """Writing an output failed part-way (disk full, a file-size limit); what was
    at the path before is left as it was."""
