"""Fit a :class:`~rebound_nlp.classify.Model` from labelled emails."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from spacy.tokens import Doc

from rebound_nlp.classify import FEEDBACK_HEAD, STAGE_UNKNOWN, Model
from rebound_nlp.decisions import OperatingPoints
from rebound_nlp.errors import DataError, ModelError
from rebound_nlp.features import email_features, feature_names, sentence_features, sentences
from rebound_nlp.labels import FEEDBACK_CATEGORIES, REASONS
from rebound_nlp.nlp import CUE_EXTENSION, doc_text, make_docs
from rebound_nlp.nlp.patterns import SENTENCE_CUE_PREFIX, TOPIC_CATEGORIES
from rebound_nlp.text import MAX_HEADER_CHARS, safe_text
from rebound_nlp.training.datasets import data_sha256, load_dataset, split

__all__ = ["TrainConfig", "kind_labels", "parse_docs", "sentence_labels", "train"]

log = logging.getLogger("rebound_nlp.training")

# Which sentence cue says which feedback category (to place a span's category).
_TOPIC_CATEGORY = {SENTENCE_CUE_PREFIX + cue: cat for cue, cat in TOPIC_CATEGORIES.items()}


# What JSON may give for each annotation of a TrainConfig field.
_CONFIG_TYPES: dict[str, tuple[type, ...]] = {
    "float": (int, float), "int": (int,), "str | None": (str, type(None)),
    "dict[str, float]": (dict,),
}


def _shipped_points() -> dict[str, float]:
    return {"feedback": 0.7}


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters of training; every field can be set from a JSON config."""

    email_c: float = 32.0
    #: C and class weights of the kind head, chosen by grouped cross-validation on
    #: the train split (families and general-mail sources as groups): balanced
    #: weights keep the many general-mail examples from drowning the rarer kinds.
    kind_c: float = 32.0
    kind_class_weight: str | None = "balanced"
    sentence_c: float = 4.0
    #: The model's thresholds (see :class:`~rebound_nlp.OperatingPoints`), stored in its
    #: manifest.  Feedback at 0.7: grouped cross-validation on the train split scores
    #: 0.6 and 0.7 alike (presence F1 0.938 and 0.935, 0.931 at 0.5), and real
    #: rejections carry feedback far less often than our corpus, so the surer one.
    operating_points: dict[str, float] = field(default_factory=_shipped_points)
    min_df: int = 2
    max_iter: int = 3000
    sentence_class_weight: str | None = "balanced"
    #: Weight of cue (``c:``) and cue-pair (``x:``) features relative to
    #: words: >1 regularises them less, so general cue phrases count for more
    #: than the wording of our writers.
    cue_scale: float = 1.0

    @classmethod
    def from_dict(cls, config: dict[str, Any] | None) -> TrainConfig:
        known = {f.name: f for f in fields(cls)}
        unknown = set(config or {}) - set(known)
        if unknown:
            raise DataError(f"Unknown config keys {sorted(unknown)}; known: {sorted(known)}.")
        for key, value in (config or {}).items():
            kinds = _CONFIG_TYPES.get(str(known[key].type), (object,))
            if isinstance(value, bool) or not isinstance(value, kinds):
                raise DataError(f"Config key {key!r} must be {known[key].type}, got {value!r}.")
        if "operating_points" in (config or {}):
            try:
                OperatingPoints.from_manifest(config or {})
            except ModelError as exc:
                raise DataError(f"Config key 'operating_points': {exc}") from exc
        return cls(**(config or {}))


def parse_docs(texts: Iterable[str], *, progress: bool = False) -> list[Doc]:
    """Run the pipeline over many texts (capped like :func:`rebound_nlp.advise`)."""
    items = list(texts)
    if not progress:
        return list(make_docs(items))
    from tqdm.auto import tqdm

    return list(tqdm(make_docs(items), total=len(items), desc="parsing", unit="email"))


def _span_categories(doc: Doc, start: int, end: int, categories: Sequence[str]) -> list[str]:
    """Of an email's feedback categories, those a labelled span most likely carries.

    The schema lists categories per email, not per span: a span takes the
    email's category when there is one, else those of the email's categories
    whose cue words it holds, else all of them.
    """
    if len(categories) == 1:
        return list(categories)
    counts = dict.fromkeys(categories, 0)
    for label, s, e in doc._.get(CUE_EXTENSION) or []:
        cat = _TOPIC_CATEGORY.get(label)
        if cat in counts and doc[s].idx >= start and doc[e - 1].idx < end:
            counts[cat] += 1
    found = [c for c in categories if counts[c]]
    return found or list(categories)


