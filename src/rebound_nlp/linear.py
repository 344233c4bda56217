"""Fitted TF-IDF + logistic-regression heads, evaluated with plain numpy.

scikit-learn's per-call input validation costs more than the arithmetic for
one email, so inference reads the fitted vectorizer and estimators once and
stacks their weights.  The results equal ``predict_proba`` of the estimators
(checked by the tests); training and saving still use the estimators.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import sparse

__all__ = ["LinearLayer"]


class LinearLayer:
    """Several logistic-regression heads over one TF-IDF vectorizer.

    Parameters
    ----------
    vectorizer : TfidfVectorizer
        Fitted, with ``norm="l2"``, ``use_idf=True`` and an analyzer over names.
    heads : mapping of str to LogisticRegression
        Fitted heads; binary heads must have classes ``[False, True]``.
    """

    def __init__(self, vectorizer: Any, heads: Mapping[str, Any]) -> None:
        self.vocabulary: dict[str, int] = dict(vectorizer.vocabulary_)
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.sublinear = bool(vectorizer.sublinear_tf)
        self.names = np.empty(len(self.vocabulary), dtype=object)
        for name, col in self.vocabulary.items():
            self.names[col] = name
        blocks, biases = [], []
        self.classes: dict[str, list[Any]] = {}
        self.columns: dict[str, slice] = {}
        at = 0
        for name, head in heads.items():
            coef = np.asarray(head.coef_, dtype=np.float64)
            blocks.append(coef.T)
            biases.append(np.asarray(head.intercept_, dtype=np.float64))
            self.classes[name] = list(head.classes_)
            self.columns[name] = slice(at, at + coef.shape[0])
            at += coef.shape[0]
        width = len(self.vocabulary)
        self.weights = np.hstack(blocks) if blocks else np.zeros((width, 0))
        self.bias = np.concatenate(biases) if biases else np.zeros(0)

    def vectorize(self, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and TF-IDF values of one item, as the vectorizer would give."""
        counts = Counter(self.vocabulary[n] for n in names if n in self.vocabulary)
        if not counts:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        cols = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if self.sublinear:
            tf = np.log(tf) + 1.0
        values = tf * self.idf[cols]
        values /= np.sqrt(values @ values)
        return cols, values

    def proba(self, cols: np.ndarray, values: np.ndarray) -> dict[str, np.ndarray]:
        """Class probabilities of every head, ordered as each head's ``classes``."""
        return {name: p[0] for name, p in self.proba_many([(cols, values)]).items()}

    def proba_many(self, items: Sequence[tuple[np.ndarray, np.ndarray]]
                   ) -> dict[str, np.ndarray]:
        """Class probabilities of many items at once: one row per item."""
        indptr = np.zeros(len(items) + 1, dtype=np.intp)
        np.cumsum([len(cols) for cols, _ in items], out=indptr[1:])
        x = sparse.csr_matrix(
            (np.concatenate([v for _, v in items]), np.concatenate([c for c, _ in items]), indptr),
            shape=(len(items), len(self.vocabulary)),
        )
        scores = np.asarray(x @ self.weights) + self.bias
        out = {}
        for name, where in self.columns.items():
            z = scores[:, where]
            if z.shape[1] == 1:
                p = 1.0 / (1.0 + np.exp(-z[:, 0]))
                out[name] = np.column_stack([1.0 - p, p])
            else:
                e = np.exp(z - z.max(axis=1, keepdims=True))
                out[name] = e / e.sum(axis=1, keepdims=True)
        return out

    def contributions(self, cols: np.ndarray, values: np.ndarray, name: str, label: Any
                      ) -> np.ndarray:
        """How much each present feature pushes head ``name`` towards ``label``."""
        where, classes = self.columns[name], self.classes[name]
        if where.stop - where.start == 1:
            sign = 1.0 if label == classes[1] else -1.0
            return np.asarray(sign * values * self.weights[cols, where.start])
        return np.asarray(values * self.weights[cols, where.start + classes.index(label)])
