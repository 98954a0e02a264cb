"""After printing: a report's PDF made portable and lighter (issue 20).

Chromium writes every link as an absolute URL: a link to a sibling report becomes
``file:///home/ann/reports/2026Q3/all/01_target_setting.html#x``, a path of the machine
that rendered it, dead anywhere else and pointing at the HTML, not the sibling PDF.
:func:`finish_pdf` rewrites such links relative to the PDF's folder, a report's ``.html``
as its ``.pdf`` (``01_target_setting.pdf#x``; the index stays ``.html``: it has no PDF).

It also packs the PDF's small dictionaries (fonts, pages, annotations) into compressed
object streams (PDF 1.5) and keeps one copy of identical streams. Chromium wrote a
Chinese page's text as Type 3 fonts of a few glyphs each, every one with 256-entry width
and encoding arrays uncompressed (a third of the PDF, 95 % of it compressed away here);
the printer now gives such a page a TrueType subset of Noto Sans CJK SC (cjkfont.py), and
any Type 3 font left (no Noto CJK installed) is still packed.

The PDF is Chromium's (Skia): one classic cross-reference table, generation 0 objects,
no encryption. Anything else is returned unchanged.
"""

from __future__ import annotations

import os
import re
import zlib
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["finish_pdf", "relative_link"]

_XREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*\Z")
_OBJ = re.compile(rb"(\d+) 0 obj\s*")
_URI = re.compile(rb"/URI \(((?:[^()\\]|\\.)*)\)")
_REF = re.compile(rb"\b(\d+) 0 R\b")
_STREAM = re.compile(rb"\bstream\r?\n")


def relative_link(uri: str, folder: Path) -> str | None:
    """``uri`` (a ``file://`` URL) relative to ``folder``, a report's ``.html`` as its
    ``.pdf``; None for any other URL (the web, mail) or a file elsewhere on no common
    root."""
    parts = urlsplit(uri)
    if parts.scheme != "file":
        return None
    target = Path(unquote(parts.path))
    if target.suffix == ".html" and target.name != "index.html":
        target = target.with_suffix(".pdf")
    try:
        rel = Path(os.path.relpath(target, folder)).as_posix()
    except ValueError:  # another drive (Windows)
        return None
    return rel + (f"#{parts.fragment}" if parts.fragment else "")


def _unescape(s: bytes) -> str:
    return re.sub(rb"\\(.)", rb"\1", s).decode("latin-1")


def _escape(s: str) -> bytes:
    return (
        s.encode("latin-1", "replace")
        .replace(b"\\", b"\\\\")
        .replace(b"(", b"\\(")
        .replace(b")", b"\\)")
    )


def _objects(data: bytes) -> tuple[dict[int, bytes], bytes, int] | None:
    """``{number: body}`` (between ``N 0 obj`` and ``endobj``), the trailer dictionary and
    the count of objects; None for a PDF this does not know how to read."""
    m = _XREF.search(data[-64:])
    if not m:
        return None
    xref_at = int(m.group(1))
    if data[xref_at : xref_at + 4] != b"xref":
        return None
    head = re.match(rb"xref\s+0 (\d+)\s+", data[xref_at:])
    if not head:
        return None
    size = int(head.group(1))
    table = data[xref_at + head.end() : xref_at + head.end() + 20 * size]
    offsets = {}
    for i in range(size):
        row = table[20 * i : 20 * i + 20]
        if row[17:18] == b"n":
            offsets[i] = int(row[:10])
    trailer = re.search(rb"trailer\s*(<<.*?>>)\s*startxref", data[xref_at:], re.S)
    if not trailer:
        return None
    order = sorted(offsets.items(), key=lambda kv: kv[1])
    bodies = {}
    for k, (num, off) in enumerate(order):
        end = order[k + 1][1] if k + 1 < len(order) else xref_at
        chunk = data[off:end]
        om = _OBJ.match(chunk)
        if not om or int(om.group(1)) != num:
            return None
        body = chunk[om.end() :].rstrip()
        if not body.endswith(b"endobj"):
            return None
        bodies[num] = body[: -len(b"endobj")].rstrip()
    return bodies, trailer.group(1), size


