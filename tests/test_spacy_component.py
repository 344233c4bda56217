"""The ``rebound`` spaCy component on other pipelines, and Docs the model cannot read."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from conftest import ROOT
from rebound_nlp import advise, load_model
from rebound_nlp.errors import DocError, ReboundError, UntrustedModelError
from rebound_nlp.labels import KINDS, TONES
from rebound_nlp.nlp import CUE_EXTENSION, make_doc
from rebound_nlp.spacy_component import SPANS_KEY, ReboundComponent

FEEDBACK = (
    "Dear Priya,\n\nThank you for coming in on Thursday. I'm sorry to say we have offered the "
    "role to another candidate. The main gap was hands-on SQL experience.\n\nBest,\nDaniel"
)
TEXTS = [
    FEEDBACK,
    "Hi Sam,\nThanks for applying. We'd like to invite you to a phone interview next week.",
    "Dear Applicant,\n\nAfter careful review, we will not be moving forward with your "
    "application at this time.\n\nRegards,\nTalent Acquisition",
    "Lunch on Friday? The usual place at noon.",
    "",
]
TEXT_IDS = ["feedback", "invite", "form-letter", "not-job", "empty"]


class WhitespaceTokenizer:
    """Splits on spaces only, so punctuation and line breaks stay inside tokens."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words = text.split(" ") if text else []
        spaces = [True] * (len(words) - 1) + [False] * bool(words)
        return Doc(self.vocab, words=words, spaces=spaces)


def _blank() -> Language:
    return spacy.blank("en")


def _with_sentences() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _other_tokens() -> Language:
    nlp = spacy.blank("en")
    nlp.tokenizer = WhitespaceTokenizer(nlp.vocab)
    nlp.add_pipe("sentencizer", config={"punct_chars": ["\n\n"]})
    return nlp


PIPELINES = [_blank, _with_sentences, _other_tokens]


@pytest.mark.parametrize("make_nlp", PIPELINES, ids=["blank", "sentencizer", "other-tokens"])
@pytest.mark.parametrize("text", TEXTS, ids=TEXT_IDS)
def test_component_equals_advise(make_nlp, text: str) -> None:
    nlp = make_nlp()
    nlp.add_pipe("rebound")
    doc = nlp(text)
    expected = advise(text)
    assert doc._.rebound == expected
    # Spans cover their feedback sentence, widened to the host's token boundaries.
    spans = list(doc.spans[SPANS_KEY])
    assert [s.label_ for s in spans] == [f.category for f in expected.feedback]
    for span, item in zip(spans, expected.feedback, strict=True):
        assert span.start_char <= item.start < item.end <= span.end_char
        assert item.text in span.text
    assert doc.cats == {**{f"kind:{k}": p for k, p in expected.kind_probabilities.items()},
                        **{f"tone:{t}": p for t, p in expected.tone_probabilities.items()}}


def test_cats_names() -> None:
    nlp = _blank()
    nlp.add_pipe("rebound")
    rejection, other = nlp(FEEDBACK), nlp(TEXTS[1])
    assert set(rejection.cats) == {f"kind:{k}" for k in KINDS} | {f"tone:{t}" for t in TONES}
    assert set(other.cats) == {f"kind:{k}" for k in KINDS}
    assert rejection.cats["kind:rejection"] == rejection._.rebound.rejection_probability


def test_other_categories_are_kept() -> None:
    nlp = _blank()
    nlp.add_pipe("rebound")
    doc = nlp.make_doc(FEEDBACK)
    doc.cats["mine"] = 0.25
    assert nlp.get_pipe("rebound")(doc).cats["mine"] == 0.25


def test_pipe_equals_call() -> None:
    nlp = _with_sentences()
    nlp.add_pipe("rebound")
    docs = list(nlp.pipe(TEXTS, batch_size=2))
    assert [d._.rebound for d in docs] == [advise(t) for t in TEXTS]


