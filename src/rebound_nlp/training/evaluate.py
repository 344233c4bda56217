"""Measure a model on labelled emails: per-head metrics, calibration, spans."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from spacy.tokens import Doc

from rebound_nlp.classify import STAGE_UNKNOWN, Model, Prediction
from rebound_nlp.labels import FEEDBACK_CATEGORIES, KINDS, REASONS, STAGES, TONES
from rebound_nlp.training.datasets import load_dataset, split
from rebound_nlp.training.train import kind_labels, parse_docs

__all__ = ["HeadReport", "Report", "evaluate", "expected_calibration_error", "false_rejections",
           "predict_frame"]


def expected_calibration_error(y_true: Iterable[bool], p: Iterable[float], bins: int = 10
                               ) -> float:
    """Mean gap between confidence and accuracy over equal-width bins."""
    y = np.asarray(list(y_true), float)
    q = np.asarray(list(p), float)
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(q, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.mean() * abs(y[m].mean() - q[m].mean())
    return float(total)


@dataclass
class HeadReport:
    """Metrics of one head."""

    labels: list[str]
    precision: dict[str, float]
    recall: dict[str, float]
    f1: dict[str, float]
    support: dict[str, int]
    macro_f1: float
    accuracy: float
    confusion: list[list[int]]
    brier: float | None = None
    ece: float | None = None


@dataclass
class Report:
    """Evaluation of a model on one data set; ``summary`` holds the headline figures."""

    n_emails: int
    n_rejections: int
    heads: dict[str, HeadReport] = field(default_factory=dict)
    summary: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per head and class: precision, recall, F1, support."""
        rows = [
            {"head": name, "label": label, "precision": h.precision[label],
             "recall": h.recall[label], "f1": h.f1[label], "support": h.support[label]}
            for name, h in self.heads.items()
            for label in h.labels
        ]
        return pd.DataFrame(rows)

    def __str__(self) -> str:
        lines = [f"{self.n_emails} emails, {self.n_rejections} rejections"]
        lines += [f"  {k:<28} {v:.3f}" for k, v in self.summary.items()]
        for name, h in self.heads.items():
            lines.append(f"{name}: macro-F1 {h.macro_f1:.3f}, accuracy {h.accuracy:.3f}"
                         + (f", Brier {h.brier:.3f}, ECE {h.ece:.3f}" if h.brier is not None
                            else ""))
            for label in h.labels:
                lines.append(f"    {label:<12} P {h.precision[label]:.3f}  R {h.recall[label]:.3f}"
                             f"  F1 {h.f1[label]:.3f}  n={h.support[label]}")
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


def _head(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str],
          proba: np.ndarray | None = None) -> HeadReport:
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(labels),
                                                 zero_division=0)
    brier = ece = None
    if proba is not None:
        onehot = np.array([[t == lab for lab in labels] for t in y_true], float)
        brier = float(np.mean(np.sum((proba - onehot) ** 2, axis=1)))
        conf = proba.max(axis=1)
        hit = np.array([labels[k] == t for k, t in zip(proba.argmax(axis=1), y_true, strict=True)])
        ece = expected_calibration_error(hit, conf)
    return HeadReport(
        labels=[str(x) for x in labels],
        precision=dict(zip(map(str, labels), map(float, p), strict=True)),
        recall=dict(zip(map(str, labels), map(float, r), strict=True)),
        f1=dict(zip(map(str, labels), map(float, f), strict=True)),
        support=dict(zip(map(str, labels), map(int, s), strict=True)),
        macro_f1=float(np.mean(f)),
        accuracy=float(np.mean([a == b for a, b in zip(y_true, y_pred, strict=True)])),
        confusion=confusion_matrix(y_true, y_pred, labels=list(labels)).tolist(),
        brier=brier,
        ece=ece,
    )


def predict_frame(model: Model, df: pd.DataFrame, *, progress: bool = False) -> pd.DataFrame:
    """Head outputs and the decided kind per email, one row each, aligned with ``df``."""
    return _predict_parsed(model, df, parse_docs(df["body"], progress=progress))


