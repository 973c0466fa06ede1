"""Builds the spaCy pipeline once and turns cleaned articles into validated records.

The pipeline is spaCy's English tokenizer (no statistical model) plus rule
components; the statistical NER runs only inside ``fin_persons``, on short
windows around possible names in the sentences that can name a speaker.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokenizer import Tokenizer

from extractor.clean import CleanArticle, clean, load
from extractor.clean.meta import Meta, parse_date
from extractor.data import activate
from extractor.facts import FACT_COMPONENTS, register
from extractor.facts.doc import view
from extractor.facts.model import affix_tokenizer
from extractor.records import Article, ArticleRecord, Explanation
from extractor.settings import Settings

log = logging.getLogger(__name__)


def drop_redundant_special_cases(tokenizer: Tokenizer) -> list[str]:
    r"""Drop the tokenizer's special cases that change nothing: one token, its text only (no NORM),
    which the affix rules alone also leave as that one token ("\n", " ", "’", "—", "C++").

    They cost time: spaCy stops caching the words of a Doc once a special case fired in it
    (``has_special``, explosion/spaCy#1250, meant for special cases that set NORM), and "\n" fires
    in every article after its first line, so almost every word was tokenized from scratch.
    Without them the tokens are the same (the affix rules split such a string exactly as the
    special case does, wherever it stands) and the cache serves the words after the first line too.
    Returns the strings dropped.

    >>> nlp = spacy.blank("en")
    >>> dropped = drop_redundant_special_cases(nlp.tokenizer)
    >>> "\n" in dropped and "Feb." not in dropped and "don't" not in dropped
    True
    >>> [t.text for t in nlp.make_doc("Acme’s CEO\n\n(I.E. it's 5—6 Feb.) :)")]
    ['Acme', '’s', 'CEO', '\n\n', '(', 'I.E.', 'it', "'s", '5—6', 'Feb.', ')', ':)']
    """
    return sorted(_lean_rules(tokenizer, tokenizer.rules, _without_rules(tokenizer)))


def _without_rules(tokenizer: Tokenizer) -> Tokenizer:
    """A tokenizer with ``tokenizer``'s vocab and affix rules and no special cases."""
    return Tokenizer(tokenizer.vocab, rules={}, prefix_search=tokenizer.prefix_search,
                     suffix_search=tokenizer.suffix_search, infix_finditer=tokenizer.infix_finditer,
                     token_match=tokenizer.token_match, url_match=tokenizer.url_match)


def _lean_rules(tokenizer: Tokenizer, rules: dict, bare: Tokenizer) -> set[str]:
    """Give ``tokenizer`` the special cases of ``rules`` that change something; the others (one
    token, its text only, which ``bare``, the tokenizer without special cases, leaves whole) are
    returned."""
    dropped = {k for k, v in rules.items() if v == [{ORTH: k}] and [t.text for t in bare(k)] == [k]}
    tokenizer.rules = {k: v for k, v in rules.items() if k not in dropped}
    return dropped


@spacy.registry.tokenizers("extractor.lean_tokenizer.v1")
def lean_tokenizer():
    r"""spaCy's tokenizer for the language (``spacy.Tokenizer.v1``) without the special cases
    ``drop_redundant_special_cases`` drops, built without them: spaCy loads a tokenizer's special
    cases one by one (about 0.1 s for English), and loading them all and then the rest again cost
    that twice at every start-up.

    >>> nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "extractor.lean_tokenizer.v1"}}})
    >>> other = spacy.blank("en"); _ = drop_redundant_special_cases(other.tokenizer)
    >>> nlp.tokenizer.rules == other.tokenizer.rules and "\n" not in nlp.tokenizer.rules
    True
    """
    def factory(nlp: Language) -> Tokenizer:
        tokenizer = affix_tokenizer(nlp)  # the arguments spaCy's own factory gives, but no special case yet
        _lean_rules(tokenizer, nlp.Defaults.tokenizer_exceptions, tokenizer)  # (the rule-less tokenizer is its own bare one)
        return tokenizer

    return factory


def build_nlp(settings: Settings | None = None) -> Language:
    """spaCy's blank English tokenizer + sentence rules + (lazy) NER + the fact components."""
    settings = settings or Settings()
    activate(settings.data_dir)  # a broken data file fails here, with one line
    register()
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "extractor.lean_tokenizer.v1"}}})
    nlp.add_pipe("fin_sentences")
    nlp.add_pipe("fin_persons", config={"model": settings.model, "enabled": settings.use_model})
    for name in FACT_COMPONENTS:
        defaults = nlp.get_factory_meta(name).default_config or {}
        config = {"strict": settings.strict} if "strict" in defaults else {}
        if "parser_model" in defaults:  # the parser reads the sentences the rules cannot decide
            config["parser_model"] = settings.model if settings.use_model else ""
        nlp.add_pipe(name, config=config)
    return nlp


def _fact_key(fact) -> tuple:
    return (fact.evidence.start, fact.evidence.end, fact.type, fact.model_dump_json())