def test_advice_survives_serialisation() -> None:
    nlp = _blank()
    nlp.add_pipe("rebound")
    doc = nlp(FEEDBACK)
    again = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert again._.rebound == doc._.rebound
    assert [(s.label_, s.text) for s in again.spans[SPANS_KEY]] == [
        (s.label_, s.text) for s in doc.spans[SPANS_KEY]]
    assert again.cats == doc.cats
    stored = DocBin(docs=[doc], store_user_data=True)
    (loaded,) = DocBin().from_bytes(stored.to_bytes()).get_docs(nlp.vocab)
    assert loaded._.rebound == doc._.rebound


def test_pipe_in_worker_processes() -> None:
    # Worker processes send Docs back with Doc.to_bytes, so the Advice must serialise.
    nlp = _blank()
    nlp.add_pipe("rebound")
    docs = list(nlp.pipe(TEXTS[:3], n_process=2, batch_size=1))
    assert [d._.rebound for d in docs] == [advise(t) for t in TEXTS[:3]]


def test_model_folder_from_config(tmp_path: Path) -> None:
    folder = str(ROOT / "models" / "default")
    with pytest.raises(UntrustedModelError):
        _blank().add_pipe("rebound", config={"model": folder})
    nlp = _blank()
    component = nlp.add_pipe("rebound", config={"model": folder, "trusted": True})
    assert isinstance(component, ReboundComponent)
    assert component.model is not load_model()
    assert nlp(FEEDBACK)._.rebound == advise(FEEDBACK)
    # The pipeline is saved as its config and rebuilt from the factory.
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.get_pipe_config("rebound") == {"factory": "rebound", "model": folder,
                                                 "trusted": True}
    assert loaded(FEEDBACK)._.rebound == advise(FEEDBACK)


def test_factories_found_without_importing_rebound_nlp() -> None:
    names = {ep.name: ep.value for ep in entry_points(group="spacy_factories")}
    assert names["rebound"] == "rebound_nlp.spacy_component:make_rebound"
    assert {"rebound_cues", "rebound_line_breaks"} <= set(names)
    code = (
        "import spacy\n"
        "nlp = spacy.blank('en')\n"
        "nlp.add_pipe('rebound')\n"
        f"print(nlp({FEEDBACK!r})._.rebound.kind)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "rejection"


@pytest.fixture
def without_cue_extension() -> Iterator[None]:
    """A process in which rebound_nlp's own pipeline was never built."""
    if Doc.has_extension(CUE_EXTENSION):
        Doc.remove_extension(CUE_EXTENSION)
    yield
    if not Doc.has_extension(CUE_EXTENSION):
        Doc.set_extension(CUE_EXTENSION, default=None)


@pytest.mark.usefixtures("without_cue_extension")
def test_cue_component_on_any_pipeline() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("rebound_cues")
    cues = nlp("We regret to inform you")._.get(CUE_EXTENSION)
    assert ("REGRET", 1, 2) in cues


@pytest.mark.usefixtures("without_cue_extension")
def test_predict_refuses_doc_without_extension() -> None:
    with pytest.raises(DocError, match="another spaCy pipeline"):
        load_model().predict([spacy.blank("en")(FEEDBACK)], [""])


def test_predict_refuses_doc_of_another_pipeline() -> None:
    model = load_model()
    model.predict([make_doc(FEEDBACK)], [""])  # registers the extension
    with pytest.raises(DocError) as info:
        model.predict([make_doc(FEEDBACK), _with_sentences()(FEEDBACK)], ["", ""])
    assert isinstance(info.value, ReboundError) and isinstance(info.value, ValueError)
    assert "nlp.add_pipe('rebound')" in str(info.value)


def test_readme_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Inside a spaCy pipeline\n", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    doc = namespace["doc"]
    assert doc._.rebound == advise(doc.text)
    assert [s.label_ for s in doc.spans[SPANS_KEY]] == ["skills"]
