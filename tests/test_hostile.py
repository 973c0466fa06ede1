"""Hostile input (issue 6): nothing crashes, nothing is lost, nothing escapes.

Library level (limits, encodings, HTML, odd text, languages) and CLI level (one clear
line per user error, a traceback only with --debug). Sentences here are invented.
"""
from __future__ import annotations

import codecs
import os
import signal
import socket
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.clean import clean, load
from extractor.clean.decode import decode_bytes
from extractor.clean.lang import detect_language
from extractor.cli import app
from extractor.errors import InputError
from extractor.records import ArticleRecord, PriceFact
from extractor.settings import Settings

NEWS = (
    "Bitcoin climbed 4.2% to $68,250 on Wednesday as buyers returned after a weak week, "
    "while ether added 3% to trade near $3,410 according to exchange data."
)
PAGE = "<html><head><title>Markets</title></head><body><article>{}</article></body></html>"


def body(n: int = 4) -> str:
    return "".join(f"<p>{NEWS}</p>" for _ in range(n))


def check(rec: ArticleRecord) -> ArticleRecord:
    """The invariants every record must keep, whatever went in."""
    ArticleRecord.model_validate_json(rec.model_dump_json())
    for f in rec.facts:
        assert rec.article.text[f.evidence.start : f.evidence.end] == f.evidence.text
    rec.article.text.encode("utf-8")  # always encodable (no lone surrogates)
    return rec


# ---------------------------------------------------------------- limits


def test_max_file_bytes_for_bytes_and_strings(rules_only):
    small = Settings(use_model=False, max_file_bytes=1_000)
    with pytest.raises(InputError, match="max_file_bytes"):
        clean(("x " * 600).encode(), settings=small)
    with pytest.raises(InputError, match="max_file_bytes"):
        clean("x " * 600, settings=small)
    with pytest.raises(InputError, match="max_file_bytes"):  # 300 chars, 1,200 bytes in UTF-8
        clean("\U0001F4C8" * 300, settings=small)
    clean("x " * 400, settings=small)  # under the limit: fine


def test_max_file_bytes_for_files(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text(NEWS * 20, encoding="utf-8")
    with pytest.raises(InputError, match=r"big\.txt: file is .* bytes, over the limit .*max_file_bytes"):
        load(p, settings=Settings(max_file_bytes=100))


def test_max_text_chars_through_extract():
    from extractor.pipeline import Extractor

    ex = Extractor(Settings(use_model=False, max_text_chars=500))
    with pytest.raises(InputError, match="max_text_chars"):
        ex.extract(NEWS * 10)
    check(ex.extract(NEWS))


def test_max_facts_drops_with_warning(rules_only):
    from extractor.clean.article import CleanArticle
    from extractor.pipeline import Extractor

    ex = Extractor(Settings(use_model=False, max_facts=3))
    art = CleanArticle(text=NEWS, source="<t>")
    doc = ex.nlp(NEWS)
    ev = {"start": 0, "end": 7, "text": "Bitcoin"}
    doc._.facts = [PriceFact(evidence=ev, rule=f"r{i}", asset="BTC", value=float(i + 1)) for i in range(10)]
    rec = check(ex._record(art, doc))
    assert len(rec.facts) == 3
    assert any("max_facts" in w for w in rec.warnings)


# ---------------------------------------------------------------- encodings

ENCODED = [
    ("utf-8", NEWS.encode("utf-8"), NEWS),
    ("utf-8 BOM", codecs.BOM_UTF8 + NEWS.encode("utf-8"), NEWS),
    ("utf-16 BOM", NEWS.encode("utf-16"), NEWS),
    ("utf-16-be BOM", codecs.BOM_UTF16_BE + NEWS.encode("utf-16-be"), NEWS),
    ("utf-16 no BOM", NEWS.encode("utf-16-le"), NEWS),
    ("cp1252 quotes and euro", "Ether \u201cslid\u201d to \u20ac2,900 \u2013 caf\u00e9".encode("cp1252"), "Ether \u201cslid\u201d to \u20ac2,900 \u2013 caf\u00e9"),
    ("latin-1 undefined cp1252 byte", b"Caf\xe9 \x81 news", "Caf\u00e9 \x81 news"),
]


@pytest.mark.parametrize("name,data,text", ENCODED, ids=[e[0] for e in ENCODED])
def test_encodings_decode_deterministically(name, data, text):
    first = decode_bytes(data)
    assert first[0] == text
    assert decode_bytes(data) == first  # same bytes, same answer


BAD_BYTES = [
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4),
    ("control bytes, no NUL", bytes(range(1, 256)) * 40),
    ("utf-8 BOM then invalid", codecs.BOM_UTF8 + b"ok \xff\xfe\xfd"),
    ("utf-16 BOM, odd tail", codecs.BOM_UTF16_LE + "Bitcoin".encode("utf-16-le") + b"\x00\xd8"),
    ("gzip", b"\x1f\x8b\x08\x00" + bytes(range(200))),
]


