"""The on-disk table of compiled regexes (extractor.recache): a rebuilt pattern is the pattern re compiles."""
from __future__ import annotations

import json
from array import array
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from extractor import recache
from extractor.rx import Caseless, PrunedCaseless

PATTERNS = [
    (r"(?<![\w$&])(?P<amount>\d{1,3}(?:,\d{3})*(?:\.\d+)?)\s*(?P<unit>[kmb]n?|million|billion)?(?![\w-])", re.IGNORECASE),
    (r"""
        (?P<verb>rose|fell|(?:climb|slipp)ed)   # a move
        \s+(?P<pct>\d+(?:\.\d+)?)\s*%
     """, re.VERBOSE),
    (r"(?i)\bnet\s+(?:in|out)flows?\b|(?-i:ETF)s?", 0),
    (r"(['’])(?P<q>[^'’\n]{1,80})\1", 0),
    (r"^\s*[-*•]\s+(?P<item>.+)$", re.MULTILINE),
    (r"(?:a|b)*?c{2,}(?=d)(?!e)", re.DOTALL),
    ("ünïcödé\\s+€\\d+", re.UNICODE),
]
TEXTS = ["Net inflows of 1,234.5 million; ETFs rose 3.5 %", "  - first item\n* 'second' ’quote’ ccccd", "ÜNÏCÖDÉ €12"]


def _fresh(path: Path) -> recache.PatternTable:
    return recache.PatternTable(path)


def test_a_rebuilt_pattern_equals_what_re_compiles(tmp_path):
    path = tmp_path / "t.marshal"
    first = _fresh(path)
    compiled = [first.compile(p, f) for p, f in PATTERNS]
    assert first.hits == 0 and len(first.new) == len(PATTERNS)
    assert first.save() and path.exists()
    second = _fresh(path)
    rebuilt = [second.compile(p, f) for p, f in PATTERNS]
    assert second.hits == len(PATTERNS) and not second.new
    for (p, f), a, b in zip(PATTERNS, compiled, rebuilt):
        plain = re._compiler.compile(p, f)  # re's own compiler, no table
        assert a == plain and b == plain, p
        assert b.groupindex == plain.groupindex and b.groups == plain.groups and b.flags == plain.flags
        for text in TEXTS:
            assert [m.span() for m in b.finditer(text)] == [m.span() for m in plain.finditer(text)]
            assert [m.groupdict() for m in b.finditer(text)] == [m.groupdict() for m in plain.finditer(text)]
    assert not second.save()  # nothing new: the file is left alone


def test_an_unreadable_file_is_ignored_and_replaced(tmp_path):
    path = tmp_path / "t.marshal"
    path.write_bytes(b"\x00not marshal at all")
    table = _fresh(path)
    assert table.known == {}
    assert table.compile(r"\d+%", 0) == re._compiler.compile(r"\d+%", 0)
    assert table.save() and _fresh(path).known.keys() == {(r"\d+%", 0)}


def test_a_program_re_refuses_is_compiled_again(tmp_path):
    """A stored program _sre's validation rejects (a damaged file) never becomes a pattern."""
    path = tmp_path / "t.marshal"
    table = _fresh(path)
    table.known[(r"(a)(b)", 0)] = (32, array(recache._CODE, [1, 2, 3]).tobytes(), 1, {}, (None, None, None))
    assert table.compile(r"(a)(b)", 0) == re._compiler.compile(r"(a)(b)", 0)
    assert table.hits == 0 and (r"(a)(b)", 0) in table.new


def test_a_pattern_given_as_a_str_subclass_is_kept_as_a_str(tmp_path):
    """lxml hands re the strings of its XPath results (a subclass of str): the table keys and keeps
    them as plain strings, so the file can still be written (such a pattern once made every write of
    a run that cleaned HTML fail, and its new programs were compiled again by every run)."""

    class XPathString(str):
        pass

    path = tmp_path / "t.marshal"
    table = _fresh(path)
    pattern = XPathString(r"^(?:comment|disqus)[-_]thread|article-?body")
    assert table.compile(pattern, 32) == re._compiler.compile(str(pattern), 32)
    assert table.compile(r"\d+ bps", 0) is not None
    assert table.save()
    assert _fresh(path).known.keys() == {(str(pattern), 32), (r"\d+ bps", 0)}
    assert all(type(key[0]) is str for key in _fresh(path).known)


def test_a_pattern_re_rejects_still_raises(tmp_path):
    table = _fresh(tmp_path / "t.marshal")
    with pytest.raises(re.error):
        table.compile(r"(unclosed", 0)
    assert not table.new


def test_install_routes_re_compile_through_the_table_and_uninstall_restores_it(tmp_path, monkeypatch):
    recache.uninstall()
    original = re._compiler.compile
    try:
        table = recache.install(tmp_path)
        assert table is not None and re._compiler.compile == table.compile
        pattern = r"recache-test-(?P<n>\d+)-" + os.urandom(4).hex()  # not in re's own cache
        assert re.compile(pattern).groupindex == {"n": 1}
        assert (pattern, 0) in table.new
        assert recache.save() and (tmp_path / recache.table_name()).exists()
        assert recache.install(tmp_path / "other") is table  # once per process
    finally:
        recache.uninstall()
    assert re._compiler.compile == original


