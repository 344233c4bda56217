"""rebound_nlp.dask on a two-process local cluster gives what analyse() gives on one machine."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from rebound_nlp import analyse, analyse_mailbox, load_model
from rebound_nlp.errors import MissingDependencyError

SAMPLE_MBOX = ROOT / "data" / "samples" / "mailbox.mbox"
MODEL_FOLDER = ROOT / "models" / "default"


def _dask_modules() -> tuple:
    reason = "rebound_nlp.dask needs the dask extra: pip install 'rebound-nlp[dask]'"
    db = pytest.importorskip("dask.bag", reason=reason)
    dd = pytest.importorskip("dask.dataframe", reason=reason)
    distributed = pytest.importorskip("dask.distributed", reason=reason)
    return db, dd, distributed


@pytest.fixture(scope="module")
def client() -> Iterator:
    _, _, distributed = _dask_modules()
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def emails(corpus: list[dict]) -> pd.DataFrame:
    """Two dozen emails of several kinds, with subjects, and one empty body."""
    rows = pd.DataFrame(corpus[5::160][:24])[["subject", "body"]]
    rows.loc[len(rows)] = {"subject": "", "body": ""}
    return rows.reset_index(drop=True)


def test_bag_on_cluster_equals_analyse(client, emails: pd.DataFrame) -> None:
    from rebound_nlp.dask import DTYPES, analyse_bag

    db, _, _ = _dask_modules()
    records = emails.to_dict("records")
    items = [*records[:10], *emails["body"][10:]]  # records with subjects, then bare bodies
    table = analyse_bag(db.from_sequence(items, npartitions=4))
    result = client.compute(table).result()
    expected = analyse(items)
    assert set(expected["kind"].dropna()) >= {"rejection", "not_job"}
    pd.testing.assert_frame_equal(result, expected)
    assert dict(result.dtypes) == DTYPES == dict(table.dtypes)


def test_dataframe_on_cluster_equals_analyse(client, emails: pd.DataFrame) -> None:
    from rebound_nlp.dask import analyse_dataframe

    _, dd, _ = _dask_modules()
    table = analyse_dataframe(dd.from_pandas(emails, npartitions=3),
                              model=MODEL_FOLDER, trusted=True)
    pd.testing.assert_frame_equal(client.compute(table).result(), analyse(emails))


def test_mailboxes_on_cluster_equal_analyse_mailbox(client, tmp_path: Path) -> None:
    from rebound_nlp.dask import analyse_mailboxes

    folder = tmp_path / "eml"
    folder.mkdir()
    (folder / "one.eml").write_text(
        "From: Jobs <jobs@acme-robotics.com>\nSubject: Your application\n"
        "Message-ID: <1@acme>\n\nUnfortunately we will not be moving forward with your "
        "application.\n")
    paths = [str(SAMPLE_MBOX), str(folder)]
    result = client.compute(analyse_mailboxes(paths)).result()
    pd.testing.assert_frame_equal(result, pd.concat([analyse_mailbox(p) for p in paths]))


def test_partitions_keep_their_dtypes() -> None:
    from rebound_nlp.dask import DTYPES, analyse_bag, meta

    db, _, _ = _dask_modules()
    # The second partition has no rejection: its tone would be all None.
    texts = ["Unfortunately we will not be moving forward with your application.",
             "Lunch on Friday?", "See you at the pub."]
    result = analyse_bag(db.from_sequence(texts, npartitions=2)).compute(scheduler="sync")
    assert dict(result.dtypes) == DTYPES == dict(meta().dtypes)
    assert list(result["kind"]) == ["rejection", "not_job", "not_job"]


def test_model_folder_loaded_once_per_process() -> None:
    from rebound_nlp.dask import _worker_model

    first = _worker_model(str(MODEL_FOLDER), True)
    assert _worker_model(str(MODEL_FOLDER), True) is first
    assert first is not load_model() and _worker_model(None, False) is load_model()


def test_bad_arguments() -> None:
    from rebound_nlp.dask import analyse_bag, analyse_dataframe, analyse_mailboxes

    db, dd, _ = _dask_modules()
    bag = db.from_sequence(["x"])
    with pytest.raises(TypeError, match=r"save_model\(model, folder\)"):
        analyse_bag(bag, model=load_model())
    with pytest.raises(TypeError, match=r"dask\.bag\.Bag"):
        analyse_bag(["x"])
    with pytest.raises(ValueError, match="no 'body' column"):
        analyse_dataframe(dd.from_pandas(pd.DataFrame({"text": ["x"]}), npartitions=1))
    with pytest.raises(ValueError, match="paths is empty"):
        analyse_mailboxes([])


def test_missing_dask_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from rebound_nlp.dask import analyse_mailboxes

    monkeypatch.setitem(sys.modules, "dask", None)
    with pytest.raises(MissingDependencyError, match=r"rebound-nlp\[dask\]"):
        analyse_mailboxes([SAMPLE_MBOX])


def test_dtypes_cover_every_column() -> None:
    from rebound_nlp.batch import COLUMNS
    from rebound_nlp.dask import DTYPES

    assert tuple(DTYPES) == COLUMNS
