"""Types of the compiled kernel (``_kernel.pyx``)."""

from collections.abc import Callable
from typing import Any

import numpy as np

class HashColumns:
    def __init__(self, hashes: np.ndarray) -> None: ...
    def find(self, keys: np.ndarray) -> np.ndarray: ...

def feature_rows(
    table: HashColumns,
    max_len: int,
    powers: np.ndarray,
    word_prefix: int,
    pair_prefix: int,
    sents: np.ndarray,
    sent_words: np.ndarray,
    word_ids: np.ndarray,
    word_chars: np.ndarray,
    vocab_hashes: np.ndarray,
    vocab_lengths: np.ndarray,
    named: dict[str, int],
    head_sizes: list[int],
    head_names: list[str],
    head_spans: list[int],
    tail_sizes: list[int],
    tail_names: list[str],
    tail_spans: list[int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]: ...
def scan_words(
    table: np.ndarray,
    doc_first: np.ndarray,
    kept_punct: np.ndarray,
    num_key: int,
    email_key: int,
    url_key: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]: ...
def group_words(
    table: np.ndarray,
    doc_first: np.ndarray,
    words: np.ndarray,
    word_ids: np.ndarray,
    sent_id: np.ndarray,
    sent_starts: np.ndarray,
    vocab_alnum: np.ndarray,
    vocab_negation: np.ndarray,
    vocab_thanks: np.ndarray,
    cue_first: np.ndarray,
    cue_last: np.ndarray,
    negation_window: int,
) -> dict[str, Any]: ...
def layer_outputs(
    indptr: np.ndarray,
    cols: np.ndarray,
    counts: np.ndarray,
    idf: np.ndarray,
    sublinear: bool,
    weights: np.ndarray,
    bias: np.ndarray,
    group_starts: np.ndarray,
    group_widths: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]: ...
HASH_BASE: int

def hash_text(text: str) -> int: ...
def hash_names(text: str, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...
def pick_evidence(
    weighted: np.ndarray,
    usable: np.ndarray,
    spans: np.ndarray,
    text: str,
    outputs: list[list[tuple[int, float]]],
    size: int,
) -> list[tuple[str, ...]]: ...
def sentence_starts(
    text: str, table: np.ndarray, short_line: int, punct_keys: np.ndarray
) -> np.ndarray: ...
def batch_vocabulary(
    keys: np.ndarray, known: dict[int, Any], new_entry: Callable[[int], Any]
) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]: ...
