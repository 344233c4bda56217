"""Write the shipped model's advice on the corpus test split: the regression
snapshot that ``tests/test_snapshot.py`` holds every refactor to.

Run after ``make model``: ``python tests/data/make_snapshot.py``.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from rebound_nlp import advise, load_model

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = Path(__file__).with_name("test_split_advice.jsonl.gz")


def main() -> None:
    with (ROOT / "data" / "emails.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    with gzip.open(SNAPSHOT, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"model_files": load_model().manifest["files"]}) + "\n")
        for r in rows:
            if r["split"] == "test":
                advice = advise(r["body"], r["subject"]).to_dict()
                out.write(json.dumps({"id": r["id"], **advice}, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