def sentence_labels(doc: Doc, spans: Sequence[str], categories: Sequence[str]
                    ) -> list[set[str]]:
    """The feedback categories of each sentence of ``doc`` (see :func:`sentences`)."""
    located = []
    for span in spans:
        start = doc_text(doc).find(span)
        if start >= 0:
            located.append((start, start + len(span),
                            _span_categories(doc, start, start + len(span), categories)))
    labels = []
    for sent in sentences(doc):
        cats: set[str] = set()
        for start, end, span_cats in located:
            if sent.start_char < end and start < sent.end_char:
                cats.update(span_cats)
        labels.append(cats)
    return labels


def _labelled(df: pd.DataFrame, column: str) -> pd.Series:
    return df[column].notna() if column in df else pd.Series(False, index=df.index)


def _vectorizer(min_df: int) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=feature_names, min_df=min_df, sublinear_tf=True,
                           lowercase=False)


def _scales(vec: TfidfVectorizer, cue_scale: float) -> np.ndarray:
    names = vec.get_feature_names_out()
    return np.where([n.startswith(("c:", "x:")) for n in names], cue_scale, 1.0)


def _fit(x: Any, y: Sequence[Any], c: float, config: TrainConfig,
         class_weight: str | None = None, scales: np.ndarray | None = None, *, seed: int
         ) -> LogisticRegression:
    """Fit one head; with ``scales``, on rescaled columns, folded back into
    ``coef_`` so the head applies to unscaled features like any other."""
    head = LogisticRegression(C=c, max_iter=config.max_iter, class_weight=class_weight,
                              random_state=seed)
    if scales is None:
        return head.fit(x, y)
    head.fit(x.multiply(scales).tocsr(), y)
    head.coef_ = head.coef_ * scales
    return head


def kind_labels(df: pd.DataFrame) -> pd.Series:
    """Each row's ``kind``; a labelled rejection without one is a ``rejection``."""
    kind = df["kind"] if "kind" in df else pd.Series(None, index=df.index, dtype=object)
    if "is_rejection" in df:
        kind = kind.where(kind.notna() | (df["is_rejection"] != True), "rejection")  # noqa: E712
    return kind


def train(
    data: str | os.PathLike[str] | pd.DataFrame,
    *,
    config: dict[str, Any] | None = None,
    seed: int = 0,
    progress: bool = False,
    general: pd.DataFrame | None = None,
) -> Model:
    """Train every head the data has labels for.

    Rows with ``split == "test"`` are left out when the data has a ``split``
    column.  Heads whose labels are absent are skipped with a log message.

    Parameters
    ----------
    data : path, DataFrame or records
        Labelled emails in the corpus schema (see ``data/LABELLING.md``).
    general : DataFrame, optional
        Extra real mail that is not job mail (``body``, ``subject``; see
        :func:`~rebound_nlp.training.load_general_mail`): ``not_job``
        examples for the kind head, so that it learns what ordinary mail looks like.
    config : dict, optional
        Overrides of :class:`TrainConfig` fields.
    seed : int, default 0
        Seed of every random choice, so the same data, config and seed give
        the same model.
    progress : bool, default False
        Show progress bars.

    Examples
    --------
    >>> from rebound_nlp.training import train
    >>> model = train("data/emails.jsonl")  # doctest: +SKIP
    """
    cfg = TrainConfig.from_dict(config)
    df = split(load_dataset(data), "train")
    if df.empty:
        raise DataError("The data has no training rows (every row has split='test').")
    if len(df) < max(2, cfg.min_df):
        raise DataError(f"The data has {len(df)} training row(s); training needs at least "
                        f"{max(2, cfg.min_df)} (min_df={cfg.min_df}), and far more to be useful.")
    has_rej = _labelled(df, "is_rejection")
    y_rej = list(df.loc[has_rej, "is_rejection"].astype(bool))
    if has_rej.any() and len(set(y_rej)) < 2:
        raise DataError(
            f"Every labelled email has is_rejection={y_rej[0]}; the rejection head needs "
            "rejections and other emails both. Add the other kind, or leave is_rejection "
            "empty (null) everywhere to train without a rejection head.")
    bodies = [*df["body"], *([] if general is None else general["body"])]
    return _train_parsed(df, parse_docs(bodies, progress=progress), cfg, seed=seed,
                         general=general)