@pytest.mark.parametrize("name,data", BAD_BYTES, ids=[b[0] for b in BAD_BYTES])
def test_undecodable_or_binary_is_input_error(name, data):
    with pytest.raises(InputError):
        clean(data, kind="html")


def test_cleaned_text_is_always_encodable():
    art = clean("Bitcoin \ud800 rose 2% \udfff today.")
    art.text.encode("utf-8")
    assert art.id


# ---------------------------------------------------------------- HTML

HIDDEN = (
    "<script>var LEAK_SCRIPT = 1;</script><style>.LEAK_STYLE{color:red}</style>"
    "<iframe src='https://ads.example.invalid/'>LEAK_IFRAME</iframe><!-- LEAK_COMMENT -->"
    "<noscript>LEAK_NOSCRIPT</noscript><template>LEAK_TEMPLATE</template>"
)


@pytest.mark.parametrize(
    "html",
    [
        PAGE.format(HIDDEN + body()),
        PAGE.format(body(2) + HIDDEN + body(2)),
        "<div>" * 5000 + HIDDEN + body() + "</div>" * 5000,  # deep nesting: the fallback reading
        "<html><body>" + "<div><span>" * 3000 + HIDDEN + body(),  # deep and never closed
    ],
    ids=["head-of-article", "mid-article", "nested-5000", "nested-unclosed"],
)
def test_hidden_markup_never_reaches_text(html):
    art = clean(html)
    assert "LEAK" not in art.text
    assert "Bitcoin climbed 4.2%" in art.text  # nothing lost


def test_deeply_nested_page_extracts(rules_only):
    rec = check(rules_only.extract("<html><body>" + "<div>" * 5000 + body() + "</div>" * 5000 + "</body></html>"))
    assert "Bitcoin climbed" in rec.article.text


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return calls


def test_external_entities_and_resources_are_never_resolved(tmp_path, no_network, rules_only):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    html = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}"><!ENTITY net SYSTEM "http://example.invalid/e">]>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>T</title>'
        '<link rel="stylesheet" href="http://example.invalid/s.css"/></head><body>'
        f"<p>&xxe; &net;</p>{body()}"
        '<img src="http://example.invalid/pixel.png"/><iframe src="http://example.invalid/"></iframe>'
        '<script src="http://example.invalid/x.js"></script></body></html>'
    )
    rec = check(rules_only.extract(html))
    assert "TOP-SECRET" not in rec.article.text
    assert "Bitcoin climbed" in rec.article.text
    assert no_network == []


def test_public_dtd_is_not_fetched(no_network):
    html = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://example.invalid/x.dtd">' + PAGE.format(body())
    assert "Bitcoin climbed" in clean(html).text
    assert no_network == []


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><p>Bitcoin climbed 4.2% to $68,2",  # truncated download
        "<html><body><p>Ether <b>slid <i>3% </b>to</i> $3,100</p><td><tr></table>",  # misnested
        "<<<>>><p<>>>&&&;&#xFFFFFFFF;&#0;&bogus;<p>Solana rose 2%</p>",  # garbage and bad references
        "<p " + "a=b " * 5000 + ">Solana rose 2%</p>",  # huge attribute list
    ],
    ids=["truncated", "misnested", "garbage", "attributes"],
)
def test_malformed_markup_gives_a_record(html, rules_only):
    check(rules_only.extract(html))


