"""Themes and sentiment of every comment: :func:`analyse_comments` returns a
:class:`CommentAnalysis`.

Each distinct text is analysed once (survey comments repeat: "Fast delivery", "很好"),
then mapped back to every response, so the cost grows with the distinct texts.

* **Lexicon themes.** Every theme term (seed lexicon plus ``[comments.themes]``) is
  found by one compiled regular expression over the cleaned text: whole words for
  Latin script, substrings for Chinese.
* **Found themes.** What the lexicon does not cover: the remaining words (no theme,
  sentiment or stop word) are weighted by TF-IDF and factored by NMF (NNDSVDa start,
  so the result is deterministic); a comment belongs to a found theme when the cosine
  between its remaining words and the theme's word weights is at least
  :data:`FOUND_MIN_COSINE`. A found theme is kept when at least :data:`FOUND_MIN_SHARE`
  of the comments (and :data:`FOUND_MIN_COMMENTS`) belong to it, when it is coherent
  (:data:`FOUND_MIN_COHERENCE` of its comments use two of its top three words) and new
  (less than :data:`FOUND_MAX_OVERLAP` of its comments share one lexicon theme); it is
  labelled by its top three words.
* **Sentiment.** A lexicon score in the manner of VADER: valences summed, an
  intensifier scales the next sentiment word, a negator within three tokens flips it
  (times 0.74), the sum normalised as ``s / sqrt(s^2 + 15)`` to -1..1.

References
----------
Lee, D. D., & Seung, H. S. (1999). Learning the parts of objects by non-negative matrix
factorization. Nature 401, 788-791.
Boutsidis, C., & Gallopoulos, E. (2008). SVD based initialization: A head start for
nonnegative matrix factorization. Pattern Recognition 41(4), 1350-1362.
Hutto, C. J., & Gilbert, E. (2014). VADER: A parsimonious rule-based model for sentiment
analysis of social media text. ICWSM 8(1), 216-225.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesmeasure.survey.comments.lexicon import (
    INTENSIFIERS,
    NEGATIVE,
    NEGATORS,
    POSITIVE,
    SEED_THEMES,
    STOPWORDS,
)
from salesmeasure.survey.comments.segment import BREAK, MAX_CHARS, Segmenter, clean, is_cjk

__all__ = [
    "FOUND_MIN_COSINE",
    "FOUND_MIN_SHARE",
    "FOUND_MIN_COMMENTS",
    "MAX_FOUND",
    "CommentAnalysis",
    "theme_lexicon",
    "analyse_comments",
    "sentiment_score",
]

#: A comment belongs to a found theme from this cosine similarity on.
FOUND_MIN_COSINE = 0.35
#: A found theme is kept when it covers at least this share of the comments ...
FOUND_MIN_SHARE = 0.02
#: ... and at least this many comments.
FOUND_MIN_COMMENTS = 20
#: Words in more than this share of the comments are left out of the found themes.
FOUND_MAX_DF = 0.5
#: Share of a found theme's comments that must use two of its top three words.
FOUND_MIN_COHERENCE = 0.5
#: A found theme whose comments are mostly (this share) one lexicon theme is dropped.
FOUND_MAX_OVERLAP = 0.5
#: At most this many found themes.
MAX_FOUND = 4
#: Comments the NMF is fitted on at most (a fixed, evenly spaced subset beyond that).
NMF_MAX_ROWS = 20_000

_NEGATION_SCALAR = -0.74  # VADER's N_SCALAR
_ALPHA = 15.0  # VADER's normalisation constant
_VALENCE = {**POSITIVE, **NEGATIVE}


def theme_lexicon(extra: Mapping[str, Sequence[str]] | None = None) -> dict[str, tuple[str, ...]]:
    """The seed themes with ``extra`` (``[comments.themes]``) merged in: terms added to a
    seed theme, or new themes. Terms are lower-cased and de-duplicated in order."""
    out = {k: list(v) for k, v in SEED_THEMES.items()}
    for name, terms in (extra or {}).items():
        if isinstance(terms, str) or not all(isinstance(t, str) for t in terms):
            raise ValueError(f"[comments.themes] {name} must be a list of words, got {terms!r}")
        if not str(name).strip():
            raise ValueError("[comments.themes]: a theme name is empty")
        out.setdefault(str(name), []).extend(terms)
    result = {}
    for name, terms in out.items():
        seen = dict.fromkeys(clean(t) for t in terms if clean(t))
        if not seen:
            raise ValueError(f"[comments.themes] {name} has no words")
        result[name] = tuple(seen)
    return result


def _term_regex(lexicon: Mapping[str, Sequence[str]]) -> tuple[re.Pattern, dict[str, set[str]]]:
    owners: dict[str, set[str]] = {}
    for theme, terms in lexicon.items():
        for t in terms:
            owners.setdefault(t, set()).add(theme)
    cjk, latin = [], []
    for t in sorted(owners, key=lambda s: (-len(s), s)):
        esc = re.escape(t).replace(r"\ ", r"[\s\-]+")
        (cjk if is_cjk(t[0]) else latin).append(esc)
    parts = []
    if cjk:
        parts.append("|".join(cjk))
    if latin:  # one boundary check around the whole alternation (much faster than per term)
        parts.append(rf"(?<![a-z0-9])(?:{'|'.join(latin)})(?![a-z0-9])")
    return re.compile("|".join(parts) or r"(?!x)x"), owners


def sentiment_score(tokens: Sequence[str]) -> float:
    """Lexicon sentiment of a token sequence, -1 (negative) to 1 (positive); 0 when no
    sentiment word occurs. See the module docstring."""
    s, boost, negate, i, n = 0.0, 1.0, 0, 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if tok == BREAK:
            boost, negate, i = 1.0, 0, i + 1
            continue
        hit, width = None, 1
        for w in (3, 2):
            if i + w <= n:
                phrase = " ".join(tokens[i : i + w])
                if phrase in _VALENCE:
                    hit, width = _VALENCE[phrase], w
                    break
        if hit is None and tok in _VALENCE and not (tok in NEGATORS and i + 1 < n):
            hit = _VALENCE[tok]
        if hit is not None:
            v = hit * boost
            if negate:
                v *= _NEGATION_SCALAR
            s += v
            boost, negate = 1.0, 0
            i += width
            continue
        if tok in NEGATORS:
            negate = 3
        elif tok in INTENSIFIERS:
            boost = INTENSIFIERS[tok]
        elif negate:
            negate -= 1
        i += 1
    return 0.0 if s == 0 else s / math.sqrt(s * s + _ALPHA)


@dataclass(frozen=True)
class CommentAnalysis:
    """Result of :func:`analyse_comments`.

    Attributes
    ----------
    comments : DataFrame on the input's index: ``has_text`` (a comment with at least one
        word or emoji), ``sentiment`` (-1..1; NaN without text), ``n_chars`` (of the
        original), ``truncated`` (longer than :data:`~.segment.MAX_CHARS`).
    flags : DataFrame of booleans on the same index, one column per theme (False for a
        response without text).
    themes : DataFrame indexed by theme (column order of ``flags``): ``kind`` (``"seed"``,
        ``"config"`` or ``"found"``), ``words`` (tuple: the lexicon terms, or a found
        theme's top words by weight), ``n`` (comments).
    tfidf : sparse TF-IDF rows (l2-normalised) of the distinct texts, every token.
    text_index : row of ``tfidf`` for each response (-1 without text).
    vocabulary : column names of ``tfidf``.
    """

    comments: pd.DataFrame
    flags: pd.DataFrame
    themes: pd.DataFrame
    tfidf: object
    text_index: np.ndarray
    vocabulary: np.ndarray

    @property
    def n_comments(self) -> int:
        return int(self.comments["has_text"].sum())

    def subset(self, index) -> CommentAnalysis:
        """The analysis of some responses (rows of ``comments`` by label)."""
        pos = self.comments.index.get_indexer(pd.Index(index))
        if (pos < 0).any():
            raise KeyError("subset: some responses are not in the analysis")
        return CommentAnalysis(
            self.comments.iloc[pos],
            self.flags.iloc[pos],
            self.themes,
            self.tfidf,
            self.text_index[pos],
            self.vocabulary,
        )


def _identity(doc):
    return doc


def _found_themes(residual, weights, n_comments, lex_flags, *, seed):
    """NMF on the TF-IDF of the words the lexicon leaves; (labels, membership, words)."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    has = np.fromiter((len(r) > 0 for r in residual), bool, len(residual))
    if has.sum() < FOUND_MIN_COMMENTS or n_comments < 2 * FOUND_MIN_COMMENTS:
        return [], np.zeros((len(residual), 0), bool)
    # the fit sees each distinct text as often as it occurs, capped by an even subset
    rows = np.repeat(np.arange(len(residual)), weights)
    rows = rows[has[rows]]
    if len(rows) > NMF_MAX_ROWS:
        rows = rows[np.linspace(0, len(rows) - 1, NMF_MAX_ROWS).astype(int)]
    min_df = max(5, int(0.005 * len(rows)))
    # a word in most comments ("order", a product name) is no theme
    vec = TfidfVectorizer(analyzer=_identity, min_df=min_df, max_df=FOUND_MAX_DF, sublinear_tf=True)
    try:
        x_fit = vec.fit_transform([residual[i] for i in rows])
    except ValueError:  # no word frequent enough
        return [], np.zeros((len(residual), 0), bool)
    vocab = np.asarray(vec.get_feature_names_out())
    k = min(MAX_FOUND + 2, max(1, len(vocab) - 1))
    if len(vocab) < 2:
        return [], np.zeros((len(residual), 0), bool)
    nmf = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400)
    nmf.fit(x_fit)
    h = nmf.components_
    h = h / np.maximum(np.linalg.norm(h, axis=1, keepdims=True), 1e-12)
    x_all = vec.transform(residual)
    cos = np.asarray(x_all @ h.T)
    member = cos >= FOUND_MIN_COSINE
    counts = (member * weights[:, None]).sum(axis=0)
    top_idx = [np.argsort(-h[j], kind="stable")[:3] for j in range(k)]
    top = [vocab[t] for t in top_idx]
    present = x_all > 0
    keep = []
    for j in np.argsort(-counts, kind="stable"):
        if counts[j] < max(FOUND_MIN_COMMENTS, FOUND_MIN_SHARE * n_comments):
            continue
        w = weights * member[:, j]
        # coherent: most members use at least two of the theme's top three words
        both = np.asarray(present[:, top_idx[j]].sum(axis=1)).ravel() >= 2
        if (w * both).sum() < FOUND_MIN_COHERENCE * w.sum():
            continue
        # new: not mostly the comments of one lexicon theme
        if lex_flags.shape[1] and ((w @ lex_flags) / w.sum()).max() >= FOUND_MAX_OVERLAP:
            continue
        keep.append(j)
    keep = keep[:MAX_FOUND]
    return [tuple(top[j]) for j in keep], member[:, keep]


