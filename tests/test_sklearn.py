"""EmailVectorizer: the scikit-learn estimator contract, inputs, pickling and search."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError, SkipTestWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils import estimator_checks
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks

from rebound_nlp.features import email_features
from rebound_nlp.nlp import make_doc
from rebound_nlp.sklearn import EmailVectorizer


@pytest.fixture(scope="module")
def emails(corpus: list[dict]) -> pd.DataFrame:
    """A small labelled slice: 120 emails with subjects, about half rejections."""
    return pd.DataFrame(corpus[::34][:120])[["subject", "body", "is_rejection"]]


# Emails are strings: scikit-learn runs the checks that apply to string input
# and announces that those for numeric arrays do not apply with a warning.
with pytest.warns(SkipTestWarning, match="Can't test estimator EmailVectorizer"):
    _sklearn_checks = parametrize_with_checks([EmailVectorizer()])


@_sklearn_checks
def test_sklearn_checks(estimator, check) -> None:
    check(estimator)


# The API checks that need no data, which scikit-learn leaves out with the rest.
API_CHECKS = [
    estimator_checks.check_no_attributes_set_in_init,
    estimator_checks.check_estimator_repr,
    estimator_checks.check_valid_tag_types,
    estimator_checks.check_estimator_tags_renamed,
    estimator_checks.check_mixin_order,
    estimator_checks.check_do_not_raise_errors_in_init_or_set_params,
    estimator_checks.check_parameters_default_constructible,
    estimator_checks.check_get_params_invariance,
    estimator_checks.check_set_params,
    estimator_checks.check_estimators_unfitted,
]


@pytest.mark.parametrize("check", API_CHECKS, ids=[c.__name__ for c in API_CHECKS])
def test_api_checks_without_data(check) -> None:
    check("EmailVectorizer", EmailVectorizer())


def test_estimator_contract(emails: pd.DataFrame) -> None:
    params = {"min_df": 1, "max_df": 0.9, "max_features": 500, "sublinear_tf": False,
              "use_idf": True, "smooth_idf": False, "norm": "l1"}
    vec = EmailVectorizer(**params)
    assert vars(vec) == params and vec.get_params() == params
    with pytest.raises(NotFittedError):
        vec.transform(["x"])
    with pytest.raises(NotFittedError):
        vec.get_feature_names_out()
    assert vec.fit(emails) is vec
    assert vec.get_params() == params
    fitted = set(vars(vec)) - set(params)
    assert fitted and all(name.endswith("_") for name in fitted)
    first = vec.transform(emails)
    assert first.shape == (len(emails), len(vec.get_feature_names_out()))
    assert np.array_equal(vec.fit(emails).transform(emails).toarray(), first.toarray())
    assert clone(vec).get_params() == params and not hasattr(clone(vec), "vectorizer_")
    with pytest.raises(InvalidParameterError, match="min_df"):
        EmailVectorizer(min_df=-1).fit(emails)


def test_columns_are_email_features(emails: pd.DataFrame) -> None:
    vec = EmailVectorizer(min_df=1).fit(emails)
    names = vec.get_feature_names_out()
    row = emails.iloc[3]
    x = vec.transform([{"body": row["body"], "subject": row["subject"]}])
    expected = set(email_features(make_doc(row["body"]), row["subject"]).names)
    assert set(names[x.indices]) == expected & set(names)
    assert any(n.startswith("s:") for n in names[x.indices])
    assert x.dtype == np.float64 and np.isclose(x.multiply(x).sum(), 1.0)


def test_input_forms(emails: pd.DataFrame) -> None:
    vec = EmailVectorizer().fit(emails)
    records = emails.to_dict("records")
    from_frame = vec.transform(emails).toarray()
    assert np.array_equal(from_frame, vec.transform(records).toarray())
    # Bodies alone are emails with empty subjects.
    bodies = list(emails["body"])
    no_subjects = [{"body": b} for b in bodies]
    assert np.array_equal(vec.transform(bodies).toarray(), vec.transform(no_subjects).toarray())
    assert not np.array_equal(from_frame, vec.transform(bodies).toarray())
    assert np.allclose(EmailVectorizer().fit_transform(emails).toarray(), from_frame)


@pytest.mark.parametrize(("emails", "error"), [
    ("one email", ValueError),
    ([1, 2], TypeError),
    ([{"subject": "no body"}], TypeError),
    (42, TypeError),
], ids=["str", "numbers", "record-without-body", "not-iterable"])
def test_bad_input(emails: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        EmailVectorizer(min_df=1).fit(emails)


def test_pickle_round_trip(emails: pd.DataFrame) -> None:
    vec = EmailVectorizer().fit(emails)
    again = pickle.loads(pickle.dumps(vec))
    assert np.array_equal(again.transform(emails).toarray(), vec.transform(emails).toarray())


def test_pipeline_and_parallel_grid_search(emails: pd.DataFrame) -> None:
    # Worker processes get the estimator pickled and build spaCy themselves.
    pipe = make_pipeline(EmailVectorizer(), LogisticRegression(C=10.0, max_iter=1000))
    grid = GridSearchCV(pipe, {"emailvectorizer__min_df": [1, 2]}, cv=2, n_jobs=2)
    y = emails["is_rejection"].astype(bool)
    grid.fit(emails[["subject", "body"]], y)
    assert grid.best_params_["emailvectorizer__min_df"] in (1, 2)
    assert grid.best_score_ > 0.8
    assert grid.predict(emails.iloc[:5]).tolist() == list(y.iloc[:5])
