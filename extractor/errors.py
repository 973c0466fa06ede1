"""Exception types of the library. Each carries one clear line for the user."""
from __future__ import annotations


class ExtractorError(Exception):
    """Base of every error the extractor raises on purpose."""


class InputError(ExtractorError):
    """A document cannot be read: missing, unreadable, undecodable, too large, empty."""


class DateError(ExtractorError):
    """A date given by the user (or a sidecar) does not parse."""


class ModelError(ExtractorError):
    """The spaCy model named in the settings cannot be loaded."""


class StoreError(ExtractorError):
    """The facts database cannot be opened, read or written (not a database, bad SQL, locked too long)."""


class StoreVersionError(StoreError):
    """The facts database was written with an incompatible schema version."""


class LexiconError(ExtractorError):
    """A data file (lexicon, pattern list, word list) is missing, malformed or invalid."""


class RuleCrash(ExtractorError):
    """A rule component crashed on an article (raised in strict mode; logged and skipped otherwise)."""


class EngineError(ExtractorError):
    """A batch engine cannot run: Ray is not installed, the cluster cannot be reached, the workers cannot start."""