def _relink(body: bytes, folder: Path) -> bytes:
    def sub(m):
        rel = relative_link(_unescape(m.group(1)), folder)
        return m.group(0) if rel is None else b"/URI (" + _escape(rel) + b")"

    return _URI.sub(sub, body)


def _is_stream(body: bytes) -> bool:
    return bool(_STREAM.search(body[:2048])) and body.endswith(b"endstream")


def finish_pdf(data: bytes, pdf_path: str | os.PathLike) -> bytes:
    """Chromium's PDF with relative links (see the module) and packed objects."""
    parsed = _objects(data)
    if parsed is None:
        return data
    bodies, trailer, size = parsed
    folder = Path(pdf_path).resolve().parent
    bodies = {n: (_relink(b, folder) if b"/URI" in b else b) for n, b in bodies.items()}
    # one copy of identical streams (the empty glyph of every Type 3 font)
    seen: dict[bytes, int] = {}
    alias: dict[int, int] = {}
    for n in sorted(bodies):
        b = bodies[n]
        if _is_stream(b):
            first = seen.setdefault(b, n)
            if first != n:
                alias[n] = first
    for n in alias:
        del bodies[n]

    def reref(b: bytes) -> bytes:
        return (
            _REF.sub(lambda m: b"%d 0 R" % alias.get(int(m.group(1)), int(m.group(1))), b)
            if alias
            else b
        )

    root = re.search(rb"/Root (\d+) 0 R", trailer)
    info = re.search(rb"/Info (\d+) 0 R", trailer)
    ident = re.search(rb"/ID\s*\[[^\]]*\]", trailer)
    if root is None:
        return data
    plain, packed = [], []
    for n in sorted(bodies):
        b = bodies[n]
        if _is_stream(b):
            dict_end = _STREAM.search(b).start()
            plain.append((n, reref(b[:dict_end]) + b[dict_end:]))
        else:
            packed.append((n, reref(b)))
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    where: dict[int, tuple[int, int, int]] = {}  # n -> (type, field2, field3)
    for n, b in plain:
        where[n] = (1, len(out), 0)
        out += b"%d 0 obj\n" % n + b + b"\nendobj\n"
    next_num = size
    for start in range(0, len(packed), 200):
        chunk = packed[start : start + 200]
        num = next_num
        next_num += 1
        index, bodies_bytes = [], bytearray()
        for k, (n, b) in enumerate(chunk):
            index.append(b"%d %d" % (n, len(bodies_bytes)))
            bodies_bytes += b + b"\n"
            where[n] = (2, num, k)
        head = b" ".join(index) + b"\n"
        stream = zlib.compress(head + bytes(bodies_bytes), 9)
        where[num] = (1, len(out), 0)
        out += (
            b"%d 0 obj\n<</Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d>>"
            b" stream\n" % (num, len(chunk), len(head), len(stream))
        )
        out += stream + b"\nendstream\nendobj\n"
    xref_num = next_num
    total = xref_num + 1
    where[xref_num] = (1, len(out), 0)
    rows = bytearray()
    for n in range(total):
        t, f2, f3 = where.get(n, (0, 0, 65535 if n == 0 else 0))
        rows += bytes([t]) + f2.to_bytes(4, "big") + f3.to_bytes(2, "big")
    rows_z = zlib.compress(bytes(rows), 9)
    extra = b""
    if info is not None:
        extra += b" /Info %s 0 R" % info.group(1)
    if ident is not None:
        extra += b" " + ident.group(0)
    out += (
        b"%d 0 obj\n<</Type /XRef /Size %d /W [1 4 2] /Index [0 %d] /Root %s 0 R%s"
        b" /Filter /FlateDecode /Length %d>> stream\n"
        % (xref_num, total, total, root.group(1), extra, len(rows_z))
    )
    out += rows_z + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % where[xref_num][1]
    return bytes(out)
