"""Throughput and total memory of a mailbox analysed into a file, against floors.

Builds mboxes of mixed MIME messages (plain, HTML-only, quoted-printable,
base64, with attachments) from the corpus, at two sizes.  For each size, in
fresh processes:

- the mail floor: stdlib ``mailbox`` + compat32 parsing + payload decoding;
- the spaCy floor: ``blank("en")`` + sentencizer ``nlp.pipe`` on the same bodies;
- ``analyse_mailbox_to`` (what ``rebound analyse -o`` runs) with ``jobs=1`` and ``jobs=2``.

Each process sets up first (imports, spaCy pipeline, model) outside the
timing; workers set themselves up inside it.  Floors and ``jobs=1`` are CPU
time; ``jobs=2`` is wall time, which is what a second worker can shorten.
Every side is measured in each of ``--runs`` rounds, one after the other, and
the times are medians (the machine may be shared); memory is the largest peak.
The combined floor is both floors one after the other.  Memory is the peak
of the summed RSS (and PSS) of the analysing process and all its workers,
sampled from outside.

Usage: python benchmarks/bench_mailbox.py [--messages 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import mailbox
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

import _measure

ROOT = _measure.ROOT


def records() -> list[dict[str, Any]]:
    with (ROOT / "data" / "emails.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _message(k: int, record: dict[str, Any], when: datetime) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"Recruiting <jobs{k % 97}@example-{k % 13}.com>"
    msg["To"] = "me@example.org"
    msg["Subject"] = record["subject"] or "Your application"
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<bench-{k}@example.org>"
    body = record["body"]
    kind = k % 5
    if kind == 0:
        msg.set_content(body)
    elif kind == 1:
        html = "<html><body>" + "".join(f"<p>{escape(p)}</p>" for p in body.split("\n\n"))
        msg.set_content(html + "</body></html>", subtype="html")
    elif kind == 2:
        msg.set_content(body, cte="quoted-printable")
    elif kind == 3:
        msg.set_content(body, cte="base64")
    else:
        msg.set_content(body)
        msg.add_attachment(b"%PDF-1.4 fake" * 50, maintype="application", subtype="pdf",
                           filename="letter.pdf")
    return msg


def build(path: Path, n: int) -> None:
    recs = records()
    box = mailbox.mbox(path)
    box.lock()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for k in range(n):
        box.add(_message(k, recs[k % len(recs)], start + timedelta(minutes=37 * k)))
    box.flush()
    box.unlock()


def mail_floor(path: Path) -> int:
    """Read every message as the standard library can at best: no cleaning, no analysis."""
    import email
    import email.policy

    n = 0
    box = mailbox.mbox(path, create=False)
    for key in box.iterkeys():
        msg = email.message_from_bytes(box.get_bytes(key), policy=email.policy.compat32)
        for part in msg.walk():
            if part.get_content_maintype() == "text":
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes):
                    payload.decode(part.get_content_charset() or "utf-8", "replace")
        n += 1
    box.close()
    return n


def child(what: str, path: Path, n: int, jobs: int) -> dict[str, Any]:
    """Set up (imports, pipeline, model), then time ``what``."""
    if what == "spacy":
        import spacy

        recs = records()
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
    elif what == "analyse":
        from rebound_nlp import Analyzer, analyse_mailbox_to, load_model

        model = load_model()
        Analyzer(model)  # builds the shared spaCy pipeline and the model's feature indexes
    cpu, wall = _measure.cpu_seconds(), time.perf_counter()
    out: dict[str, Any] = {}
    if what == "mail":
        out["rows"] = mail_floor(path)
    elif what == "spacy":
        # The bodies of the mbox's messages, in the same order.
        out["rows"] = sum(1 for _ in nlp.pipe(recs[k % len(recs)]["body"] for k in range(n)))
    elif what == "analyse":
        # As `rebound analyse -o` runs: rows stream into the file, memory stays flat.
        summary = analyse_mailbox_to(path, path.with_suffix(".jsonl"), jobs=jobs, model=model)
        out["rows"], out["rejections"] = summary.messages, summary.rejections
    else:
        raise SystemExit(f"unknown measurement {what!r}")
    # Workers have been waited for when analyse_mailbox_to returns: their time counts.
    out["cpu"], out["wall"] = _measure.cpu_seconds() - cpu, time.perf_counter() - wall
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000, help="messages of the large mbox")
    parser.add_argument("--runs", type=int, default=3,
                        help="rounds of fresh processes per size (the figures are medians)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, path, n, jobs = args.child
        print(json.dumps(child(what, Path(path), int(n), int(jobs))))
        return

    print(_measure.machine())
    script = str(Path(__file__).resolve())
    growth = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (args.messages // 4, args.messages):
            path = Path(tmp) / f"{n}.mbox"
            build(path, n)
            print(f"mbox: {n} messages, {path.stat().st_size / 1e6:.0f} MB")
            # Each round measures every side once, so a slow spell of the shared
            # machine falls on all of them alike.
            runs: dict[str, list[_measure.Run]] = {}
            for _ in range(args.runs):
                for what, jobs in (("mail", 1), ("spacy", 1), ("analyse", 1), ("analyse", 2)):
                    runs.setdefault(f"{what}{jobs}", []).append(_measure.run(
                        [script, "--child", what, str(path), str(n), str(jobs)]))

            def median(key: str, field: str, runs: dict[str, list[_measure.Run]] = runs
                       ) -> float:
                return statistics.median(float(r.data[field]) for r in runs[key])

            mail, spacy = median("mail1", "cpu"), median("spacy1", "cpu")
            combined = n / (mail + spacy)
            print(f"  floors (CPU): mail {n / mail:.0f} msg/s, spaCy {n / spacy:.0f} msg/s, "
                  f"combined {combined:.0f} msg/s")
            for jobs in (1, 2):
                key, last = f"analyse{jobs}", runs[f"analyse{jobs}"][-1]
                cpu, wall = median(key, "cpu"), median(key, "wall")
                rate = n / (cpu if jobs == 1 else wall)
                rss = max(r.peak_rss for r in runs[key])
                pss_seen = [r.peak_pss for r in runs[key] if r.peak_pss is not None]
                pss = f"{max(pss_seen):.0f}" if pss_seen else "n/a"
                largest = max(r.peak_largest for r in runs[key])
                print(f"  jobs={jobs}: {rate:5.0f} msg/s ({'CPU' if jobs == 1 else 'wall'}) = "
                      f"{rate / combined:.2f} x combined floor; {cpu:.1f} s CPU, "
                      f"{wall:.1f} s wall; total RSS {rss:.0f} MB, PSS {pss} MB, "
                      f"largest process {largest:.0f} MB; rows {last.data['rows']}, "
                      f"rejections {last.data['rejections']}")
                growth.setdefault(jobs, []).append((n, rss))
    print(f"times: medians of {args.runs} rounds; memory: the largest peak of them")
    for jobs, ((n1, m1), (n2, m2)) in growth.items():
        print(f"memory growth jobs={jobs}: {m2 - m1:+.0f} MB total RSS from {n1} to {n2} "
              f"messages ({(m2 - m1) * 1024 / (n2 - n1):+.2f} KB per message)")


if __name__ == "__main__":
    main()
