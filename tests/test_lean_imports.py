"""spaCy imported without its command line (``extractor.lean_imports``): each case in a fresh interpreter."""
import subprocess
import sys

import pytest


def run(code: str) -> str:
    prefix = "from extractor import lean_imports; assert lean_imports.install(); "
    return subprocess.run([sys.executable, "-c", prefix + code], capture_output=True, text=True, check=True).stdout.strip()


def test_spacy_loads_a_model_without_its_command_line():
    out = run("import spacy, sys; nlp = spacy.blank('en'); print(len(nlp('Bitcoin rose 3%.')), "
              "sorted(m for m in ('spacy.cli.download', 'spacy.cli._util', 'weasel', 'typer') if m in sys.modules))")
    assert out == "5 []"


@pytest.mark.parametrize("code, expected", [
    ("import spacy; from spacy.cli import download; print(download.__module__)", "spacy.cli.download"),
    ("import spacy.cli; print(spacy.cli.info.__module__, spacy.cli.app.info.name)", "spacy.cli.info spacy"),
    ("import spacy; print(type(spacy.info(silent=True)).__name__)", "dict"),
    ("import spacy.cli.download as d; import spacy.cli as c; print(callable(d.download), callable(c.package))", "True True"),
    ("from spacy.cli.info import info; print(sorted(info(silent=True))[0])", "location"),
])
def test_the_command_line_is_there_when_asked_for(code, expected):
    assert run(code) == expected


def test_a_missing_name_is_an_attribute_error():
    assert run("import spacy.cli as c; print(hasattr(c, 'no_such_command'), callable(c.convert))") == "False True"


def test_install_after_spacy_changes_nothing():
    code = "import spacy, sys; from extractor import lean_imports; print(lean_imports.install(), 'weasel' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False True"
