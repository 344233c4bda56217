"""``rebound train``: fit a model on labelled emails and save it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rebound_nlp.cli.common import UsageError


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
    p.add_argument("--out", required=True,
                   help="model directory to write; an existing model directory is replaced")
    p.add_argument("--force", action="store_true",
                   help="also replace a file, or a model directory holding other files, at "
                   "--out (never any other directory)")
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


def _config(path: str | None) -> dict[str, Any] | None:
    """The --config file as TrainConfig overrides, checked now rather than after training."""
    if path is None:
        return None
    from rebound_nlp.training import TrainConfig

    try:
        config = json.loads(Path(path).read_bytes())
    except OSError as exc:
        raise UsageError(f"cannot read --config {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:  # bad JSON or bad UTF-8
        raise UsageError(f"--config {path} is not valid JSON: {exc}") from exc
    if not isinstance(config, dict):
        raise UsageError(f"--config {path} holds a JSON {type(config).__name__}; expected an "
                         'object of TrainConfig fields, e.g. {"email_c": 8}')
    TrainConfig.from_dict(config)  # DataError naming the bad field
    return config


def run(args: argparse.Namespace) -> int:
    from rebound_nlp.persist import check_target, save_model
    from rebound_nlp.training import build_model

    # Everything that can be wrong is checked before training starts.
    check_target(args.out, force=args.force)
    config = _config(args.config)
    data = Path(args.data)
    if not data.is_file():
        raise UsageError(f"{data} is not a file; expected labelled emails (.jsonl or .csv)")
    out = Path(args.out).resolve()
    if out == data.resolve() or out in data.resolve().parents:
        raise UsageError(f"--out {args.out} would replace the training data {data}; "
                         "choose another path")
    extra = {}
    for item in args.eval:
        name, sep, path = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--eval takes NAME=PATH, got {item!r}")
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
    path = save_model(model, args.out, format=args.format, force=args.force)
    print(f"saved {path}")
    for split, metrics in model.manifest.get("metrics", {}).items():
        print(f"{split}: " + ", ".join(f"{k} {v:.3f}" for k, v in metrics.items()))
    return 0
