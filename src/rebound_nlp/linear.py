"""Fitted TF-IDF + logistic-regression heads, evaluated by a compiled loop.

scikit-learn's per-call input validation costs more than the arithmetic for
one email, so inference reads the fitted vectorizer and estimators once and
stacks their weights.  The results equal ``predict_proba`` of the estimators
(checked by the tests); training and saving still use the estimators.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np

from rebound_nlp._kernel import layer_outputs
from rebound_nlp.features import JoinedNames

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
        names: JoinedNames | Sequence[str] | np.ndarray,
        idf: np.ndarray,
        sublinear: bool,
        weights: np.ndarray,
        bias: np.ndarray,
        classes: Mapping[str, Sequence[Any]],
        widths: Mapping[str, int],
    ) -> None:
        self.joined_names = names if isinstance(names, JoinedNames) else JoinedNames.of(names)
        self.idf = np.asarray(idf, dtype=np.float64)
        self.sublinear = bool(sublinear)
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)
        self.bias = np.asarray(bias, dtype=np.float64)
        self.classes = {name: list(c) for name, c in classes.items()}
        self.columns: dict[str, slice] = {}
        at = 0
        for name in self.classes:
            self.columns[name] = slice(at, at + widths[name])
            at += widths[name]
        self._group_starts = np.array([s.start for s in self.columns.values()], dtype=np.int64)
        self._group_widths = np.array([widths[name] for name in self.classes], dtype=np.int64)

    @cached_property
    def names(self) -> np.ndarray:
        """The feature names in column order, as an array (built on first access;
        prediction needs only :attr:`joined_names`)."""
        return self.joined_names.to_array()

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
        out: dict[str, np.ndarray] = {
            f"{prefix}name_text": np.frombuffer(self.joined_names.text.encode("utf-8"),
                                                dtype=np.uint8),
            f"{prefix}name_ends": self.joined_names.ends,
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
            names=JoinedNames(arrays[f"{prefix}name_text"].tobytes().decode("utf-8"),
                              arrays[f"{prefix}name_ends"]),
            idf=arrays[f"{prefix}idf"],
            sublinear=bool(arrays[f"{prefix}sublinear"]),
            weights=arrays[f"{prefix}weights"],
            bias=arrays[f"{prefix}bias"],
            classes=classes,
            widths=dict(zip(heads, (int(w) for w in arrays[f"{prefix}widths"]), strict=True)),
        )

    def outputs(self, indptr: np.ndarray, cols: np.ndarray, counts: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
        """What sparse rows of feature counts push, and the probabilities they give.

        Row ``i`` counts ``counts[k]`` of feature ``cols[k]`` for ``k`` in
        ``indptr[i]:indptr[i + 1]``; its TF-IDF values, as the vectorizer
        would give them, are scaled to unit length.  Returns ``weighted``
        (``value[k] * weights[cols[k]]``: how much each feature pushes each
        output, one row per feature) and ``proba`` (one row per item:
        ``P(classes[1])`` for a yes/no head, the class probabilities for the
        others; read them with :meth:`head_proba`).
        """
        return layer_outputs(indptr, cols, counts, self.idf, self.sublinear, self.weights,
                             self.bias, self._group_starts, self._group_widths)

    def output(self, name: str, label: Any) -> tuple[int, float]:
        """The output of head ``name`` and the sign with which it pushes towards ``label``."""
        where, classes = self.columns[name], self.classes[name]
        if where.stop - where.start == 1:
            return where.start, 1.0 if label == classes[1] else -1.0
        return where.start + classes.index(label), 1.0

    def yes_column(self, name: str) -> int:
        """The column of :meth:`outputs`' ``proba`` that holds ``P(True)`` of yes/no head
        ``name``."""
        where = self.columns[name]
        return int(where.start) + (0 if where.stop - where.start == 1
                                   else self.classes[name].index(True))

    def head_proba(self, row: Sequence[float], name: str) -> list[float]:
        """Class probabilities of head ``name`` (ordered as its ``classes``) from a row of
        :meth:`proba`."""
        where = self.columns[name]
        if where.stop - where.start == 1:
            p = row[where.start]
            return [1.0 - p, p]
        return list(row[where])