def _predict_parsed(model: Model, df: pd.DataFrame, docs: Sequence[Doc]) -> pd.DataFrame:
    """:func:`predict_frame` given the Doc of each body."""
    subjects = list(df["subject"]) if "subject" in df else [""] * len(df)
    points = model.operating_points
    preds: list[Prediction] = []
    for start in range(0, len(docs), 256):
        preds += model.predict(docs[start:start + 256], subjects[start:start + 256],
                               points=points)
    rows = []
    for pred in preds:
        row: dict[str, Any] = {"kind": pred.kind, "p_rejection": pred.rejection_probability}
        row |= {f"p_kind_{k}": v for k, v in pred.kind_probabilities.items()}
        row |= {f"p_tone_{k}": v for k, v in pred.tone_probabilities.items()}
        row |= {f"p_stage_{k}": v for k, v in pred.stage_probabilities.items()}
        row |= {f"p_{k}": v for k, v in pred.probabilities.items()}
        row["feedback_sentences"] = [(s.category, s.start, s.end, s.probability)
                                     for s in pred.feedback]
        row["evidence"] = pred.evidence
        rows.append(row)
    return pd.DataFrame(rows, index=df.index)


def _binary(name: str, y: Iterable[bool], p: Iterable[float], threshold: float
            ) -> HeadReport:
    yt = ["yes" if v else "no" for v in y]
    q = np.asarray(list(p), float)
    yp = ["yes" if v >= threshold else "no" for v in q]
    proba = np.column_stack([1 - q, q])
    return _head(yt, yp, ["no", "yes"], proba)


def _span_scores(bodies: Sequence[str], gold: Sequence[Sequence[str]],
                 found: Sequence[Sequence[tuple[str, int, int, float]]]) -> tuple[float, float]:
    """Span F1 (a gold span counts as found when a predicted sentence overlaps
    at least half of it) and coverage (share of gold span characters covered)."""
    tp_gold = n_gold = tp_pred = n_pred = covered = total = 0
    for body, spans, sents in zip(bodies, gold, found, strict=True):
        ranges = sorted({(s, e) for _, s, e, _ in sents})
        n_pred += len(ranges)
        located = [(body.find(t), body.find(t) + len(t)) for t in spans if body.find(t) >= 0]
        for gs, ge in located:
            n_gold += 1
            inside = sum(max(0, min(ge, e) - max(gs, s)) for s, e in ranges)
            covered += min(inside, ge - gs)
            total += ge - gs
            tp_gold += inside * 2 >= ge - gs
        tp_pred += sum(any(s < ge and gs < e for gs, ge in located) for s, e in ranges)
    precision = tp_pred / n_pred if n_pred else 0.0
    recall = tp_gold / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, covered / total if total else 0.0


def evaluate(model: Model, data: str | os.PathLike[str] | pd.DataFrame, *,
             split_name: str = "test", progress: bool = False) -> Report:
    """Evaluate ``model`` on the ``split_name`` rows of ``data`` (all rows if unsplit).

    Heads other than rejection are scored on the emails labelled as
    rejections, so each head is judged on its own task.

    Examples
    --------
    >>> from rebound_nlp import load_model
    >>> from rebound_nlp.training import evaluate
    >>> report = evaluate(load_model(), "data/emails.jsonl")  # doctest: +SKIP
    >>> report.summary["rejection_f1"]  # doctest: +SKIP
    """
    df = split(load_dataset(data), split_name)
    return _report(model, df, predict_frame(model, df, progress=progress))


