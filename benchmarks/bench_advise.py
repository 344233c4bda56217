"""Throughput, latency and cold start of advise() and analyse(), as ratios of spaCy's floor.

Every figure comes from a fresh process that first warms up on the same few
hundred texts and is then timed on the same first-sight texts: the floor
(``spacy.blank("en")`` + sentencizer through ``nlp.pipe``), ``analyse()`` and
``advise()``.  Throughput is CPU time (the machine may be shared), the median
of several runs, interleaved; cold start compares a fresh ``advise()`` with a
fresh ``import spacy; spacy.blank("en")``.

Usage: python benchmarks/bench_advise.py [--n 1000] [--runs 5] [--cold-runs 5]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

import _measure

ROOT = _measure.ROOT
WARM = 200
COLD_TEXT = ("Thank you for interviewing with us. Unfortunately we have decided to offer "
             "the role to another candidate.")
COLD_ADVISE = f"from rebound_nlp import advise; advise({COLD_TEXT!r})"
COLD_SPACY = "import spacy; spacy.blank('en')"


def corpus(n: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Warm-up records and ``n`` timed records, disjoint, the same in every process."""
    with (ROOT / "data" / "emails.jsonl").open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    random.Random(0).shuffle(records)
    pick = [{"body": r["body"], "subject": r["subject"] or ""} for r in records]
    return pick[:WARM], pick[WARM:WARM + n]


def child(what: str, n: int) -> dict[str, object]:
    """Warm up, then time ``what`` on the first-sight records."""
    warm, records = corpus(n)
    latencies: list[float] = []
    if what == "floor":
        import spacy

        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        list(nlp.pipe(r["body"] for r in warm))
        cpu, wall = time.process_time(), time.perf_counter()
        list(nlp.pipe(r["body"] for r in records))
    elif what == "analyse":
        from rebound_nlp import analyse

        analyse(warm)
        cpu, wall = time.process_time(), time.perf_counter()
        analyse(records)
    elif what == "advise":
        from rebound_nlp import advise

        for r in warm:
            advise(r["body"], r["subject"])
        cpu, wall = time.process_time(), time.perf_counter()
        for r in records:
            t0 = time.perf_counter()
            advise(r["body"], r["subject"])
            latencies.append(time.perf_counter() - t0)
    else:
        raise SystemExit(f"unknown measurement {what!r}")
    return {"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall,
            "latencies": latencies}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="first-sight emails to time")
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per figure")
    parser.add_argument("--cold-runs", type=int, default=5, help="cold starts of each kind")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.n)))
        return

    print(_measure.machine())
    script = str(Path(__file__).resolve())
    cpu: dict[str, list[float]] = {"floor": [], "analyse": [], "advise": []}
    latencies: list[float] = []
    for _ in range(args.runs):
        for what in cpu:
            data = _measure.run([script, "--child", what, "--n", str(args.n)]).data
            cpu[what].append(float(data["cpu"]))  # type: ignore[arg-type]
            latencies += data["latencies"]  # type: ignore[operator]
    cold: dict[str, list[tuple[float, float]]] = {COLD_ADVISE: [], COLD_SPACY: []}
    for _ in range(args.cold_runs):
        for code in cold:
            r = _measure.run(["-c", f"{code}; print('{{}}')"])
            cold[code].append((r.cpu, r.wall))

    _, records = corpus(args.n)
    words = sum(len(r["body"].split()) for r in records) / len(records)
    rate = {k: len(records) / statistics.median(v) for k, v in cpu.items()}
    latencies.sort()
    ms = 1000 * statistics.median(latencies)
    p95 = 1000 * latencies[int(0.95 * len(latencies))]
    cold_cpu = {k: statistics.median(c for c, _ in v) for k, v in cold.items()}
    cold_wall = {k: statistics.median(w for _, w in v) for k, v in cold.items()}
    size = sum(p.stat().st_size for p in (ROOT / "models" / "default").iterdir())

    print(f"emails: {len(records)} first-sight texts ({words:.0f} words on average), each "
          f"process warmed up on {WARM} others; CPU time, median of {args.runs} processes")
    print(f"spaCy blank('en') + sentencizer, nlp.pipe (floor): {rate['floor']:6.0f} emails/s")
    for name, label in (("analyse", "analyse() batched"), ("advise", "advise() one call each")):
        print(f"{label + ':':<51}{rate[name]:6.0f} emails/s  "
              f"{rate[name] / rate['floor']:.2f} x floor")
    print(f"advise() latency: median {ms:.2f} ms, p95 {p95:.2f} ms")
    print(f"cold start advise(): {cold_cpu[COLD_ADVISE]:.2f} s CPU "
          f"({cold_wall[COLD_ADVISE]:.2f} s wall); import spacy + blank('en'): "
          f"{cold_cpu[COLD_SPACY]:.2f} s CPU ({cold_wall[COLD_SPACY]:.2f} s wall); "
          f"{cold_cpu[COLD_ADVISE] / cold_cpu[COLD_SPACY]:.2f} x (median of {args.cold_runs})")
    print(f"model size on disk: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
