"""``rebound train``: fit a model on labelled emails and save it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "train",
        help="train a model on labelled emails",
        description="Train every head the data has labels for, evaluate it on the test "
        "split if there is one, and save it with its manifest and model card.",
        epilog="examples:\n  rebound train data/emails.jsonl --out my-model --seed 0\n"
        "  rebound train data/emails.jsonl --out my-model --general path/to/general-mail",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("data", help="labelled emails: .jsonl or .csv in the corpus schema")
    p.add_argument("--out", required=True, help="model directory to write (replaced)")
    p.add_argument("--config", help="JSON file of TrainConfig overrides")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--format", choices=("joblib", "skops"), default="joblib")
    p.add_argument("--eval", action="append", default=[], metavar="NAME=PATH",
                   help="also evaluate on this labelled file and record it as NAME "
                   "(skipped with a note when PATH is missing)")
    p.add_argument("--general", metavar="DIR",
                   help="folder of real general mail (mbox + manifest.csv) to learn from as "
                   "not_job (skipped with a note when DIR is missing)")
    p.add_argument("--hold-out", action="append", metavar="SOURCE",
                   help="general-mail source to keep out of training and report the "
                   "false-rejection rate on (repeatable; default: enron:farmer-d and spam)")
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rebound_nlp.training import build_model

    config = json.loads(Path(args.config).read_text()) if args.config else None
    extra = {}
    for item in args.eval:
        name, sep, path = item.partition("=")
        if not sep:
            raise SystemExit(f"rebound train: --eval takes NAME=PATH, got {item!r}")
        if Path(path).exists():
            extra[name] = path
        else:
            print(f"note: {path} not found; no {name} metrics")
    general = args.general
    if general and not Path(general).exists():
        print(f"note: {general} not found; training without general mail")
        general = None
    holdout = {} if args.hold_out is None else {"general_holdout": tuple(args.hold_out)}
    model = build_model(args.data, config=config, seed=args.seed, extra_eval=extra,
                        general=general, progress=not args.no_progress, **holdout)
    path = model.save(args.out, format=args.format)
    print(f"saved {path}")
    for split, metrics in model.manifest.get("metrics", {}).items():
        print(f"{split}: " + ", ".join(f"{k} {v:.3f}" for k, v in metrics.items()))
    return 0
