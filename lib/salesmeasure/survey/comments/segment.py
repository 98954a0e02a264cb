"""Cleaning and segmenting comments: Chinese with jieba, English (and any Latin-script
text) with a word regex, emoji as tokens of their own; mixed text is split into runs.

* :func:`clean` -- the text that is analysed: Unicode NFKC (full-width letters and
  digits become ASCII), HTML entities decoded and tags removed (``<script>`` is not a
  word a customer wrote), lower case, at most :data:`MAX_CHARS` characters.
* :class:`Segmenter` -- tokens of a cleaned text; a sentence break (``.``, ``，``,
  ``！`` ...) is kept as the token ``"|"`` so negation does not reach across it.

jieba's dictionary ships inside the PyPI package (no download); the theme and sentiment
words are added to a private :class:`jieba.Tokenizer` (the module-level one is left
alone) so that they come out as whole words.

References
----------
Sun, J. (2012-2020). jieba: Chinese text segmentation. https://github.com/fxsjy/jieba
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["MAX_CHARS", "BREAK", "clean", "Segmenter"]

#: Longest text analysed per comment; the rest of a longer comment is left out of the
#: themes and sentiment (and counted as ``truncated``), so one pasted document cannot
#: stall a run. Reports show a shortened comment anyway.
MAX_CHARS = 10_000

#: Distinct Chinese runs (text between punctuation) whose cut is remembered: clauses
#: such as "物流很快" recur across otherwise distinct comments.
_MAX_CACHED = 500_000

#: Token standing for a sentence break.
BREAK = "|"

_TAG = re.compile(r"<[^<>]{0,500}>")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(
    rf"(?P<cjk>[{_CJK}]+)"
    r"|(?P<word>[a-z0-9]+(?:['\u2019\-][a-z0-9]+)*)"
    r"|(?P<emoji>[\U0001F000-\U0001FAFF\u2600-\u27BF]\ufe0f?)"
    r"|(?P<brk>[.!?;,\n\u3002\uff01\uff1f\uff1b\uff0c\u3001\u2026]+)"
)


def clean(text) -> str:
    """The analysed form of one comment (see the module docstring); ``""`` for a
    missing value."""
    if text is None or not isinstance(text, str):
        return ""
    t = unicodedata.normalize("NFKC", text[: 2 * MAX_CHARS])
    t = _TAG.sub(" ", html.unescape(t))
    return t.lower()[:MAX_CHARS].strip()


def is_cjk(token: str) -> bool:
    return bool(token) and re.match(rf"[{_CJK}]", token) is not None


class Segmenter:
    """Tokens of cleaned comments, Chinese runs cut by jieba (each distinct run once).

    Parameters
    ----------
    words : iterable of str
        Words jieba must keep whole (theme and sentiment terms).
    """

    def __init__(self, words: Iterable[str] = ()):
        self._words = sorted({w for w in words if is_cjk(w) and " " not in w})
        self._jieba = None
        self._runs: dict[str, list[str]] = {}

    def _cutter(self):
        if self._jieba is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tk = jieba.Tokenizer()
            tk.initialize()
            for w in self._words:
                tk.add_word(w, freq=max(tk.suggest_freq(w), 1000))
            self._jieba = tk
        return self._jieba

    def tokens(self, text: str) -> list[str]:
        """Tokens of a :func:`clean` text, in order."""
        out: list[str] = []
        for m in _TOKEN.finditer(text):
            kind = m.lastgroup
            if kind == "cjk":
                run = m.group()
                cut = self._runs.get(run)
                if cut is None:
                    cut = self._cutter().lcut(run, HMM=False)
                    if len(self._runs) < _MAX_CACHED:
                        self._runs[run] = cut
                out.extend(cut)
            elif kind == "brk":
                if out and out[-1] != BREAK:
                    out.append(BREAK)
            else:
                out.append(m.group())
        return out