def test_the_cache_can_be_turned_off(monkeypatch):
    recache.uninstall()
    monkeypatch.setenv(recache.ENV, "")
    assert recache.default_dir() is None
    assert recache.install() is None and recache._TABLE is None


def test_rule_patterns_behave_the_same_through_the_table(tmp_path):
    """The package's own scanners, built while the table serves their patterns (a second build reads
    every program back), find what they find without it."""
    text = "Spot Bitcoin ETFs saw NET INFLOWS of $1.2bn; total value locked fell. Net outflows hit Ether funds."
    specs = [(Caseless, r"(?<![\w-])net\s+(?:inflows?|outflows?)"), (PrunedCaseless, r"\bnet\s+inflows?\b|\btotal\s+value\s+locked\b|\btvl\b")]
    plain = [[m.span() for m in cls(p).finditer(text)] for cls, p in specs]
    recache.uninstall()
    try:
        for _ in range(2):
            re.purge()
            table = recache.install(tmp_path)
            got = [[m.span() for m in cls(p).finditer(text)] for cls, p in specs]
            assert got == plain
            recache.save()
            recache.uninstall()
        assert table.hits > 0
    finally:
        recache.uninstall()
        re.purge()


def test_the_command_line_writes_the_table_and_reads_it_back(tmp_path):
    """Two runs of the CLI: the first writes the programs it compiled, the second compiles almost
    nothing (its output the same)."""
    article = tmp_path / "a.txt"
    article.write_text("Bitcoin rose 4% to $71,200 on Tuesday, while Ether slipped 1.5%.\n", encoding="utf-8")
    cache = tmp_path / "cache"
    env = {**os.environ, recache.ENV: str(cache)}
    script = ("import sys, atexit\nfrom extractor import recache\nt = recache.install()\n"
              "atexit.register(lambda: print('new', len(t.new), 'hits', t.hits, file=sys.stderr))\n"
              "from extractor.cli import app\nsys.argv = ['extractor', 'extract', sys.argv[1], '--out', sys.argv[2]]\napp()\n")
    outs, counts = [], []
    for i in range(2):
        out = tmp_path / f"o{i}.jsonl"
        proc = subprocess.run([sys.executable, "-c", script, str(article), str(out)], env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        line = [x for x in proc.stderr.splitlines() if x.startswith("new ")][-1].split()
        counts.append((int(line[1]), int(line[3])))
        outs.append(out.read_text(encoding="utf-8"))
    assert outs[0] == outs[1] and json.loads(outs[0])["facts"]
    (new0, hits0), (new1, hits1) = counts
    assert new0 > 500 and hits1 > 500 and new1 < new0 / 10
    assert list(cache.iterdir()) == [cache / recache.table_name()]


def test_analyses_are_kept_beside_the_programs_and_read_back(tmp_path):
    """The pattern analyses (first characters, required words, prefix scans, word-list tries) are
    computed once: a second process reads them from the table, with the same results."""
    from extractor import rx
    from extractor.data import alternation

    cases = [
        (rx.first_char_gate, (r"(?:on\s+)?(?P<wd>Monday|Tuesday)|\d+\s+days",), {}),
        (rx.required_words, (r"\bliquidat(?:ed|ions?)\b|\bwiped\s+out",), {}),
        (rx._prefix_scan_source, (r"\$\d+|€\d+", 0), {}),
        (alternation, ({"bitcoin", "bitcoin cash", "bit"},), {"ignore_case": True}),
    ]
    plain = [fn(*a, **k) for fn, a, k in cases]  # no table installed: computed as usual
    recache.uninstall()
    try:
        for run in range(2):
            table = recache.install(tmp_path)
            assert [fn(*a, **k) for fn, a, k in cases] == plain
            if run == 0:
                assert len(table.new_results) == len(cases) and table.hits == 0
                assert recache.save()
            else:
                assert not table.new_results and table.hits >= len(cases)
            recache.uninstall()
    finally:
        recache.uninstall()


def test_an_analysis_is_keyed_by_its_module_source_and_arguments(tmp_path, monkeypatch):
    """An edited module does not read the results of its old code; other arguments, other results;
    a result marshal cannot store is computed every time."""
    calls = []

    @recache.analysis
    def shout(word, *, times=1):
        calls.append(word)
        return word.upper() * times

    @recache.analysis
    def listed(word):
        calls.append(word)
        return [word]  # a list: not stored

    recache.uninstall()
    try:
        table = recache.install(tmp_path)
        assert shout("ab") == "AB" and shout("ab") == "AB" and shout("ab", times=2) == "ABAB"
        assert calls == ["ab", "ab"]
        assert listed("x") == ["x"] and listed("x") == ["x"] and calls[-2:] == ["x", "x"]
        assert table.save()
        recache.uninstall()
        monkeypatch.setattr(recache, "_source_tag", lambda module: "edited")
        recache.install(tmp_path)
        assert shout("ab") == "AB" and calls[-1] == "ab"  # computed anew under the new source
    finally:
        recache.uninstall()
