"""Throughput, latency, cold start and size of advise(), measured in one run.

Usage: python benchmarks/bench_advise.py [--n 1000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cold(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="emails to time")
    parser.add_argument("--runs", type=int, default=5, help="cold-start runs (median)")
    args = parser.parse_args()

    import spacy

    from rebound_nlp import advise, analyse, load_model

    with (ROOT / "data" / "emails.jsonl").open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh][: args.n]
    texts = [r["body"] for r in records]
    words = sum(len(t.split()) for t in texts)

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    list(nlp.pipe(texts[:50]))
    start = time.perf_counter()
    list(nlp.pipe(texts))
    floor = len(texts) / (time.perf_counter() - start)

    load_model()
    for t in texts[:50]:
        advise(t)
    latencies = []
    start = time.perf_counter()
    for t in texts:
        t0 = time.perf_counter()
        advise(t)
        latencies.append(time.perf_counter() - t0)
    loop = len(texts) / (time.perf_counter() - start)

    start = time.perf_counter()
    analyse(texts)
    batch = len(texts) / (time.perf_counter() - start)

    cold = _cold("from rebound_nlp import advise; advise('x')", args.runs)
    bare = _cold("import spacy, sklearn.linear_model", args.runs)
    size = sum(p.stat().st_size for p in (ROOT / "models" / "default").iterdir())

    print(f"emails: {len(texts)} ({words / len(texts):.0f} words on average)")
    print(f"spaCy blank('en') + sentencizer nlp.pipe: {floor:8.0f} emails/s (floor)")
    print(f"advise() one call per email:             {loop:8.0f} emails/s "
          f"({loop / floor:.2f} x floor)")
    print(f"analyse() batched:                       {batch:8.0f} emails/s "
          f"({batch / floor:.2f} x floor)")
    print(f"advise() median latency: {statistics.median(latencies) * 1000:.2f} ms "
          f"(p95 {sorted(latencies)[int(0.95 * len(latencies))] * 1000:.2f} ms)")
    print(f"cold start advise('x'): {cold:.2f} s; bare 'import spacy, sklearn': {bare:.2f} s "
          f"({cold / bare:.2f} x)")
    print(f"model size on disk: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
