"""Hostile batches: bad messages, impossible dates, interrupted writes, orphaned workers
(issue 9).

One bad message never costs the others their rows, an output file is either
the old one or the complete new one, and workers die with their parent.
"""

from __future__ import annotations

import json
import mailbox
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from rebound_nlp import analyse, analyse_mailbox, batch
from rebound_nlp import table as table_module
from rebound_nlp.batch import COLUMNS
from rebound_nlp.classify import Model
from rebound_nlp.errors import OutputError, WriteError
from rebound_nlp.table import TableWriter, check_output, write_table

REJECTION = "Unfortunately we will not be moving forward with your application."
SUFFIXES = [".csv", ".jsonl", ".parquet"]


def _message(n: int, *, date: str = "Mon, 2 Sep 2024 09:00:00 +0000", subject: str = "Outcome",
             extra: str = "", body: bytes = REJECTION.encode()) -> bytes:
    head = (f"From: Recruiter <jobs@company{n}.example>\nSubject: {subject}\nDate: {date}\n"
            f"Message-ID: <m{n}@test.example>\n{extra}")
    return head.encode() + b"\n" + body + b"\n"


def _mbox(path: Path, messages: list[bytes]) -> Path:
    box = mailbox.mbox(path)
    for raw in messages:
        box.add(raw)
    box.close()
    return path


# --------------------------------------------------------------------------- surrogates

def test_analyse_batch_survives_surrogates() -> None:
    table = analyse([REJECTION, "We regret \udcff no.", {"body": REJECTION, "subject": "\ud800",
                                                         "sender": "\udcff <a@b.example>"}])
    assert len(table) == 3
    assert (table["error"] == "").all()
    assert table["kind"].notna().all()  # every row analysed
    # The second has no hiring words at all: not job mail, however regretful.
    assert table["is_rejection"].tolist() == [True, False, True]
    assert table["subject"][2] == "\ufffd"


def test_analyse_mailbox_survives_surrogates_and_writes_them(tmp_path: Path) -> None:
    path = _mbox(tmp_path / "box.mbox", [
        _message(1, subject="=?utf-7?q?+2AA-?="),
        _message(2, extra="Content-Type: text/plain; charset=utf-7\n",
                 body=b"+2AA- " + REJECTION.encode()),
        _message(3, extra="Content-Type: text/plain; charset=unicode_escape\n",
                 body=b"\\udcff " + REJECTION.encode()),
        _message(4),
    ])
    table = analyse_mailbox(path)
    assert len(table) == 4
    assert (table["error"] == "").all(), list(table["error"])
    assert table["is_rejection"].all()
    for suffix in SUFFIXES:
        write_table(table, tmp_path / f"out{suffix}")


def test_one_failing_message_keeps_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Model.predict

    def fragile(self: Model, docs: list, subjects: list, **kwargs: object  # type: ignore[type-arg]
                ) -> list:  # type: ignore[type-arg]
        if any("poison" in doc.text for doc in docs):
            raise RuntimeError("cannot read this one")
        return real(self, docs, subjects, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Model, "predict", fragile)
    table = analyse([REJECTION, "poison " + REJECTION, REJECTION])
    assert list(table["error"]) == ["", "analysis failed: RuntimeError: cannot read this one",
                                    ""]
    assert list(table["is_rejection"]) == [True, False, True]


# --------------------------------------------------------------------------- dates

@pytest.mark.parametrize("year", ["0100", "1600", "2300", "9999"])
def test_dates_out_of_range_become_missing_with_a_note(tmp_path: Path, year: str) -> None:
    path = _mbox(tmp_path / "box.mbox", [
        _message(1), _message(2, date=f"Fri, 1 Jan {year} 10:00:00 -0500"), _message(3),
    ])
    table = analyse_mailbox(path)
    assert str(table["date"].dtype) == "datetime64[ns, UTC]"
    assert table["date"].isna().tolist() == [False, True, False]
    assert list(table["error"])[::2] == ["", ""]
    assert "outside the years 1677-2262" in table["error"][1]
    assert table["is_rejection"].all()  # still analysed


