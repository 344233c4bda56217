"""rebound_nlp's email features as a scikit-learn transformer.

:class:`EmailVectorizer` turns emails into the TF-IDF matrix of the features
the shipped model's email heads read (:func:`rebound_nlp.features.email_features`:
words, word pairs, subject words, cue phrases with negation, cue pairs and a
few shape features), so that they can feed any scikit-learn estimator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from numbers import Integral
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.validation import check_is_fitted

from rebound_nlp.features import FeatureSet, email_features, feature_names

__all__ = ["EmailVectorizer", "email_feature_sets"]


def _body_and_subject(i: int, item: object) -> tuple[str, str]:
    if isinstance(item, str):
        return item, ""
    if isinstance(item, Mapping) and isinstance(item.get("body"), str):
        subject = item.get("subject")
        return item["body"], subject if isinstance(subject, str) else ""
    raise TypeError(f"email {i}: expected a str or a mapping with a str 'body' (and optional "
                    f"'subject'), got {type(item).__name__}.")


def email_feature_sets(emails: Any) -> list[FeatureSet]:
    """The email features of each email, parsed with rebound_nlp's pipeline.

    Parameters
    ----------
    emails : iterable of str or of mappings, or DataFrame
        Bodies; or records, or a DataFrame, with a ``body`` and an optional
        ``subject`` (a missing or non-str subject counts as empty).

    Returns
    -------
    list of FeatureSet
        One per email, in order.

    Examples
    --------
    >>> [fs] = email_feature_sets([{"subject": "Your application", "body": "We regret..."}])
    >>> [n for n in fs.names if n.startswith(("s:", "c:"))]
    ['s:your', 's:application', 'c:REGRET']
    """
    from rebound_nlp.nlp import make_docs

    if isinstance(emails, str):
        raise ValueError("Expected an iterable of emails, got one str; wrap it in a list.")
    if isinstance(emails, pd.DataFrame):
        emails = emails.to_dict("records")
    if not isinstance(emails, Iterable):
        raise TypeError(f"Expected an iterable of emails, got {type(emails).__name__}.")
    pairs = [_body_and_subject(i, item) for i, item in enumerate(emails)]
    docs = make_docs(body for body, _ in pairs)
    return [email_features(doc, subject) for doc, (_, subject) in zip(docs, pairs, strict=True)]


class EmailVectorizer(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """TF-IDF features of emails, as rebound_nlp's email heads see them.

    Each email is parsed with rebound_nlp's spaCy pipeline (built in each
    process, never pickled) and turned into the named features of
    :func:`rebound_nlp.features.email_features`; a
    :class:`~sklearn.feature_extraction.text.TfidfVectorizer` then weighs them.
    The defaults are those rebound_nlp trains its email heads with.

    Parameters
    ----------
    min_df : int or float, default 2
        Ignore features in fewer emails than this (a count, or a share when a float).
    max_df : int or float, default 1.0
        Ignore features in more emails than this (a count, or a share when a float).
    max_features : int, optional
        Keep only the most frequent features.
    sublinear_tf : bool, default True
        Use ``1 + log(tf)`` for feature counts.
    use_idf : bool, default True
        Weigh features by inverse document frequency.
    smooth_idf : bool, default True
        Add one to document frequencies, as if one email held every feature.
    norm : {"l2", "l1"} or None, default "l2"
        Normalise each row.

    Attributes
    ----------
    vectorizer_ : TfidfVectorizer
        The fitted vectorizer over feature names.
    vocabulary_ : dict of str to int
        Column of each feature name.

    Notes
    -----
    ``X`` is an iterable of email bodies (str), of records (mappings with a
    ``body`` and an optional ``subject``), or a DataFrame with those columns;
    ``transform`` returns a ``scipy.sparse`` CSR matrix of float64, one row
    per email.  Feature names start with ``w:`` (word), ``b:`` (word pair),
    ``s:`` (subject word), ``c:`` (cue phrase, ``~neg`` when negated), ``x:``
    (cue pair) or a shape prefix (``len:``, ``greet:``).

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from rebound_nlp.sklearn import EmailVectorizer
    >>> emails = ["Unfortunately we will not be moving forward with your application.",
    ...           "We regret to inform you that the position has been filled.",
    ...           "We would like to invite you to an interview next week.",
    ...           "Please pick a time for your interview with the team."]
    >>> pipe = make_pipeline(EmailVectorizer(min_df=1), LogisticRegression())
    >>> pipe.fit(emails, [1, 1, 0, 0]).predict(["We will not be moving forward."])
    array([1])
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "min_df": [Interval(RealNotInt, 0, 1, closed="both"),
                   Interval(Integral, 1, None, closed="left")],
        "max_df": [Interval(RealNotInt, 0, 1, closed="both"),
                   Interval(Integral, 1, None, closed="left")],
        "max_features": [Interval(Integral, 1, None, closed="left"), None],
        "sublinear_tf": ["boolean"],
        "use_idf": ["boolean"],
        "smooth_idf": ["boolean"],
        "norm": [StrOptions({"l1", "l2"}), None],
    }

    def __init__(
        self,
        *,
        min_df: float = 2,
        max_df: float = 1.0,
        max_features: int | None = None,
        sublinear_tf: bool = True,
        use_idf: bool = True,
        smooth_idf: bool = True,
        norm: str | None = "l2",
    ) -> None:
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.norm = norm

    def _new_vectorizer(self) -> TfidfVectorizer:
        return TfidfVectorizer(
            analyzer=feature_names, lowercase=False, min_df=self.min_df, max_df=self.max_df,
            max_features=self.max_features, sublinear_tf=self.sublinear_tf,
            use_idf=self.use_idf, smooth_idf=self.smooth_idf, norm=self.norm,
        )

    def _set_fitted(self, vectorizer: TfidfVectorizer) -> None:
        self.vectorizer_ = vectorizer
        self.vocabulary_: dict[str, int] = vectorizer.vocabulary_

    def fit(self, X: Any, y: Any = None) -> EmailVectorizer:  # noqa: N803
        """Learn the feature vocabulary and document frequencies of ``X``.

        Parameters
        ----------
        X : iterable of str or of mappings, or DataFrame
            The emails (see Notes of the class).
        y : ignored

        Returns
        -------
        EmailVectorizer
            ``self``, fitted.
        """
        self._validate_params()
        vectorizer = self._new_vectorizer()
        vectorizer.fit(email_feature_sets(X))
        self._set_fitted(vectorizer)
        return self

    def fit_transform(self, X: Any, y: Any = None, **fit_params: Any) -> Any:  # noqa: N803
        """Fit and transform, parsing each email once."""
        self._validate_params()
        vectorizer = self._new_vectorizer()
        matrix = vectorizer.fit_transform(email_feature_sets(X))
        self._set_fitted(vectorizer)
        return matrix

    def transform(self, X: Any) -> Any:  # noqa: N803
        """The TF-IDF matrix of ``X``: a CSR matrix, one row per email."""
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.transform(email_feature_sets(X))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The feature name of each column (an array of str)."""
        check_is_fitted(self, "vectorizer_")
        return np.asarray(self.vectorizer_.get_feature_names_out(), dtype=object)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        # Emails are strings, not a numeric 2-D array.
        tags.input_tags.string = True
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        return tags
