"""Read what a manager receives: the rendered HTML reports, their PDFs and the index.

Only the artifacts are read (no library function is asked), so the checks hold for
whatever code produced them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

EXE = str(Path(sys.executable).parent / "salesmeasure")
ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
SUMMARY = "00_executive_summary"

# --------------------------------------------------------------------------- running


@dataclass
class Run:
    """One ``salesmeasure render`` as a user runs it, and what it left in ``out``."""

    args: list[str]
    out: Path
    returncode: int
    stdout: str
    stderr: str
    notebooks: list[str] = field(default_factory=list)  #: the index's columns, in order

    @property
    def log(self) -> str:
        return f"$ {' '.join(self.args)}\nexit {self.returncode}\n{self.stdout}\n{self.stderr}"

    def period_dirs(self) -> list[Path]:
        return sorted(p.parent for p in self.out.glob("*/index.html"))


def render(data: Path, out: Path, period: str, *extra: str, timeout: float = 900) -> Run:
    """Run the real command: ``salesmeasure render --period P --data D --out O [extra]``."""
    args = [EXE, "render", "--period", period, "--data", str(data), "--out", str(out), *extra]
    r = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    nbs = NOTEBOOKS
    if "--notebooks" in extra:
        nbs = extra[list(extra).index("--notebooks") + 1].split(",")
    return Run(args, out, r.returncode, r.stdout, r.stderr, list(nbs))


# --------------------------------------------------------------------------- HTML text


class _Text(HTMLParser):
    """Visible text (style/script/head skipped), images, and table rows of a page."""

    SKIP = {"style", "script", "head", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images = 0
        self.rows: list[list[str]] = []
        self._skip = 0
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        elif tag == "img" and (dict(attrs).get("src") or "").startswith("data:image/"):
            self.images += 1
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        if tag in ("p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "td", "th", "dd"):
            self.parts.append("\n" if tag not in ("td", "th", "dd") else " ")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._skip:
            return
        self.parts.append(data)
        if self._cell is not None:
            self._cell.append(data)


@dataclass
class Page:
    text: str
    images: int
    rows: list[list[str]]
    main: str  #: the notebook's own output (header and provenance footer left out)


def read_page(path: Path) -> Page:
    html = path.read_text(encoding="utf-8")
    full = _Text()
    full.feed(html)
    m = re.search(r"<main\b[^>]*>(.*)</main>", html, re.S | re.I)
    body = _Text()
    body.feed(m.group(1) if m else html)
    return Page(
        text="".join(full.parts),
        images=full.images,
        rows=full.rows,
        main=" ".join("".join(body.parts).split()),
    )


def pdf_text(path: Path) -> str:
    r = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    return r.stdout


# --------------------------------------------------------------------------- checks

#: Notebook parameter names a manager must never read (those that are not plain words).
PARAMETER_NAMES = ("clv_months", "discount_rate", "history_weight", "data_path")
_FORBIDDEN = re.compile(
    r"\bnan\b|\bNaN\b|-?\binf\b|\bInfinity\b|\bNone\b(?! of)|Traceback|\{|\}|"
    + "|".join(rf"\b{n}\b" for n in PARAMETER_NAMES)
)


def forbidden(text: str) -> list[str]:
    """Each forbidden token in ``text`` with a little context (empty when clean)."""
    out = []
    for m in _FORBIDDEN.finditer(text):
        a, b = max(0, m.start() - 50), min(len(text), m.end() + 50)
        out.append(" ".join(text[a:b].split()))
    return out


_EXCEPTION = re.compile(r"\b[A-Z]\w*(Error|Exception|Interrupt)\b|Traceback")


def reads_as_words(reason: str) -> bool:
    """A failure reason a manager can read: a sentence, no exception class name."""
    return bool(reason.strip()) and not _EXCEPTION.search(reason) and len(reason.split()) >= 4


# --------------------------------------------------------------------------- the index


@dataclass
class Cell:
    status: str  #: ok, skipped, failed, missing (from the cell's ``st-*`` class)
    links: dict[str, str] = field(default_factory=dict)  #: label -> href
    error: str = ""


@dataclass
class Row:
    region: str
    scorecard: list[tuple[str, str]] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)


class _Index(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[Row] = []
        self.notebooks: list[str] = []
        self._where: list[str] = []  # open elements that matter: region, dt, dd, error, a
        self._in_body = False
        self._in_head_th = False
        self._dt = ""
        self._href = ""
        self._buf: list[str] = []
        self._stack: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class") or ""
        if tag == "tbody":
            self._in_body = True
        elif tag == "th" and not self._in_body and a.get("scope") == "col":
            self._in_head_th, self._buf = True, []
        elif tag == "tr" and self._in_body:
            self.rows.append(Row(region=""))
        elif not self.rows or not self._in_body:
            return
        elif tag == "td":
            status = next((c[3:] for c in cls.split() if c.startswith("st-")), "")
            self.rows[-1].cells.append(Cell(status=status))
        elif tag == "span" and "ix-region" in cls:
            self._open("region")
        elif tag in ("dt", "dd"):
            self._open(tag)
        elif tag == "p" and "ix-error" in cls:
            self._open("error")
        elif tag == "a":
            self._href = a.get("href") or ""
            self._open("a")

    def _open(self, what):
        self._stack.append((what, ""))

    def handle_data(self, data):
        if self._in_head_th:
            self._buf.append(data)
        if self._stack:
            what, text = self._stack[-1]
            self._stack[-1] = (what, text + data)

    def handle_endtag(self, tag):
        if tag == "th" and self._in_head_th:
            self._in_head_th = False
            self.notebooks.append(" ".join("".join(self._buf).split()))
            return
        if tag == "tbody":
            self._in_body = False
        if not self._stack:
            return
        what, text = self._stack[-1]
        closes = {"region": "span", "dt": "dt", "dd": "dd", "error": "p", "a": "a"}[what]
        if tag != closes:
            return
        self._stack.pop()
        text = " ".join(text.split())
        row = self.rows[-1]
        if what == "region":
            row.region = text
        elif what == "dt":
            self._dt = text
        elif what == "dd" and not row.cells:  # the region's scorecard, not a cell headline
            row.scorecard.append((self._dt, text))
        elif what == "error" and row.cells:
            row.cells[-1].error = text
        elif what == "a" and row.cells:
            row.cells[-1].links[text] = self._href


def read_index(path: Path) -> list[Row]:
    p = _Index()
    p.feed(path.read_text(encoding="utf-8"))
    return p.rows


_NUMBER = re.compile(r"[-+−]?\d[\d,.]*\s?[kMB%]?")


def first_number(text: str) -> str | None:
    m = _NUMBER.search(text or "")
    return m.group(0).replace("−", "-").replace(" ", "") if m else None


# --------------------------------------------------------------------------- the contract


def reports(out: Path) -> dict[str, Path]:
    """Every HTML report under ``out``: ``<period>/<region>/<notebook>`` -> path."""
    return {
        str(p.relative_to(out).with_suffix("")): p
        for p in sorted(out.glob("*/*/*.html"))
        if p.name != "index.html"
    }


def violations(
    run: Run, *, planned: int | None = None, pdf: bool = False, notebook: str | None = None
) -> list[str]:
    """Everything in a finished batch that breaks the report contract (empty: none).

    * the index lists ``planned`` reports, each written (its links work) or failed with
      a reason in words;
    * no report, index or PDF shows ``nan``, ``inf``, ``None``, ``{``, a traceback or a
      raw parameter name;
    * each headline KPI on the index equals the figure in the executive summary it links to.

    ``notebook`` limits the checks to that notebook's column and reports (``planned``
    then counts that column's reports).
    """
    bad: list[str] = []
    dirs = run.period_dirs()
    if not dirs:
        return [f"no period index under {run.out}"]
    n_cells = 0
    for period_dir in dirs:
        index = period_dir / "index.html"
        for token in forbidden(read_page(index).text):
            bad.append(f"{index.relative_to(run.out)}: shows {token!r}")
        rows = read_index(index)
        columns = run.notebooks or NOTEBOOKS
        for row in rows:
            for col, cell in zip(columns, row.cells, strict=False):
                if notebook and col != notebook:
                    continue
                n_cells += 1
                where = f"index {period_dir.name}, {row.region}"
                if cell.status in ("ok", "skipped"):
                    href = cell.links.get("HTML")
                    if not href or not (period_dir / href).exists():
                        bad.append(f"{where}: ready but no HTML report ({cell.links})")
                    if pdf and not (period_dir / href.replace(".html", ".pdf")).exists():
                        bad.append(f"{where}: no PDF beside {href}")
                elif cell.status == "failed":
                    if not reads_as_words(cell.error):
                        bad.append(f"{where}: failed without a reason in words: {cell.error!r}")
                else:
                    bad.append(f"{where}: a planned report is {cell.status or 'unlisted'}")
            if notebook in (None, SUMMARY):
                bad += _headline_mismatches(period_dir, row)
    if planned is not None and n_cells != planned:
        bad.append(f"the index lists {n_cells} reports, {planned} were planned")
    for name, path in reports(run.out).items():
        if notebook and path.stem != notebook:
            continue
        page = read_page(path)
        bad += [f"{name}: shows {t!r}" for t in forbidden(page.text)]
        if pdf and path.with_suffix(".pdf").exists():
            bad += [
                f"{name}.pdf: shows {t!r}" for t in forbidden(pdf_text(path.with_suffix(".pdf")))
            ]
    return bad


def _headline_mismatches(period_dir: Path, row: Row) -> list[str]:
    summary = next((c for c in row.cells if any(SUMMARY in h for h in c.links.values())), None)
    if not row.scorecard or summary is None:
        return []
    href = next(h for h in summary.links.values() if h.endswith(f"{SUMMARY}.html"))
    table = {r[0]: r[1:] for r in read_page(period_dir / href).rows if len(r) >= 2}
    bad = []
    for label, value in row.scorecard:
        shown = first_number(value)
        if label not in table:
            bad.append(f"index {row.region}: {label} {value!r} is not in {href}")
        elif shown is not None and shown != first_number(table[label][0]):
            bad.append(
                f"index {row.region}: {label} {value!r} but {href} shows {table[label][0]!r}"
            )
    return bad


def differences(warm: Run, fresh: Run, regions: set[str] | None = None) -> list[str]:
    """Reports that differ between the warm-kernel run and the fresh-kernel run
    (``regions``: only the reports of those region folders, e.g. ``{"north"}``)."""
    a, b = reports(warm.out), reports(fresh.out)
    if regions is not None:
        a, b = ({n: p for n, p in r.items() if p.parent.name in regions} for r in (a, b))
    bad = [f"{n}: only in the {'warm' if n in a else 'fresh'} run" for n in set(a) ^ set(b)]
    for name in sorted(set(a) & set(b)):
        pa, pb = read_page(a[name]), read_page(b[name])
        if pa.images != pb.images:
            bad.append(f"{name}: {pa.images} images warm, {pb.images} fresh")
        if pa.main != pb.main:
            i = next(
                (k for k, (x, y) in enumerate(zip(pa.main, pb.main, strict=False)) if x != y),
                min(len(pa.main), len(pb.main)),
            )
            bad.append(
                f"{name}: text differs at {i}: warm {pa.main[max(0, i - 60) : i + 60]!r} "
                f"fresh {pb.main[max(0, i - 60) : i + 60]!r}"
            )
    return bad
