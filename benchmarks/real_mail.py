"""How often models call real general mail a rejection, on sources they never trained on.

Trains one model per rotation of the general-mail sources (corpus train split plus
the general mail of every source but the held-out ones) and reports, for the
held-out sources, the share called a rejection and the share called job mail.
The shipped model is the first rotation (`make model`).

Usage: python benchmarks/real_mail.py [--general ../shared/realworld/general]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rebound_nlp.training import load_dataset, train
from rebound_nlp.training.evaluate import false_rejections
from rebound_nlp.training.general import SHIPPED_HELDOUT_SOURCES, load_general_mail

ROOT = Path(__file__).resolve().parents[1]
ROTATIONS = (
    SHIPPED_HELDOUT_SOURCES,
    ("enron:beck-s", "spam"),
    ("enron:kaminski-v", "spam"),
    ("sa_ham",),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--general", default=str(ROOT.parent / "shared" / "realworld" / "general"),
                        help="folder of general mail (mbox + manifest.csv)")
    args = parser.parse_args()
    corpus = load_dataset(ROOT / "data" / "emails.jsonl")
    general = load_general_mail(args.general)
    print("| held out | messages | called a rejection | called job mail |")
    print("|---|---|---|---|")
    for held in ROTATIONS:
        is_held = general["source"].isin(held)
        model = train(corpus, general=general[~is_held])
        result = false_rejections(model, general[is_held])
        print(f"| {' + '.join(held)} | {int(result['n'])} | "
              f"{result['false_rejection_rate']:.4f} | {result['job_rate']:.4f} |", flush=True)


if __name__ == "__main__":
    main()
