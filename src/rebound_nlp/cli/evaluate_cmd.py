"""``rebound evaluate``: measure a model on labelled emails."""

from __future__ import annotations

import argparse
from typing import Any

from rebound_nlp.cli.common import add_model_options


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "evaluate",
        help="evaluate a model on labelled emails",
        description="Evaluate a model on the test split of labelled data (all rows when "
        "the data has no split column).",
        epilog="examples:\n  rebound evaluate data/emails.jsonl\n"
        "  rebound evaluate mine.jsonl --model my-model --split all --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("data", help="labelled emails: .jsonl or .csv in the corpus schema")
    add_model_options(p)
    p.add_argument("--split", default="test", choices=("train", "test", "all"),
                   help="which split to use; 'all' for every row")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rebound_nlp.persist import load_model
    from rebound_nlp.training import evaluate, load_dataset

    model = load_model(args.model, trusted=args.trusted)
    report = evaluate(model, load_dataset(args.data), split_name=args.split)
    print(report.to_json() if args.json else report)
    return 0
