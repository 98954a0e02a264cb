"""Glossary links in the target report's generated sentences: the first mention of each
registered term in a paragraph becomes a link to its entry at the end of the report."""

from __future__ import annotations

import re
from functools import wraps

from salesmeasure import glossary

__all__ = ["link_terms", "with_links"]

#: Markdown links and code spans, left untouched.
_KEEP = re.compile(r"\[[^\]]*\]\([^)]*\)|`[^`]*`")


def link_terms(text: str, report: str = "01_target_setting") -> str:
    """``text`` with the first mention of each term of ``report`` linked (terms already
    linked in it are left as they are)."""
    if not isinstance(text, str) or not text:
        return text
    for term in glossary.terms_for(report):
        target = f"(#{glossary.anchor(term.key)})"
        if target in text:
            continue
        for pat in term.patterns:
            rx = re.compile(pat, flags=re.I)
            pieces, done = [], False
            last = 0
            for keep in _KEEP.finditer(text):
                pieces.append((text[last : keep.start()], True))
                pieces.append((keep.group(0), False))
                last = keep.end()
            pieces.append((text[last:], True))
            out = []
            for piece, free in pieces:
                if free and not done:
                    m = rx.search(piece)
                    if m:
                        piece = piece[: m.start()] + f"[{m.group(0)}]{target}" + piece[m.end() :]
                        done = True
                out.append(piece)
            text = "".join(out)
            if done:
                break
    return text


def with_links(describe):
    """``describe`` whose sentences link the report's terms (for ``report.show``)."""

    @wraps(describe)
    def linked(*args, **kwargs):
        return link_terms(describe(*args, **kwargs))

    return linked