@contextmanager
def time_limit(seconds: int):
    """Raise ``TimeoutError`` in the main thread after ``seconds`` (a hang fails instead of blocking CI)."""

    def expire(signum, frame):
        raise TimeoutError(f"took longer than {seconds}s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    except TimeoutError:
        # raised inside compiled (Cython) frames, whose tracebacks pytest cannot render: raise afresh here
        raise TimeoutError(f"took longer than {seconds}s") from None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("kind", ["html", "text"])
def test_one_huge_token_is_linear(kind, rules_only):
    token = "x" * 200_000  # a base64 blob or a runaway URL
    raw = f"<html><body><p>{NEWS} {token}</p></body></html>" if kind == "html" else f"{NEWS} {token}"
    with time_limit(120):  # a hang guard (quadratic regex), not a timing assertion
        check(rules_only.extract(raw))


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>Nothing</title><script>var a = 1;</script></head><body></body></html>",
        "<html><body><img src='a.png'><!-- only a comment --></body></html>",
        "<html></html>",
    ],
)
def test_page_without_article_text_is_an_empty_record_with_a_warning(html, rules_only):
    rec = check(rules_only.extract(html))
    assert rec.facts == []
    assert any("no article text" in w for w in rec.warnings)


def test_cli_extract_page_without_text_is_not_an_error(tmp_path):
    p = tmp_path / "empty_page.html"
    p.write_text("<html><body><script>x()</script></body></html>", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    r = CliRunner().invoke(app, ["extract", str(p), "--out", str(out)])
    assert r.exit_code == 0, r.output
    rec = ArticleRecord.model_validate_json(out.read_text(encoding="utf-8").splitlines()[0])
    assert rec.facts == [] and any("no article text" in w for w in rec.warnings)


# ---------------------------------------------------------------- text


def test_absurd_magnitudes_give_no_values(rules_only):
    text = (
        "Bitcoin was quoted at $1e400 by a broken feed, and a bot claimed ether at $12e5. "
        "One post said the market was worth 999,999,999,999 trillion dollars and $999,999,999,999 trillion. "
        "Another feed printed 1e400% and 9" + "9" * 400 + "% gains."
    )
    rec = check(rules_only.extract(text))
    for f in rec.facts:
        for field in ("value", "percent", "amount"):
            v = getattr(f, field, None)
            if v is not None:
                assert abs(v) < 1e16, f
                assert not (field == "value" and v in (1.0, 12.0)), f"'$1e400' read as a price: {f}"


def test_thousands_of_numbers_finish_quickly(rules_only):
    text = " ".join(f"Token{i % 50} moved {i % 97}.{i % 10}% to ${i * 37 % 100000:,} and ${i}K." for i in range(1000))
    with time_limit(120):  # a hang guard, not a timing assertion
        check(rules_only.extract(text))


def test_unbalanced_quotes(rules_only):
    for text in (
        "\u201cBitcoin will climb to $90,000, said one analyst on Monday. Ether rose 2%.",
        'He said "the rally is over. Solana fell 3% to $140.',
        "\u201d\u201d\u201c\u201c\u201d Bitcoin \u201c rose 1%\u201d\u201d\u201d.",
        "'" * 500 + " Bitcoin rose 2% " + '"' * 501,
    ):
        check(rules_only.extract(text))


def test_invisible_and_control_characters_are_removed(rules_only):
    rec = check(rules_only.extract("Bit\u200bcoin\u200d rose\x00\x07 4%\u200e to \u202e$70,000\u202c\ufeff on Friday.\x1b"))
    assert rec.article.text == "Bitcoin rose 4% to $70,000 on Friday."


def test_right_to_left_text_mixed_in(rules_only):
    rec = check(rules_only.extract("\u200fBitcoin rose 3% \u05d4\u05d9\u05d5\u05dd to $66,000.\u200f " + NEWS))
    assert "\u200f" not in rec.article.text and rec.article.language == "en"


def test_megabyte_single_line_is_refused_clearly():
    with pytest.raises(InputError, match="max_text_chars"):
        clean(NEWS * 7000)  # ~1.1 million characters on one line


def test_long_single_line_under_the_limit_is_processed(rules_only):
    line = (NEWS + " ") * 1800  # ~300,000 characters, one line
    with time_limit(120):  # a hang guard (quadratic sentence marking), not a timing assertion
        check(rules_only.extract(line))


NON_ENGLISH = [
    ("de", "Der Bitcoin-Kurs ist am Mittwoch um 4 Prozent auf 68.250 Dollar gestiegen, nachdem die Anleger nach einer schwachen Woche an den Markt zurückgekehrt sind."),
    ("es", "El bitcoin subió un 4% el miércoles hasta 68.250 dólares, mientras los inversores volvieron al mercado después de una semana débil y el ether también avanzó."),
    ("fr", "Le bitcoin a gagné 4 % mercredi pour atteindre 68 250 dollars, alors que les acheteurs sont revenus sur le marché après une semaine difficile."),
    ("zh", "比特币周三上涨4%至68,250美元，此前投资者在经历了疲软的一周后重返市场。以太坊也上涨了3%。"),
    ("ja", "ビットコインは水曜日に4%上昇して68,250ドルとなり、弱い一週間の後に買い手が市場に戻った。"),
    ("ru", "Биткоин в среду вырос на 4% до 68 250 долларов, после того как покупатели вернулись на рынок после слабой недели."),
]


@pytest.mark.parametrize("lang,text", NON_ENGLISH, ids=[n[0] for n in NON_ENGLISH])
def test_non_english_article_recorded_warned_and_not_extracted(lang, text, rules_only):
    rec = check(rules_only.extract(text + " " + text))
    assert rec.article.language == lang
    assert rec.facts == []
    assert any("not English" in w for w in rec.warnings)


def test_english_stays_english():
    assert detect_language(NEWS) == "en"
    assert detect_language("BTC $68,250 ETH $3,410 SOL $140 XRP $0.55") == "en"  # tickers and numbers only
    assert detect_language("") == "en"


# ---------------------------------------------------------------- CLI user errors


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


def one_error_line(result) -> str:
    assert result.exit_code != 0
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture
def article(tmp_path) -> Path:
    p = tmp_path / "a.txt"
    p.write_text(NEWS, encoding="utf-8")
    return p


def test_cli_bad_path(tmp_path):
    assert "no such file" in one_error_line(cli("extract", str(tmp_path / "missing.txt")))


def test_cli_unreadable_file(tmp_path):
    dangling = tmp_path / "gone.txt"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    one_error_line(cli("extract", str(dangling)))


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_cli_permission_denied(article):
    article.chmod(0)
    try:
        assert "cannot read" in one_error_line(cli("extract", str(article)))
    finally:
        article.chmod(0o644)


def test_cli_binary_file_is_one_line_per_file(tmp_path, article):
    (tmp_path / "b.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    out = tmp_path / "o.jsonl"
    r = cli("extract", str(tmp_path), "--out", str(out))
    assert r.exit_code != 0
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1 and "b.html" in errors[0] and "binary" in errors[0]
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1  # the good file is kept


def test_cli_bad_date(article):
    assert "not a date" in one_error_line(cli("extract", str(article), "--published", "the 45th of Smarch"))


def test_cli_disk_full(article):
    assert "No space left" in one_error_line(cli("extract", str(article), "--out", "/dev/full"))


def test_cli_output_folder_missing(article, tmp_path):
    one_error_line(cli("extract", str(article), "--out", str(tmp_path / "no" / "such" / "dir.jsonl")))


def test_cli_debug_shows_traceback(tmp_path):
    r = cli("--debug", "extract", str(tmp_path / "missing.txt"))
    assert r.exit_code != 0
    assert isinstance(r.exception, InputError)  # re-raised, so the traceback is printed


# ---------------------------------------------------------------- batch over the fuzz corpus

import json  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

FUZZ = Path(__file__).parent / "fuzz"
CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "articles"
BATCH = [sys.executable, "-m", "extractor.cli", "batch"]


def fuzz_folder(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """tests/fuzz copied, plus a generated megabyte single line and the sample corpus; returns (folder, expected)."""
    folder = tmp_path / "in"
    shutil.copytree(FUZZ, folder / "fuzz", ignore=shutil.ignore_patterns("EXPECTED.json"))
    (folder / "fuzz" / "huge_single_line.txt").write_text((NEWS + " ") * 7000, encoding="utf-8")  # ~1.1 MB, one line
    expected = {
        k.split(" ")[0]: v for k, v in json.loads((FUZZ / "EXPECTED.json").read_text(encoding="utf-8")).items() if not k.startswith("_")
    }
    if CORPUS.is_dir():
        shutil.copytree(CORPUS, folder / "corpus")
    return folder, expected


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute(sql).fetchall()


def test_batch_over_fuzz_corpus_records_every_outcome(tmp_path):
    folder, expected = fuzz_folder(tmp_path)
    db = tmp_path / "facts.db"
    r = subprocess.run([*BATCH, str(folder), "--db", str(db), "--no-model", "--quiet"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 1, r.stderr  # some files failed: non-zero without --allow-errors
    assert "Traceback" not in r.stderr
    articles = {Path(s).name: (n, json.loads(w), text, lang) for s, n, w, text, lang in rows(
        db, "SELECT s.source, a.n_facts, a.warnings_json, a.text, a.language FROM sources s JOIN articles a ON a.id = s.article_id")}
    errors = {Path(s).name: m for s, m in rows(db, "SELECT source, message FROM errors")}
    for name, outcome in expected.items():
        if outcome == "error":
            assert name in errors and name not in articles, name
            assert "\n" not in errors[name]
        else:
            assert name in articles and name not in errors, (name, errors.get(name))
            n, warnings, text, lang = articles[name]
            if outcome == "empty":
                assert n == 0 and warnings, name
    assert "max_text_chars" in errors["huge_single_line.txt"]
    assert articles["non_english.txt"][3] == "de"
    assert all("LEAK" not in a[2] and "root:x:" not in a[2] for a in articles.values())
    assert "Solana gained 6.1%" in articles["nested_5000.html"][2]
    if CORPUS.is_dir():  # every good article of the sample corpus is stored
        corpus_files = [p for p in CORPUS.rglob("*") if p.suffix in (".txt", ".md", ".html", ".htm")]
        stored = {s for (s,) in rows(db, "SELECT source FROM sources") if "/corpus/" in s}
        assert len(stored) == len(corpus_files)
    assert len(errors) == sum(v == "error" for v in expected.values())


def _snapshot(db: Path) -> str:
    from extractor.store import content_digest

    return content_digest(db)


def _stored(db: Path) -> int:
    """Sources + errors already in the database (0 while it does not exist or is being created)."""
    try:
        with sqlite3.connect(db, timeout=5) as con:
            return sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("sources", "errors"))
    except sqlite3.Error:
        return 0


def test_batch_killed_at_random_points_resumes_to_the_same_database(tmp_path):
    """SIGKILL the batch at 6 random points (one during start-up, five after a random number of stored
    files), resume each time; the end state equals an uninterrupted run over the same folder."""
    folder, _ = fuzz_folder(tmp_path)
    sys.path.insert(0, str(Path(__file__).parent))
    from synth_news import write_folder

    write_folder(folder / "synth", 80, seed=5, use_corpus=False)
    n_files = sum(1 for p in folder.rglob("*") if p.suffix in (".txt", ".md", ".html", ".htm"))
    db = tmp_path / "killed.db"
    cmd = [*BATCH, str(folder), "--db", str(db), "--no-model", "--quiet", "--batch-size", "2"]
    rng = random.Random(6)
    targets = sorted(rng.sample(range(2, n_files - 5), 5))
    kills = []
    for target in [0, *targets]:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if target == 0:
            time.sleep(rng.uniform(0.2, 1.0))  # during start-up / schema creation
        else:
            deadline = time.monotonic() + 120
            while proc.poll() is None and _stored(db) < target and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.05))  # land anywhere, not only right after a commit
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            kills.append(_stored(db))
        if db.exists() and rows(db, "SELECT name FROM sqlite_master WHERE name = 'articles'"):  # never a half-written article
            assert rows(db, "SELECT a.id FROM articles a LEFT JOIN facts f ON f.article_id = a.id "
                            "GROUP BY a.id HAVING count(f.seq) != a.n_facts") == []
    assert len(kills) >= 5, f"only {len(kills)} kills landed before the batch finished: {kills}"
    done = subprocess.run([*cmd, "--allow-errors"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    ref = tmp_path / "ref.db"
    subprocess.run([*BATCH, str(folder), "--db", str(ref), "--no-model", "--quiet", "--batch-size", "2", "--allow-errors"],
                   check=True, capture_output=True, timeout=600)
    assert _stored(db) == n_files
    assert _snapshot(db) == _snapshot(ref), f"killed at {kills} stored files"


# ---------------------------------------------------------------- batch CLI user errors


def test_batch_bad_database_path(tmp_path, article):
    r = subprocess.run([*BATCH, str(article.parent), "--db", str(tmp_path / "no" / "such" / "dir" / "x.db"), "--no-model", "--quiet"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in r.stderr, r.stderr


def test_batch_database_of_another_schema_version(tmp_path, article):
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        con.execute("INSERT INTO meta VALUES ('schema_version', '0.1'), ('extractor_version', '0.0.1')")
        con.execute("CREATE TABLE articles (source TEXT PRIMARY KEY)")
    r = subprocess.run([*BATCH, str(article.parent), "--db", str(db), "--no-model", "--quiet"], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in r.stderr, r.stderr
    assert "0.1" in lines[0]


def test_batch_database_that_is_not_sqlite(tmp_path, article):
    db = tmp_path / "junk.db"
    db.write_bytes(b"this is not a database" * 100)
    r = subprocess.run([*BATCH, str(article.parent), "--db", str(db), "--no-model", "--quiet"], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in r.stderr, r.stderr


def test_batch_debug_shows_traceback(tmp_path, article):
    db = tmp_path / "junk.db"
    db.write_bytes(b"this is not a database" * 100)
    r = subprocess.run([sys.executable, "-m", "extractor.cli", "--debug", "batch", str(article.parent), "--db", str(db), "--no-model", "--quiet"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "Traceback" in r.stderr


# ---------------------------------------------------------------- characters re.IGNORECASE pairs beyond lower()


@pytest.mark.parametrize("swap", [("i", "ı"), ("s", "ſ"), ("k", "\u212a"), ("i", "İ")])
def test_letters_ignorecase_pairs_with_ascii_lose_no_component(swap):
    """"ı", "İ", "ſ" and the Kelvin sign match "i", "s" and "k" under re.IGNORECASE, so period,
    scale and currency words spelled with them are found; looking them up must not fail (every
    component ran and kept its facts)."""
    from extractor.pipeline import Extractor

    text = ("Solana jumped 6% over the past seven days and slipped 2% in the overnight session, while "
            "daily volume reached $4.2 billion. Spot bitcoin ETFs took in $310 million in six sessions. "
            "Ether fell 3% intraday, and its weekly loss was 5%.").replace(*swap)
    rec = check(Extractor(Settings(use_model=False, strict=True)).extract(text))
    assert not [w for w in rec.warnings if "failed" in w], rec.warnings
    assert {f.type for f in rec.facts} >= {"percent_move"}


@pytest.mark.parametrize("name", ["İBOVESPA", "İbovespa", "BOVESPA"])
def test_dotted_capital_i_in_an_asset_name_loses_no_component(name, rules_only):
    """"İ" matches "i" case-insensitively but lower-cases to two characters: the asset lookup must
    still find the name, and no fact component may fail on the article."""
    from extractor.pipeline import Extractor

    text = f"Brazil's {name} index slipped 1.4% on Tuesday, and ether rose 2% to $3,200 in the same session."
    rec = check(Extractor(Settings(use_model=False)).extract(text))
    assert not [w for w in rec.warnings if "failed" in w], rec.warnings
    assert ("price", "ETH", 3200.0) in {(f.type, f.asset, f.value) for f in rec.facts if f.type == "price"}


def test_fetch_refuses_a_named_pipe_and_an_oversized_file_without_reading_them(tmp_path):
    """A batch hashes every input before extracting it: a named pipe would block that read for
    ever, and a file of gigabytes would be held in memory whole."""
    from extractor.inputs import Doc, fetch

    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    with pytest.raises(InputError, match="not a regular file"):
        fetch(Doc(str(pipe), file=str(pipe)), 5_000_000)  # (reading it would block: nobody writes)
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(3 << 30)  # 3 GB, sparse: nothing on disk, and nothing read
    with pytest.raises(InputError, match=r"3,221,225,472 bytes, over the limit of 5,000,000 \(max_file_bytes\)"):
        fetch(Doc(str(big), file=str(big)), 5_000_000)
    small = tmp_path / "small.txt"
    small.write_text(NEWS, encoding="utf-8")
    assert fetch(Doc(str(small), file=str(small)), 5_000_000).data == NEWS.encode()
    with pytest.raises(InputError, match="over the limit of 10 "):
        fetch(Doc(str(small), file=str(small)), 10)


def test_batch_with_a_named_pipe_in_the_folder_finishes(tmp_path):
    """Before, the batch blocked for ever reading the pipe, and stored nothing."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(2):
        (folder / f"good{i}.txt").write_text(NEWS, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    (folder / "big.txt").write_text(NEWS * 20, encoding="utf-8")
    db = tmp_path / "facts.db"
    r = subprocess.run([*BATCH, str(folder), "--db", str(db), "--no-model", "--quiet", "--max-file-bytes", str(len(NEWS) * 10)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    errors = {Path(s).name: (m, reason) for s, m, reason in rows(db, "SELECT source, message, reason FROM errors")}
    assert errors["pipe.txt"][1] == "input" and "not a regular file" in errors["pipe.txt"][0]
    assert errors["big.txt"][1] == "input" and "max_file_bytes" in errors["big.txt"][0]
    assert sorted(Path(s).name for (s,) in rows(db, "SELECT source FROM sources")) == ["good0.txt", "good1.txt"]
