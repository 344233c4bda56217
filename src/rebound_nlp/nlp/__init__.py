"""The spaCy layer: a blank English pipeline with our own rule components."""

from rebound_nlp.nlp.pipeline import (
    CUE_EXTENSION,
    MAX_CHARS,
    TOKEN_ATTRS,
    doc_text,
    get_nlp,
    make_doc,
    make_docs,
)

__all__ = ["CUE_EXTENSION", "MAX_CHARS", "TOKEN_ATTRS", "doc_text", "get_nlp", "make_doc",
           "make_docs"]
