"""Throughput and peak memory of analyse_mailbox() on a large synthetic mbox.

Builds an mbox of mixed MIME messages (plain, HTML-only, quoted-printable,
base64, with attachments) from the corpus, then times jobs=1 and jobs=2 in
fresh processes and reports their peak memory, at two mailbox sizes to show
whether memory grows with the mailbox.

Usage: python benchmarks/bench_mailbox.py [--messages 20000]
"""

from __future__ import annotations

import argparse
import json
import mailbox
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import json, resource, sys, time
from rebound_nlp import analyse_mailbox
start = time.perf_counter()
table = analyse_mailbox(sys.argv[1], jobs=int(sys.argv[2]))
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rows": len(table), "seconds": elapsed, "peak_kb": peak,
                  "child_peak_kb": children, "rejections": int(table.is_rejection.sum())}))
"""


def _message(k: int, record: dict, when: datetime) -> EmailMessage:
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
    with (ROOT / "data" / "emails.jsonl").open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    box = mailbox.mbox(path)
    box.lock()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for k in range(n):
        box.add(_message(k, records[k % len(records)], start + timedelta(minutes=37 * k)))
    box.flush()
    box.unlock()


def run(path: Path, jobs: int) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(jobs)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "small.mbox", Path(tmp) / "large.mbox"
        build(small, args.messages // 4)
        build(large, args.messages)
        print(f"mbox: {args.messages} messages, {large.stat().st_size / 1e6:.0f} MB")
        for path, n in ((small, args.messages // 4), (large, args.messages)):
            for jobs in (1, 2):
                r = run(path, jobs)
                peak = max(r["peak_kb"], r["child_peak_kb"]) / 1024
                print(f"{n:6d} msgs jobs={jobs}: {r['rows'] / r['seconds']:7.0f} msg/s, "
                      f"{r['seconds']:6.1f} s, rows {r['rows']}, rejections {r['rejections']}, "
                      f"peak RSS {peak:.0f} MB (largest process)")


if __name__ == "__main__":
    main()
