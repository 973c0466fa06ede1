"""Where the CPU time of ``Extractor.pipe`` goes, per article, on the bench corpus (bench/README.md).

    .venv/bin/python bench/profile_components.py [--n 300] [--rounds 2] [--gc freeze] [--cprofile out.prof]

The texts of ``bench/run.py``'s corpus are cleaned first (cleaning is timed on its own), then run
through ``Extractor.pipe`` with every pipeline component, the NER's model pass (``ner.pipe``), the
NER windows (``persons._windows``) and the shared mention scans of ``FinDoc`` (``shared.*``, taken
out of the first component that would build them) timed separately, in CPU time (steadier than
wall time on a shared machine). Times are exclusive: a component's line does not include the
components it pulls documents from. ``--gc freeze`` freezes the collector first, as the CLI and the
batch workers do.
"""
import sys, time, json, argparse
from collections import defaultdict
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as benchrun
from extractor.clean import clean
from extractor.longrun import settle_process
from extractor.pipeline import Extractor
from extractor.settings import Settings

ap = argparse.ArgumentParser()
ap.add_argument("--n", type=int, default=300)
ap.add_argument("--cprofile", default="")
ap.add_argument("--rounds", type=int, default=1)
ap.add_argument("--gc", default="", help="freeze: gc.freeze() before the timer; settle: settle_process(), as the CLI and the workers")
a = ap.parse_args()
items = benchrun.build_corpus(a.n)
t = time.process_time()
arts = [clean(text, source=name) for name, text in items]
t_clean = time.process_time() - t
ex = Extractor(Settings())
list(ex.pipe(arts[:20]))  # warm
times = defaultdict(float)
for name, proc in ex.nlp.pipeline:
    def wrap(proc, name):
        if hasattr(proc, "pipe"):
            orig = proc.pipe
            def pipe(docs, **kw):
                it = orig(docs, **kw)
                while True:
                    t0 = time.process_time(); s0 = sum(times.values())
                    try:
                        d = next(it)
                    except StopIteration:
                        times[name] += time.process_time() - t0 - (sum(times.values()) - s0)
                        return
                    times[name] += time.process_time() - t0 - (sum(times.values()) - s0)
                    yield d
            proc.pipe = pipe
        else:
            pass
    wrap(proc, name)
# wrap __call__ via replacing pipeline entries
newpipe = []
for name, proc in ex.nlp.pipeline:
    if not hasattr(proc, "pipe"):
        def mk(proc, name):
            def f(doc):
                t0 = time.process_time(); r = proc(doc); times[name] += time.process_time() - t0; return r
            return f
        ex.nlp._components[[n for n, _ in ex.nlp._components].index(name)] = (name, mk(proc, name))
import pydantic
from extractor.facts import persons, doc as fdoc
_ow = persons._windows
def tw(doc, i):
    t0 = time.process_time(); r = _ow(doc, i); times["  persons._windows"] += time.process_time() - t0; return r
persons._windows = tw

nerl = persons.load_ner(ex.settings.model)
_opipe = nerl.pipe
def npipe(texts, **kw):
    texts = list(texts)
    counts["windows"] += len(texts); counts["wchars"] += sum(map(len, texts))
    it = _opipe(texts, **kw)
    while True:
        t0 = time.process_time()
        try:
            d = next(it)
        except StopIteration:
            times["  ner.pipe"] += time.process_time() - t0
            return
        times["  ner.pipe"] += time.process_time() - t0
        counts["wtokens"] += len(d)
        yield d
nerl.pipe = npipe
counts = defaultdict(int)
def shared(doc):
    fd = fdoc.view(doc)
    for k in ("sentences", "money", "percents", "assets", "days"):
        t0 = time.process_time(); getattr(fd, k); times["shared." + k] += time.process_time() - t0
    return doc
i = [n for n, _ in ex.nlp._components].index("fin_furniture")
ex.nlp._components.insert(i, ("shared", shared))

orig_record = ex._record
def rec(article, doc):
    t0 = time.process_time(); r = orig_record(article, doc); times["_record"] += time.process_time() - t0; return r
ex._record = rec
orig_make = ex.nlp.make_doc
def mk(text):
    t0 = time.process_time(); r = orig_make(text); times["tokenize"] += time.process_time() - t0; return r
ex.nlp.make_doc = mk
def dump(recs):
    t0 = time.process_time()
    for r in recs: r.model_dump_json()
    times["dump_json"] += time.process_time() - t0
import gc
if a.gc == 'freeze': gc.freeze()
if a.gc == 'settle': settle_process()  # as the CLI and the batch workers do
if a.cprofile:
    import cProfile
    pr = cProfile.Profile(); pr.enable()
t = time.process_time()
for _ in range(a.rounds):
    recs = list(ex.pipe(arts))
    dump(recs)
tot = time.process_time() - t
if a.cprofile:
    pr.disable(); pr.dump_stats(a.cprofile)
N = len(arts) * a.rounds
print(f"{N} articles, total {tot/N*1000:.2f} ms/article (clean {t_clean/len(arts)*1000:.2f} ms/article)")
for k, v in sorted(times.items(), key=lambda kv: -kv[1]):
    print(f"  {k:16} {v/N*1000:6.2f} ms")
print(dict(counts)); print(f"  other            {(tot - sum(times.values()))/N*1000:6.2f} ms")