def unique_sorted(facts: list) -> list:
    """``facts`` without duplicates, sorted by ``_fact_key``, serialising to JSON only the facts that
    share their evidence span and type with another (the JSON decides only between those).

    >>> from types import SimpleNamespace as N
    >>> f = lambda s, t, j: N(evidence=N(start=s, end=s + 1), type=t, model_dump_json=lambda: j)
    >>> [x.model_dump_json() for x in unique_sorted([f(5, "price", "b"), f(1, "quote", "z"), f(5, "price", "a"), f(5, "price", "b")])]
    ['z', 'a', 'b']
    """
    groups: dict[tuple, list] = {}
    for fact in facts:
        groups.setdefault((fact.evidence.start, fact.evidence.end, fact.type), []).append(fact)
    out = []
    for key in sorted(groups):
        group = groups[key]
        if len(group) == 1:
            out.append(group[0])
        else:
            out.extend(sorted({_fact_key(f): f for f in group}.values(), key=_fact_key))
    return out


class Extractor:
    """A reusable extractor: build once, feed many documents (``pipe``)."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()
        self.nlp = build_nlp(self.settings)

    def _doc(self, article: CleanArticle, tracing: bool = False):
        doc = self.nlp.make_doc(article.text)
        doc.user_data["fin_tracing"] = tracing
        doc.user_data["fin_text"] = article.text  # the tokenizer keeps every character: no need to rebuild doc.text
        doc.user_data["published"] = article.published
        return doc

    def _record(self, article: CleanArticle, doc) -> ArticleRecord:
        facts = unique_sorted(doc._.facts)
        if article.language != "en":  # every rule is written for English (clean() already warned)
            facts = []
        warnings = list(article.warnings) + view(doc).warnings
        if len(facts) > self.settings.max_facts:
            warnings.append(f"{len(facts)} facts found; kept the first {self.settings.max_facts} (max_facts)")
            facts = facts[: self.settings.max_facts]
        return ArticleRecord(
            article=Article(
                id=article.id,
                source=article.source,
                url=article.url,
                title=article.title,
                published=article.published,
                modified=article.modified,
                language=article.language,
                text=article.text,
            ),
            facts=facts,
            warnings=warnings,
        )

    def docs(self, articles: Iterable[CleanArticle], *, tracing: bool = False) -> Iterator[tuple[CleanArticle, "Doc"]]:
        """``(article, processed Doc)`` for many cleaned articles, through ``nlp.pipe`` in batches
        (``tracing``: candidates keep the trace of the rules tried, for ``explain``)."""
        pending: list[CleanArticle] = []

        def make():
            for art in articles:
                pending.append(art)
                yield self._doc(art, tracing)

        for doc in self.nlp.pipe(make(), batch_size=self.settings.batch_size):
            yield pending.pop(0), doc

    def pipe(self, articles: Iterable[CleanArticle]) -> Iterator[ArticleRecord]:
        """Records for many cleaned articles, through ``nlp.pipe`` in batches."""
        for article, doc in self.docs(articles):
            record = self._record(article, doc)
            # The Doc's user_data holds the per-Doc caches and candidates, and they refer back to the
            # Doc: a cycle that only the collector's oldest generation would free, hundreds of
            # objects per article. Emptied here, the Doc and all of them go by reference counting.
            doc.user_data.clear()
            yield record

    def explain_article(self, article: CleanArticle, at: int | None = None) -> Explanation:
        """Every candidate the fact components looked at in ``article`` (those covering offset
        ``at`` only, when given): its status, the rule that decided, and the rules tried."""
        from extractor.facts.explain import explanation

        _, doc = next(self.docs([article], tracing=True))
        return explanation(doc, article, at)

    def explain(self, text_or_html: str | bytes, *, at: int | None = None, source: str | None = None,
                published: str | None = None, url: str | None = None) -> Explanation:
        """``explain_article`` for a document given as a string (HTML or text, sniffed)."""
        meta = Meta(url=url, published=parse_date(published) if published else None)
        return self.explain_article(clean(text_or_html, source=source or "<string>", meta=meta, settings=self.settings), at)

    def explain_path(self, path: str | Path, *, at: int | None = None, published: str | None = None, url: str | None = None) -> Explanation:
        return self.explain_article(load(path, published=published, url=url, settings=self.settings), at)

    def extract_article(self, article: CleanArticle) -> ArticleRecord:
        return next(self.pipe([article]))

    def extract(self, text_or_html: str | bytes, *, source: str | None = None, published: str | None = None, url: str | None = None) -> ArticleRecord:
        """One document given as a string (HTML or text, sniffed) -> record."""
        meta = Meta(url=url, published=parse_date(published) if published else None)
        article = clean(text_or_html, source=source or "<string>", meta=meta, settings=self.settings)
        return self.extract_article(article)

    def extract_path(self, path: str | Path, *, published: str | None = None, url: str | None = None) -> ArticleRecord:
        return self.extract_article(load(path, published=published, url=url, settings=self.settings))


_DEFAULT: Extractor | None = None


def extract(text_or_html: str | bytes, *, source: str | None = None, published: str | None = None, url: str | None = None) -> ArticleRecord:
    """Extract one article with a process-wide default ``Extractor`` (built on first call)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Extractor()
    return _DEFAULT.extract(text_or_html, source=source, published=published, url=url)
