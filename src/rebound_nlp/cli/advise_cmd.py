"""``rebound advise``: one email's advice, readable or as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rebound_nlp.advice import Advice
from rebound_nlp.analyzer import advise
from rebound_nlp.cli.common import add_model_options


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "advise",
        help="print one email's advice",
        description="Read one email (plain text, or a raw .eml message) and print its advice.",
        epilog="examples:\n  rebound advise email.txt\n  cat email.txt | rebound advise - --json\n"
        "  rebound advise email.eml --model my-model",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", nargs="?", default="-", help="a text or .eml file; - for stdin")
    p.add_argument("--subject", default="", help="subject line for plain-text input")
    p.add_argument("--json", action="store_true", help="print the full Advice as JSON")
    add_model_options(p)
    p.set_defaults(run=run)


def format_advice(a: Advice) -> str:
    """Advice as a short, readable text."""
    if not a.is_rejection:
        return (f"Not a job rejection: {a.kind or 'not job mail'} "
                f"(probability of rejection {a.rejection_probability:.2f}).")
    lines = [
        f"Job rejection (probability {a.rejection_probability:.2f})",
        f"  tone:   {a.tone}",
        f"  stage:  {a.stage or 'unclear'}",
        f"  reasons: {', '.join(a.reasons) or 'none given'}",
        f"  invites a future application: {'yes' if a.future_invite else 'no'}; "
        f"offers feedback: {'yes' if a.feedback_offer else 'no'}",
    ]
    if a.feedback:
        lines.append("  feedback:")
        lines += [f"    [{f.category}] {' '.join(f.text.split())}" for f in a.feedback]
    for decision, phrases in a.evidence.items():
        if phrases:
            lines.append(f"  evidence for {decision}: " + "; ".join(repr(p) for p in phrases))
    top = a.strategy
    if top is not None:
        lines += ["", f"Strategy {top.number}: {top.title}", f"  {top.why}", "  Next steps:"]
        lines += [f"   - {step}" for step in top.actions]
        others = ", ".join(f"{s.number} {s.title}" for s in a.strategies[1:3])
        lines.append(f"  Also relevant: {others}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from rebound_nlp.mail import message_text
    from rebound_nlp.text import MAX_MESSAGE_BYTES

    # No more is analysed than the start of a message: read no more than that.
    if args.file == "-":
        raw = sys.stdin.buffer.read(MAX_MESSAGE_BYTES)
    else:
        try:
            with Path(args.file).open("rb") as fh:
                raw = fh.read(MAX_MESSAGE_BYTES)
        except OSError as exc:
            print(f"rebound advise: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
            return 2
    subject, body = message_text(raw, default_subject=args.subject)
    a = advise(body, subject, model=args.model, trusted=args.trusted)
    print(json.dumps(a.to_dict(), indent=2, ensure_ascii=False) if args.json else format_advice(a))
    return 0