def analyse_comments(
    comments,
    *,
    themes: Mapping[str, Sequence[str]] | None = None,
    found: bool = True,
    seed: int = 0,
) -> CommentAnalysis:
    """Themes and sentiment of each comment.

    Parameters
    ----------
    comments : Series of str (missing values and empty strings are "no comment").
    themes : extra theme terms (``[comments.themes]`` of ``salesmeasure.toml``), merged
        into the seed lexicon by :func:`theme_lexicon`.
    found : look for data-driven themes in what the lexicon leaves (NMF).
    seed : random state of the NMF (its NNDSVDa start is deterministic anyway).

    Raises
    ------
    ValueError
        ``comments`` holds something other than text (a number, a list).
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    s = pd.Series(comments)
    bad = s[s.notna() & ~s.map(lambda v: isinstance(v, str))]
    if len(bad):
        raise ValueError(
            f"comment: row {bad.index[0]!r} holds {bad.iloc[0]!r}, not text "
            f"({len(bad)} such value(s))"
        )
    lexicon = theme_lexicon(themes)
    kinds = {t: "seed" if t in SEED_THEMES else "config" for t in lexicon}
    pattern, owners = _term_regex(lexicon)
    seg = Segmenter([*owners, *_VALENCE, *NEGATORS, *INTENSIFIERS])

    raw = s.where(s.notna(), "").astype(str)
    codes, uniques = pd.factorize(raw, sort=False)
    cleaned = [clean(u) for u in uniques]
    tokens = [seg.tokens(c) for c in cleaned]
    has_text = np.array([any(t != BREAK for t in tk) for tk in tokens], bool)
    weights = np.bincount(codes, minlength=len(uniques))

    names = list(lexicon)
    col = {n: j for j, n in enumerate(names)}
    lex_flags = np.zeros((len(uniques), len(names)), bool)
    for i, c in enumerate(cleaned):
        if has_text[i]:
            for m in pattern.finditer(c):
                for t in owners[m.group()]:
                    lex_flags[i, col[t]] = True
    sentiment = np.array(
        [sentiment_score(tk) if h else np.nan for tk, h in zip(tokens, has_text, strict=True)]
    )

    stop = STOPWORDS | frozenset(ENGLISH_STOP_WORDS) | NEGATORS | frozenset(INTENSIFIERS)
    content = [[t for t in tk if t != BREAK] for tk in tokens]

    def leftover(tok: str) -> bool:
        if tok in stop or tok in _VALENCE or tok in owners or tok.isdigit():
            return False
        if len(tok) < 2 or pattern.search(tok):
            return False
        return tok[0].isalpha()

    # the words left once the theme terms are cut out of the text
    residual = [
        [t for t in seg.tokens(pattern.sub(" | ", c)) if t != BREAK and leftover(t)] if h else []
        for c, h in zip(cleaned, has_text, strict=True)
    ]
    n_comments = int(weights[has_text].sum())
    found_words, found_member = (
        _found_themes(residual, weights * has_text, n_comments, lex_flags, seed=seed)
        if found
        else ([], None)
    )

    flags_u = lex_flags
    theme_rows = [{"theme": t, "kind": kinds[t], "words": lexicon[t]} for t in names]
    if found_words:
        flags_u = np.hstack([lex_flags, found_member & has_text[:, None]])
        for j, w in enumerate(found_words, 1):
            theme_rows.append({"theme": f"found_{j}", "kind": "found", "words": w})
    # every token, for the typicality of verbatims
    full = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    try:
        tfidf = full.fit_transform(content)
        vocabulary = np.asarray(full.get_feature_names_out())
    except ValueError:  # no token at all
        from scipy import sparse

        tfidf, vocabulary = sparse.csr_matrix((len(content), 0)), np.array([], dtype=object)

    index = s.index
    has_resp = has_text[codes]
    text_index = np.where(has_resp, codes, -1)
    table = pd.DataFrame(theme_rows).set_index("theme")
    flags = pd.DataFrame(flags_u[codes], index=index, columns=table.index)
    table["n"] = flags.sum().astype(int).to_numpy()
    out = pd.DataFrame(
        {
            "has_text": has_resp,
            "sentiment": sentiment[codes],
            "n_chars": raw.str.len().to_numpy(),
            "truncated": (raw.str.len() > MAX_CHARS).to_numpy(),
        },
        index=index,
    )
    return CommentAnalysis(out, flags, table, tfidf, text_index, vocabulary)