@pytest.mark.parametrize(("date", "note"), [
    ("not a date", "is not a date"),
    ("0001-01-01", "outside the years 1677-2262"),
    ("9999-12-31T23:00:00-05:00", "outside the years 1677-2262"),
    (pd.Timestamp("2024-09-02", tz="UTC"), ""),
    (None, ""),
    ("", ""),
    (float("nan"), ""),
    (["2024-09-02"], "is not a date"),
], ids=["words", "year-1", "past-9999-in-utc", "timestamp", "none", "empty", "nan", "a-list"])
def test_analyse_dates(date: object, note: str) -> None:
    table = analyse([{"body": REJECTION, "date": date}])
    assert (note in table["error"][0]) if note else table["error"][0] == ""
    assert pd.isna(table["date"][0]) == (not isinstance(date, pd.Timestamp))


# --------------------------------------------------------------------------- chunks and workers

def test_chunks_are_bounded_in_bytes() -> None:
    messages = [(f"m{k}", b"x" * (4 << 20), "") for k in range(10)]
    chunks = list(batch._chunks(iter(messages), 128, max_bytes=16 << 20))
    assert [len(c) for c in chunks] == [4, 4, 2]
    assert [m for c in chunks for m in c] == messages


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie is dead, waiting to be reaped


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_workers_die_with_their_parent(tmp_path: Path, sig: signal.Signals) -> None:
    for k in range(4):
        (tmp_path / f"{k}.eml").write_bytes(_message(k))
    # The workers sleep instead of analysing, so they are surely alive when the
    # parent is killed; the function is looked up by name, so the patch reaches them.
    script = textwrap.dedent("""
        import sys, time
        from rebound_nlp import batch

        def stuck(*args):
            time.sleep(60)
            return []

        batch._analyse_raw = stuck
        batch.analyse_mailbox(sys.argv[1], jobs=3)  # this process and two workers
    """)
    parent = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)])
    try:
        deadline = time.monotonic() + 20
        while len(workers := _children(parent.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(workers) == 2
        time.sleep(0.3)  # let the workers reach their task
        parent.send_signal(sig)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while any(map(_running, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_running, workers))
    finally:
        parent.kill()
        parent.wait()
        for pid in _children(parent.pid):
            os.kill(pid, signal.SIGKILL)


# --------------------------------------------------------------------------- writing tables

@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return analyse([REJECTION, "See you at the interview on Monday!"] * 50)


def _no_leftovers(folder: Path, *keep: str) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(keep)


@pytest.mark.parametrize("suffix", SUFFIXES, ids=[s[1:] for s in SUFFIXES])
def test_interrupted_write_keeps_the_old_file(tmp_path: Path, table: pd.DataFrame,
                                              monkeypatch: pytest.MonkeyPatch,
                                              suffix: str) -> None:
    """Ctrl-C turned a good 4.4 MB .jsonl into 0 bytes; now the old file stays."""
    path = tmp_path / f"out{suffix}"
    path.write_bytes(b"the good old table")
    calls = [0]

    class Interrupted(json.JSONEncoder):
        def encode(self, o: object) -> str:
            calls[0] += 1
            if calls[0] == 10:
                raise KeyboardInterrupt
            return super().encode(o)

    real_write = TableWriter.write

    def interrupted_writer(self: TableWriter, piece: pd.DataFrame) -> None:
        real_write(self, piece.iloc[: len(piece) // 2])  # half a table is on disk
        raise KeyboardInterrupt

    if suffix == ".jsonl":
        monkeypatch.setattr(table_module, "_JSON", Interrupted(ensure_ascii=False,
                                                               default=table_module._json_date))
    else:
        monkeypatch.setattr(TableWriter, "write", interrupted_writer)
    with pytest.raises(KeyboardInterrupt):
        write_table(table, path)
    assert path.read_bytes() == b"the good old table"
    _no_leftovers(tmp_path, path.name)


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="no file-size limits here")
def test_file_size_limit_keeps_the_old_files(tmp_path: Path, table: pd.DataFrame) -> None:
    """A file-size limit left truncated CSV/JSONL/Parquet; now each old file stays."""
    script = textwrap.dedent("""
        import resource, sys
        from pathlib import Path
        import pandas as pd
        from rebound_nlp.table import write_table
        from rebound_nlp.errors import WriteError

        folder = Path(sys.argv[1])
        table = pd.read_pickle(folder / "table.pkl")
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        for suffix in (".csv", ".jsonl", ".parquet"):
            try:
                write_table(table, folder / "out" / f"out{suffix}")
            except WriteError as exc:
                print(suffix, "refused:", exc)
            else:
                print(suffix, "written")
    """)
    out = tmp_path / "out"
    out.mkdir()
    pd.concat([table] * 4).to_pickle(tmp_path / "table.pkl")  # our own file, safe to unpickle
    for suffix in SUFFIXES:
        (out / f"out{suffix}").write_bytes(b"old")
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True,
                            text=True, timeout=120, check=True)
    assert result.stdout.count("refused: could not write") == 3, result.stdout + result.stderr
    for suffix in SUFFIXES:
        assert (out / f"out{suffix}").read_bytes() == b"old"
    _no_leftovers(out, *(f"out{s}" for s in SUFFIXES))


def test_write_keeps_permissions_and_follows_links(tmp_path: Path, table: pd.DataFrame) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_table(table, link)
    assert link.is_symlink()
    assert len(pd.read_csv(real)) == len(table)
    assert real.stat().st_mode & 0o777 == 0o640
    _no_leftovers(tmp_path, "real.csv", "link.csv")


@pytest.mark.parametrize(("name", "match"), [
    ("missing/out.csv", "does not exist"),
    ("out.txt", "unknown output type"),
    ("folder.csv", "is a folder"),
], ids=["missing-folder", "unknown-suffix", "a-folder"])
def test_check_output_refuses_before_work(tmp_path: Path, name: str, match: str) -> None:
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(OutputError, match=match):
        check_output(tmp_path / name)
    assert isinstance(OutputError("x"), ValueError)
    assert issubclass(WriteError, OSError)


def test_empty_table_round_trips(tmp_path: Path) -> None:
    empty = analyse([])
    assert list(empty.columns) == list(COLUMNS)
    write_table(empty, tmp_path / "empty.jsonl")
    assert (tmp_path / "empty.jsonl").read_bytes() == b""


def _tag_with_pid(chunk: list[batch.RawMessage], analyzer: object = None) -> list[batch._Row]:
    time.sleep(0.05)  # long enough that the worker's queue fills up
    return [batch._Row({"source": source, "pid": os.getpid()}, None) for source, _, _ in chunk]


def test_two_jobs_are_this_process_and_one_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """jobs=2 analyses in this process too, not only in two workers beside it
    (three processes on two cores), and still yields the chunks in order."""
    monkeypatch.setattr(batch, "_analyse_raw", _tag_with_pid)
    chunks = [[(f"m{k}", b"", "")] for k in range(12)]
    rows = [row for rows in batch._run(iter(chunks), 2, None) for row in rows]  # type: ignore[arg-type]
    assert [r.fields["source"] for r in rows] == [f"m{k}" for k in range(12)]
    pids = {r.fields["pid"] for r in rows}
    assert os.getpid() in pids
    assert len(pids) == 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux widens pipes")
def test_pipes_to_and_from_workers_hold_a_chunk() -> None:
    import fcntl
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1) as pool:
        batch._widen_pipes(pool)
        for queue in (pool._call_queue, pool._result_queue):  # type: ignore[attr-defined]
            size = fcntl.fcntl(queue._reader.fileno(), fcntl.F_GETPIPE_SZ)
            assert size >= batch._PIPE_BYTES


_TEST_PROCESS = os.getpid()


def _slow_in_workers(chunk: list[batch.RawMessage], analyzer: object = None
                     ) -> list[batch._Row]:
    if os.getpid() != _TEST_PROCESS:
        time.sleep(0.3)
    return [batch._Row({"source": source, "pid": os.getpid()}, None) for source, _, _ in chunk]


def test_chunks_no_worker_started_come_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once every chunk is handed out, this process analyses those the worker has
    not started instead of waiting for it, and the chunks stay in order."""
    monkeypatch.setattr(batch, "_analyse_raw", _slow_in_workers)
    chunks = [[(f"m{k}", b"", "")] for k in range(batch._IN_FLIGHT)]
    rows = [row for rows in batch._run(iter(chunks), 2, None) for row in rows]  # type: ignore[arg-type]
    assert [r.fields["source"] for r in rows] == [f"m{k}" for k in range(batch._IN_FLIGHT)]
    here = [r.fields["source"] for r in rows if r.fields["pid"] == os.getpid()]
    assert rows[0].fields["pid"] != os.getpid()  # all were handed to the worker first
    assert here and "m0" not in here
