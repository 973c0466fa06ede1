"""Scaling benchmark: extraction time at size n and 2n for adversarial texts (issue 12).

    .venv/bin/python bench/adversarial.py [--kb 100] [--rules-only] [--repeat 3] [GENERATOR ...]

Each generator writes what a scraped page without full stops or with hostile markup looks like
(dense dollar figures, dense percents, thousands of quotation marks, unbalanced quotes, long
capitalised runs, one very long sentence, a table without punctuation, long ticker lists, dense
day names, a fund-flow table, a table of levels aligned with spaces, one sentence of currency quotes). The extractor is built and warmed before any timer, then ``settle_process()`` as the CLI and
the batch workers do (the model's objects are not re-walked by every full collection); each text is extracted in full
(no budget, no cap), ``--repeat`` times per size after a full garbage collection, and the fastest
run counts (a collection that lands inside one run of a 0.2 s text moved its ratio from 1.9 to 4).
Printed per generator: CPU seconds and facts at n and at 2n, and the ratio of the times (a ratio
near 2 means linear time). Timings are reported, never asserted.
"""
import argparse
import gc
import random
import sys
import time

from extractor import Extractor, Settings
from extractor.longrun import settle_process, warm_up

def dense_dollars(n):
    r = random.Random(1); out = []
    while sum(map(len, out)) < n:
        out.append(f"BTC ${r.randint(1,99999):,}.{r.randint(0,99):02d} up {r.randint(1,99)}.{r.randint(0,9)}% ")
    return "".join(out)
def dense_percents(n):
    r = random.Random(2); out = []
    while sum(map(len, out)) < n:
        out.append(f"ether rose {r.randint(1,99)}.{r.randint(0,9)}% and bitcoin fell {r.randint(1,9)}% , ")
    return "".join(out)
def many_quotes(n):
    r = random.Random(3); out = []
    while sum(map(len, out)) < n:
        out.append(f'"Prices will rise {r.randint(1,99)}%," Jane Roe said. ')
    return "".join(out)
def unbalanced_quotes(n):
    out = []
    while sum(map(len, out)) < n:
        out.append('He said "it fell and “so did ‘this ')
    return "".join(out)
def capitalised_runs(n):
    out = []
    while sum(map(len, out)) < n:
        out.append("Acme Global Research Partners Holding Capital Markets Analyst Group ")
    return "".join(out)
def long_sentence(n):
    out = []
    while sum(map(len, out)) < n:
        out.append("bitcoin traded near $70,000 while support held at $65,000 and analysts said the market could rally, ")
    return "".join(out)
def table_no_punct(n):
    r = random.Random(4); out = []
    while sum(map(len, out)) < n:
        out.append(f"SOL {r.randint(100,200)}.{r.randint(10,99)} {r.randint(1,9)}.{r.randint(10,99)}% $ {r.randint(1,9)}.{r.randint(1,9)}B ")
    return "".join(out)
def ticker_list(n):
    ticks = ["BTC", "ETH", "SOL", "XRP", "DOGE", "ADA", "LINK", "DOT", "AVAX", "LTC"]
    out = []; i = 0
    while sum(map(len, out)) < n:
        out.append(f"${ticks[i % 10]} (NASDAQ: ZZ{i%7}) "); i += 1
    return "".join(out)
def dense_days(n):
    out = []
    while sum(map(len, out)) < n:
        out.append("on Monday Tuesday Oct. 10 yesterday $5 million inflows on Friday ")
    return "".join(out)
def flow_table(n):
    """One pipe table of fund flows: a caption with a unit, funds as rows, a day and a week column."""
    r = random.Random(5)
    out = ["Daily and weekly net flows by fund, in US$ millions:\n\n| Ticker | Sponsor | Fri, Mar 6 | Week | Fee |\n|---|---|--:|--:|--:|\n"]
    while sum(map(len, out)) < n:
        out.append(f"| Q{r.randint(100, 999)} | Quarry | +{r.randint(1, 300)}.{r.randint(0, 9)} | ({r.randint(1, 90)}.{r.randint(0, 9)}) | 0.25% |\n")
    return "".join(out)
def aligned_levels(n):
    """A table of levels aligned with spaces (read as a pipe table): kinds as columns, one asset per row,
    after a sentence that prices the asset (the scale bare levels are checked against)."""
    r = random.Random(6)
    names = ["Bitcoin", "Ether", "Solana", "Gold", "Brent", "Nasdaq 100"]
    out = ["Bitcoin changed hands at 69,420 and ether at 2,012.6.\n\n                 R1          S1          Pivot\n"]
    while sum(map(len, out)) < n:
        out.append(f"  {r.choice(names):12s}  {r.randint(100, 99999):,}.{r.randint(0, 9)}    {r.randint(100, 99999):,}    {r.randint(1, 999)}.{r.randint(10, 99)}\n")
    return "".join(out)
def dense_currencies(n):
    """One sentence of currency quotes: each figure's pair is read from the clause before it."""
    r = random.Random(7); out = []
    cur = ["yen", "euro", "Swiss franc", "sterling", "yuan", "Australian dollar"]
    while sum(map(len, out)) < n:
        out.append(f"the dollar rose {r.randint(1, 9)}.{r.randint(0, 9)}% to {r.randint(1, 199)}.{r.randint(10, 99)} {r.choice(cur)} against the {r.choice(cur)}, ")
    return "".join(out)
GENS = {f.__name__: f for f in (dense_dollars, dense_percents, many_quotes, unbalanced_quotes, capitalised_runs, long_sentence, table_no_punct, ticker_list, dense_days,
                                flow_table, aligned_levels, dense_currencies)}

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kb", type=int, default=100, help="size n in thousands of characters (2n is also run)")
    ap.add_argument("--rules-only", action="store_true", help="no statistical NER")
    ap.add_argument("--repeat", type=int, default=3, help="runs per size; the fastest counts (default 3)")
    ap.add_argument("generators", nargs="*", help=f"default: all of {', '.join(GENS)}")
    a = ap.parse_args()
    ex = Extractor(Settings(use_model=not a.rules_only, max_facts=10_000_000))
    warm_up(ex)
    settle_process()  # as `extractor extract` and the batch workers do once their extractor is built
    worst = 0.0
    print(f"n = {a.kb} KB, 2n = {2 * a.kb} KB; {'rules only' if a.rules_only else 'with the NER'}; CPU seconds")
    for name in a.generators or list(GENS):
        times = []
        for size in (a.kb * 1000, 2 * a.kb * 1000):
            text = GENS[name](size)
            best = None
            for _ in range(a.repeat):  # the fastest of a few runs: a garbage collection landing in one run is not the text's cost
                gc.collect()
                t0 = time.process_time()
                rec = ex.extract(text, published="2026-03-11")
                spent = time.process_time() - t0
                best = spent if best is None else min(best, spent)
            times.append((best, len(rec.facts)))
        ratio = times[1][0] / max(times[0][0], 1e-9)
        worst = max(worst, ratio)
        print(f"{name:18s} n: {times[0][0]:7.2f}s {times[0][1]:6d} facts   2n: {times[1][0]:7.2f}s {times[1][1]:6d} facts   ratio {ratio:.2f}", flush=True)
    print(f"worst ratio {worst:.2f}")


if __name__ == "__main__":
    main()
