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

    def __init__(
        self,
        names: Sequence[str],
        idf: np.ndarray,
        sublinear: bool,
        weights: np.ndarray,
        bias: np.ndarray,
        classes: Mapping[str, Sequence[Any]],
        widths: Mapping[str, int],
    ) -> None:
        self.names = np.asarray(names, dtype=object)
        self.vocabulary = {str(name): col for col, name in enumerate(self.names)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self.sublinear = bool(sublinear)
        self.weights = np.asarray(weights, dtype=np.float64)
        self.bias = np.asarray(bias, dtype=np.float64)
        self.classes = {name: list(c) for name, c in classes.items()}
        self.columns: dict[str, slice] = {}
        at = 0
        for name in self.classes:
            self.columns[name] = slice(at, at + widths[name])
            at += widths[name]

    @classmethod
    def from_estimators(cls, vectorizer: Any, heads: Mapping[str, Any]) -> LinearLayer:
        """Stack a fitted vectorizer and its logistic-regression heads."""
        if not heads:
            return cls([], np.zeros(0), False, np.zeros((0, 0)), np.zeros(0), {}, {})
        coefs = {name: np.asarray(head.coef_, dtype=np.float64) for name, head in heads.items()}
        return cls(
            names=vectorizer.get_feature_names_out(),
            idf=vectorizer.idf_,
            sublinear=vectorizer.sublinear_tf,
            weights=np.hstack([c.T for c in coefs.values()]),
            bias=np.concatenate([np.asarray(h.intercept_, np.float64) for h in heads.values()]),
            classes={name: list(head.classes_) for name, head in heads.items()},
            widths={name: c.shape[0] for name, c in coefs.items()},
        )

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """Plain arrays (no pickles) that :meth:`from_arrays` reads back."""
        out = {
            f"{prefix}names": np.asarray(self.names, dtype=str),
            f"{prefix}idf": self.idf,
            f"{prefix}sublinear": np.asarray(self.sublinear),
            f"{prefix}weights": self.weights,
            f"{prefix}bias": self.bias,
            f"{prefix}heads": np.asarray(list(self.classes), dtype=str),
            f"{prefix}widths": np.asarray([s.stop - s.start for s in self.columns.values()]),
        }
        for name, classes in self.classes.items():
            out[f"{prefix}classes.{name}"] = np.asarray([str(c) for c in classes], dtype=str)
        return out

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], prefix: str) -> LinearLayer:
        """Rebuild a layer from :meth:`to_arrays` output."""
        heads = [str(h) for h in arrays[f"{prefix}heads"]]
        classes: dict[str, list[Any]] = {}
        for name in heads:
            labels = [str(c) for c in arrays[f"{prefix}classes.{name}"]]
            binary = set(labels) <= {"True", "False"}
            classes[name] = [c == "True" for c in labels] if binary else labels
        return cls(
            names=[str(n) for n in arrays[f"{prefix}names"]],
            idf=arrays[f"{prefix}idf"],
            sublinear=bool(arrays[f"{prefix}sublinear"]),
            weights=arrays[f"{prefix}weights"],
            bias=arrays[f"{prefix}bias"],
            classes=classes,
            widths=dict(zip(heads, (int(w) for w in arrays[f"{prefix}widths"]), strict=True)),
        )

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