def _train_parsed(df: pd.DataFrame, all_docs: Sequence[Doc], cfg: TrainConfig, *, seed: int,
                  general: pd.DataFrame | None = None) -> Model:
    """:func:`train` on rows already loaded, split and checked, given the Doc of
    each body (then of each ``general`` message), so that Docs can be reused."""
    n_general = 0 if general is None else len(general)
    subjects = [safe_text(s, MAX_HEADER_CHARS) for s in
                [*df["subject"], *([] if general is None else general["subject"].fillna(""))]]
    all_feats = [email_features(d, s) for d, s in zip(all_docs, subjects, strict=True)]
    email_vec = _vectorizer(cfg.min_df)
    try:
        x_all = email_vec.fit_transform(all_feats)
    except ValueError as exc:  # no feature left after min_df
        raise DataError(f"No feature occurs in {cfg.min_df} or more emails ({exc}); add more "
                        "emails or lower min_df.") from exc
    escale = _scales(email_vec, cfg.cue_scale)
    docs, x = list(all_docs[:len(df)]), x_all[:len(df)]

    heads: dict[str, LogisticRegression] = {}
    skipped = []
    has_rej = _labelled(df, "is_rejection")
    y_rej = list(df.loc[has_rej, "is_rejection"].astype(bool))
    kinds = [*kind_labels(df), *["not_job"] * n_general]
    has_kind = np.array([k is not None for k in kinds])
    if "kind" in df and df["kind"].notna().any() and len(set(np.array(kinds)[has_kind])) > 1:
        # The kind head decides rejections too: one head, one decision.
        heads["kind"] = _fit(x_all[has_kind], [k for k in kinds if k is not None],
                             cfg.kind_c, cfg, cfg.kind_class_weight, escale, seed=seed)
    elif has_rej.any():
        heads["rejection"] = _fit(x[has_rej.to_numpy()], y_rej, cfg.email_c, cfg, scales=escale,
                                  seed=seed)
    else:
        skipped.append("kind")
    # The other heads describe rejections: train them on rejections only.
    rej = (df["is_rejection"] == True).to_numpy() if has_rej.any() else np.ones(len(df), bool)  # noqa: E712
    rdf = df[rej]
    xr = x[rej]
    for name in ("tone", "stage"):
        if name not in rdf or (name == "tone" and not rdf[name].notna().any()):
            skipped.append(name)
            continue
        if name == "tone":
            mask = rdf["tone"].notna().to_numpy()
            labels = list(rdf["tone"][mask])
        else:
            mask = np.ones(len(rdf), bool)
            labels = list(rdf["stage"].fillna(STAGE_UNKNOWN))
        if len(set(labels)) < 2:
            skipped.append(name)
            continue
        heads[name] = _fit(xr[mask], labels, cfg.email_c, cfg, scales=escale, seed=seed)
    for name in (*REASONS, "future_invite", "feedback_offer"):
        column = "reasons" if name in REASONS else name
        if column not in rdf or not rdf[column].notna().any():
            skipped.append(name)
            continue
        mask = rdf[column].notna().to_numpy()
        values = rdf[column][mask]
        flags = [name in v for v in values] if name in REASONS else [bool(v) for v in values]
        if len(set(flags)) < 2:
            skipped.append(name)
            continue
        heads[name] = _fit(xr[mask], flags, cfg.email_c, cfg, scales=escale, seed=seed)

    sentence_vec = _vectorizer(cfg.min_df)
    sentence_heads: dict[str, LogisticRegression] = {}
    if {"feedback", "feedback_spans"} <= set(rdf.columns):
        sfeats, slabels = [], []
        rdocs = [d for d, keep in zip(docs, rej, strict=True) if keep]
        for doc, spans, cats in zip(rdocs, rdf["feedback_spans"], rdf["feedback"], strict=True):
            if spans is None or cats is None:
                continue
            sents = sentences(doc)
            sfeats += [sentence_features(doc, j) for j in range(len(sents))]
            slabels += sentence_labels(doc, spans, cats)
        # Both kinds of sentence are needed, and features shared by min_df of them.
        if any(slabels) and not all(slabels) and len(sfeats) >= cfg.min_df:
            try:
                xs = sentence_vec.fit_transform(sfeats)
            except ValueError:  # no feature left after min_df: too few sentences
                xs = None
        else:
            xs = None
        if xs is not None:
            # Stage one finds feedback sentences; stage two names their
            # categories, trained on feedback sentences only.
            is_feedback = np.array([bool(labels) for labels in slabels])
            sscale = _scales(sentence_vec, cfg.cue_scale)
            sentence_heads[FEEDBACK_HEAD] = _fit(xs, list(is_feedback), cfg.sentence_c, cfg,
                                                 cfg.sentence_class_weight, sscale, seed=seed)
            xf = xs[is_feedback]
            for cat in FEEDBACK_CATEGORIES:
                has_cat = [cat in labels for labels in slabels if labels]
                if len(set(has_cat)) == 2:
                    sentence_heads[cat] = _fit(xf, has_cat, cfg.sentence_c, cfg, scales=sscale,
                                               seed=seed)
    if not sentence_heads:
        skipped.append("feedback")
    for name in skipped:
        log.warning("No usable labels for the %r head in the data: skipped.", name)
    manifest = {
        "seed": seed,
        "config": asdict(cfg),
        "data_sha256": data_sha256(df),
        "n_train": len(df),
        "n_general": n_general,
        # Thresholds the model decides with; change them in the manifest or per call.
        "operating_points": OperatingPoints.from_manifest(asdict(cfg)).to_dict(),
        "skipped_heads": skipped,
    }
    return Model(email_vec, heads, sentence_vec, sentence_heads, manifest)
