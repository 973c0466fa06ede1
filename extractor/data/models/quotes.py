"""Models of the data files of fin_quotes and the shared people module (``facts/speakers.py``)."""
from __future__ import annotations

from pydantic import Field

from extractor.data.models.base import Lexicon, Patterns, Phrases


class QuoteLexicon(Lexicon):
    """``quote_lexicon.json``: who can be a speaker, what titles look like, what a quoted label is.

    Every list holds literal words or phrases (matched case-insensitively as whole words). The
    reporting verbs live in ``reporting_verbs.txt``.
    """

    roles: Phrases = Field(description="role nouns: 'strategist Ann Lee' names a person; an appositive holding one is a speaker_role")
    role_abbreviations: dict[str, Phrases] = Field(default_factory=dict, description="a role written short (lower case) -> the "
                                                   "titles it stands for ('cio' -> 'chief investment officer'): 'the CIO said' is "
                                                   "the person given the long title")
    honorifics: Phrases = Field(description="titles stripped from names ('Dr.', 'Ms') and skipped between a role noun and a name")
    org_words: Phrases = Field(description="words that make a capitalised name an organisation ('Capital', 'Labs', 'Research')")
    not_first_names: Phrases = Field(description="capitalised words that never start a person's name (sentence openers, months, 'Analyst')")
    pronouns: Phrases = Field(description="pronouns that stand for the running speaker next to a reporting verb ('he said')")
    person_only_roles: Phrases = Field(default_factory=list, description="role nouns only a person holds: 'Ann Lee is an independent "
                                       "analyst' names a person without saying where the role is held (a firm can be 'a broker')")
    not_name_words: Phrases = Field(default_factory=list, description="words no person's name holds anywhere (pronouns: 'trading X. We asked' is no 'X. We')")
    source_pronouns: Phrases = Field(default_factory=list, description="a source phrase ending in an object pronoun that stands for the running speaker ('according to her')")
    non_speakers: Phrases = Field(description="words and phrases that are never speakers ('it', 'the firm', 'analysts')")
    name_particles: Phrases = Field(description="lower-case particles inside names ('van der', 'de'): part of the surname")
    org_heads: Phrases = Field(description="nouns after which a capitalised name is an organisation ('the payments company Tern Pay')")
    title_small_words: Phrases = Field(description="small words a Title Case label may hold in lower case ('of', 'the', 'and')")
    role_stop_words: Phrases = Field(description="words at which a role written before a name stops ('... said at the firm strategist Ann Lee')")
    role_end_words: Phrases = Field(description="words that end a role written after a name (', chief analyst at Acme, in a note')")
    copular_role_verbs: Phrases = Field(default_factory=list, description="verbs that give a name its role in a clause of its "
                                        "own ('Ann Lee is head of research at Acme', 'Ann Lee serves as chief economist'): "
                                        "a role phrase after one vouches for a person")
    ner_reporting_verbs: Phrases = Field(description="the reporting verbs (each one of reporting_verbs.txt) that send a sentence "
                                         "to the NER: a narrower set than the quote cues keeps the model's windows few")
    estimate_verbs: Phrases = Field(description="verbs that attribute an estimate or a view to someone ('sees', 'projected') but "
                                    "are not quote cues: with the reporting verbs, they send a sentence to the NER (persons.py)")
    noun_markers: Phrases = Field(description="words after which a reporting word is a noun, not a cue ('the remarks', 'his comments'); "
                                  "a possessive ('Ann Lee's remarks') does the same")
    passive_auxiliaries: Phrases = Field(description="auxiliaries that make a reporting verb passive ('traders are told'): the person "
                                         "next to it is not the speaker")
    addressee_verbs: Phrases = Field(description="reporting verbs whose object is not the speaker: the listener ('told Ann Lee', "
                                     "'asked Ann Lee') or what is described ('describing Hong Kong's approach as \"...\"'), "
                                     "unless the verb follows a quote ('\"Why?\" asked Ann Lee')")
    remark_nouns: Phrases = Field(description="nouns that carry a person's words after a possessive ('Ann Lee's remark that \"...\"', "
                                  "'her pledge to turn it into \"...\"')")
    view_openers: Phrases = Field(description="sentence openers that attribute a view to the person after them ('To Ann Lee, ...', "
                                  "'For Ann Lee, ...')")
    frame_before_patterns: Patterns = Field(description="regexes for what may stand right before a quote that frames the "
                                            "subject's words with no reporting verb ('as', 'into', 'it', a colon): \"Ann Lee "
                                            "framed the move as “...”\"")
