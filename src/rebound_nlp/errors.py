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
    "ReboundError",
    "UntrustedModelError",
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


class UntrustedModelError(ModelError, PermissionError):
    """A joblib model outside the package was loaded without ``trusted=True``."""