def _report(model: Model, df: pd.DataFrame, pf: pd.DataFrame) -> Report:
    """:func:`evaluate` on rows already loaded and split, given their :func:`predict_frame`."""
    points = model.operating_points
    report = Report(n_emails=len(df), n_rejections=0)
    summary = report.summary
    if "kind" in model.heads:
        gold_kind = kind_labels(df)
        m = gold_kind.notna()
        if m.any():
            proba = pf.loc[m, [f"p_kind_{k}" for k in KINDS]].to_numpy()
            report.heads["kind"] = _head(list(gold_kind[m]), list(pf.loc[m, "kind"]), KINDS,
                                         proba)
            present = [k for k in KINDS if (gold_kind[m] == k).any()]
            summary["kind_accuracy"] = report.heads["kind"].accuracy
            summary["kind_macro_f1"] = float(np.mean(
                [report.heads["kind"].f1[k] for k in present]))
    labelled = "is_rejection" in df and df["is_rejection"].notna().any()
    if labelled and {"kind", "rejection"} & set(model.heads):
        m = df["is_rejection"].notna()
        h = _binary("rejection", df.loc[m, "is_rejection"].astype(bool), pf.loc[m, "p_rejection"],
                    points.rejection)
        report.heads["rejection"] = h
        summary["rejection_f1"] = h.f1["yes"]
        rej = df["is_rejection"] == True  # noqa: E712
    else:
        rej = pd.Series(True, index=df.index)
    report.n_rejections = int(rej.sum())
    rdf, rpf = df[rej], pf[rej]
    if "tone" in model.heads and "tone" in rdf and rdf["tone"].notna().any():
        m = rdf["tone"].notna()
        proba = rpf.loc[m, [f"p_tone_{t}" for t in TONES]].to_numpy()
        pred = [TONES[k] for k in proba.argmax(axis=1)]
        report.heads["tone"] = _head(list(rdf.loc[m, "tone"]), pred, TONES, proba)
        summary["tone_macro_f1"] = report.heads["tone"].macro_f1
    if "stage" in model.heads and "stage" in rdf:
        labels = (*STAGES, STAGE_UNKNOWN)
        proba = rpf[[f"p_stage_{s}" for s in labels]].to_numpy()
        pred = [labels[k] for k in proba.argmax(axis=1)]
        gold = list(rdf["stage"].fillna(STAGE_UNKNOWN))
        report.heads["stage"] = _head(gold, pred, labels, proba)
        summary["stage_accuracy"] = report.heads["stage"].accuracy
    if "reasons" in rdf and all(r in model.heads for r in REASONS):
        ys, ps = [], []
        for r in REASONS:
            y = [r in v for v in rdf["reasons"]]
            report.heads[r] = _binary(r, y, rpf[f"p_{r}"], points.flags)
            ys.append(y)
            ps.append(list(rpf[f"p_{r}"] >= points.flags))
        summary["reasons_micro_f1"] = float(f1_score(np.array(ys).T, np.array(ps).T,
                                                     average="micro", zero_division=0))
    for name in ("future_invite", "feedback_offer"):
        if name in rdf and name in model.heads:
            report.heads[name] = _binary(name, rdf[name].astype(bool), rpf[f"p_{name}"],
                                         points.flags)
            summary[f"{name}_f1"] = report.heads[name].f1["yes"]
    if "feedback" in rdf and model.sentence_head_names:
        gold = [set(v or ()) for v in rdf["feedback"]]
        found = [{c for c, *_ in sents} for sents in rpf["feedback_sentences"]]
        # Sentences were already decided at the model's operating points: 1.0 is "found".
        report.heads["feedback_present"] = _binary(
            "feedback_present", [bool(g) for g in gold], [float(bool(f)) for f in found], 1.0)
        summary["feedback_presence_f1"] = report.heads["feedback_present"].f1["yes"]
        yg = np.array([[c in g for c in FEEDBACK_CATEGORIES] for g in gold])
        yf = np.array([[c in f for c in FEEDBACK_CATEGORIES] for f in found])
        summary["feedback_category_micro_f1"] = float(f1_score(yg, yf, average="micro",
                                                               zero_division=0))
        for k, c in enumerate(FEEDBACK_CATEGORIES):
            report.heads[f"feedback_{c}"] = _binary(c, list(yg[:, k]),
                                                    list(yf[:, k].astype(float)), 1.0)
        if "feedback_spans" in rdf:
            f1, cov = _span_scores(list(rdf["body"]), [v or [] for v in rdf["feedback_spans"]],
                                   list(rpf["feedback_sentences"]))
            summary["feedback_span_f1"] = f1
            summary["feedback_span_coverage"] = cov
    return report


def false_rejections(model: Model, mail: pd.DataFrame, *, progress: bool = False
                     ) -> dict[str, float]:
    """How often ``model`` misreads mail that is not job mail (``body``, ``subject``,
    optional ``source``): the share called rejections and the share called job mail
    of any kind, overall and per source.

    Examples
    --------
    >>> from rebound_nlp import load_model
    >>> mail = pd.DataFrame({"body": ["Lunch on Friday?", "Patch v2 attached."],
    ...                      "subject": ["", "[PATCH]"]})
    >>> false_rejections(load_model(), mail)["false_rejection_rate"]
    0.0
    """
    pf = predict_frame(model, mail, progress=progress)
    rejected = (pf["kind"] == "rejection").to_numpy()
    job = pf["kind"].isin([k for k in KINDS if k != "not_job"]).to_numpy()
    out = {"n": float(len(mail)), "false_rejection_rate": float(rejected.mean()),
           "job_rate": float(job.mean())}
    if "source" in mail:
        for source, rows in mail.groupby("source").indices.items():
            out[f"false_rejection_rate[{source}]"] = float(rejected[rows].mean())
    return out
