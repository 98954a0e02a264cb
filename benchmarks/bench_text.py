"""Speed and memory of the comment themes and sentiment (salesmeasure.survey.comments)
against the pipeline an analyst would otherwise write.

Usage (from the repo root)::

    .venv/bin/python benchmarks/bench_text.py [--comments 100000] [--lang zh-CN]

Data: the sample generator's comments (planted themes and sentiment) for ``--comments``
responses, each made distinct by an order number ("order #123456" / "订单号123456"), so
the analysis cannot profit from repeated texts (real exports repeat far more;
``--repeated`` keeps the generator's texts, which repeat).

* ``analyse_comments``: one regex for the theme terms, jieba on each distinct text, the
  lexicon sentiment, TF-IDF + NMF (NNDSVDa) fitted on at most 20,000 comments.
* naive: a per-comment Python loop (``jieba.lcut``, ``term in text`` for every theme
  term, the same sentiment), then scikit-learn's default ``TfidfVectorizer(tokenizer=
  jieba.lcut)`` and ``NMF`` fitted on every comment.

Each runs in a fresh subprocess on the same data; time is wall clock of one run
(jieba's dictionary load included), peak memory the process's maximum resident set.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

SETUP = r"""
import numpy as np, pandas as pd, time, json, resource
from salesmeasure.sample.comments import comments
n, lang, repeated = {n}, {lang!r}, {repeated!r}
z = np.random.default_rng(0).normal(size=n)
texts, truth, mentions = comments(z, 7, lang=lang)
ids = np.random.default_rng(1).integers(100000, 999999, size=n)
tag = "订单号" if lang != "en" else " order #"
texts = pd.Series([t + tag + str(i) if t and not repeated else t for t, i in zip(texts, ids)])
"""

FAST = r"""
from salesmeasure.survey.comments.analyse import analyse_comments
t0 = time.perf_counter()
a = analyse_comments(texts)
dt = time.perf_counter() - t0
print(json.dumps({{"seconds": dt, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "themes": list(a.themes.index), "comments": a.n_comments}}))
"""

NAIVE = r"""
import jieba, logging
jieba.setLogLevel(logging.WARNING)
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from salesmeasure.survey.comments.analyse import sentiment_score, theme_lexicon
t0 = time.perf_counter()
lex = theme_lexicon()
rows, sents, toks = [], [], []
for t in texts:
    low = t.lower()
    tk = [w for w in jieba.lcut(low) if w.strip()]
    rows.append({{k: any(term in low for term in terms) for k, terms in lex.items()}})
    sents.append(sentiment_score(tk))
vec = TfidfVectorizer(tokenizer=jieba.lcut, token_pattern=None)
x = vec.fit_transform(texts)
NMF(n_components=6, random_state=0).fit(x)
dt = time.perf_counter() - t0
print(json.dumps({{"seconds": dt, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--comments", type=int, default=100_000)
    ap.add_argument("--lang", default="zh-CN", choices=["en", "zh-CN"])
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument(
        "--repeated", action="store_true", help="keep the generator's texts as they are (repeats)"
    )
    args = ap.parse_args()
    setup = SETUP.format(n=args.comments, lang=args.lang, repeated=args.repeated)
    fast = run(setup + FAST.format())
    print(f"{args.comments:,} comments ({args.lang}), {fast['comments']:,} with text")
    print(
        f"salesmeasure analyse_comments: {fast['seconds']:.1f} s, peak {fast['peak_mb']:.0f} MB;"
        f" themes {', '.join(fast['themes'])}"
    )
    if not args.skip_naive:
        naive = run(setup + NAIVE.format())
        print(
            f"naive loop + sklearn defaults: {naive['seconds']:.1f} s, peak "
            f"{naive['peak_mb']:.0f} MB"
        )
        print(f"ratio: {naive['seconds'] / fast['seconds']:.1f}x faster")
    print("limit: 60 s on 2 cores:", "met" if fast["seconds"] < 60 else "NOT met")


if __name__ == "__main__":
    main()
