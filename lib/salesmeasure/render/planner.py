"""Step 1 of a batch: plan the reports (notebook x region) and their safe output paths."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "ALL",
    "Report",
    "plan",
    "slugify",
    "period_slug",
    "region_slugs",
    "cache_key",
    "notebook_hash",
]

#: The consolidated report over every region.
ALL = "all"
_SAFE = re.compile(r"[^a-z0-9]+")
_NOTEBOOK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def slugify(text: str, *, max_len: int = 40) -> str:
    """A path-safe slug for a string that may come from data.

    Lower-case ASCII letters, digits and single dashes only, so no ``/``, ``..``, spaces
    or markup can reach a path. When the slug loses information (any character other
    than a letter or digit, or truncation) a short hash of the original is appended, so
    two different names never share a slug (``"North"`` -> ``"north"``,
    ``"../evil"`` -> ``"evil-1b6e2f"``).
    """
    text = str(text)
    base = _SAFE.sub("-", text.lower()).strip("-")[:max_len].strip("-")
    if base == text.lower() and base:
        return base
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]
    return f"{base}-{digest}" if base else f"x-{digest}"


def period_slug(label: str) -> str:
    """The folder name of a period: its canonical label when plainly safe, else a slug."""
    label = str(label)
    return label if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]{0,30}", label) else slugify(label)


def region_slugs(regions) -> dict[str, str]:
    """Map each region (and ``all``) to a unique slug; the name ``all`` is reserved."""
    out = {ALL: ALL}
    for r in regions:
        if str(r).lower() == ALL:
            raise ValueError(f"region name {r!r} is reserved for the consolidated report")
        out[r] = slugify(r)
    if len(set(out.values())) != len(out):  # only possible through a hash collision
        raise ValueError(f"regions {sorted(out)} do not map to unique path slugs")
    return out


def notebook_hash(path: Path) -> str:
    """sha256 of the notebook's cells (sources and types), ignoring outputs and metadata noise."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = [
        (c.get("cell_type"), _src(c.get("source", "")), c.get("metadata", {}).get("tags", []))
        for c in nb.get("cells", [])
    ]
    return hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()[:16]


def _src(s) -> str:
    return "".join(s) if isinstance(s, list) else str(s)


def cache_key(**parts) -> str:
    """Hash of everything that decides a report's content (canonical JSON of ``parts``)."""
    blob = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Report:
    """One report: a notebook run for one period and one region (or ``all``)."""

    notebook: str  #: notebook stem, e.g. ``01_target_setting`` (checked safe)
    notebook_path: str  #: absolute path of the source notebook
    period: str  #: canonical period label
    region: str  #: the region name as in the data, or ``all``
    region_slug: str  #: the path-safe slug of ``region``
    out_dir: str  #: absolute ``<out>/<period-slug>/<region-slug>``
    parameters: dict = field(hash=False, compare=False)  #: papermill parameters
    notebook_version: str = ""  #: hash of the notebook's cells
    key: str = ""  #: cache key (notebook, parameters, data fingerprint, versions)

    @property
    def id(self) -> str:
        """A stable id, safe to show and use in file names: ``<region-slug>/<notebook>``."""
        return f"{self.region_slug}/{self.notebook}"

    def path(self, ext: str) -> Path:
        """Output path of this report for ``ext`` in {"ipynb", "html", "pdf", "json"}."""
        return Path(self.out_dir) / f"{self.notebook}.{ext}"


def plan(
    notebooks,
    regions,
    *,
    period: str,
    data_path: str | Path,
    out: str | Path,
    fingerprint: str,
    versions: dict | None = None,
    extra_parameters: dict | None = None,
    notebook_parameters: dict | None = None,
) -> list[Report]:
    """List the reports of a batch, in a stable order (region-major, ``all`` first).

    Parameters
    ----------
    notebooks : iterable of path
        Notebook files; their stems name the reports and must be ``[A-Za-z0-9_-]``.
    regions : iterable of str
        Region names as in the data; include ``all`` for the consolidated report.
    period : str
        Canonical period label (e.g. ``"2026Q3"``), passed as the ``period`` parameter.
    data_path, out : path
        The data directory (passed as ``data_path``) and the output root.
    fingerprint : str
        Data fingerprint; part of the cache key.
    versions : dict, optional
        Other things that invalidate the cache (library version, template hash...).
    extra_parameters : dict, optional
        Further papermill parameters for every notebook.
    notebook_parameters : dict, optional
        Notebook stem -> further parameters for that notebook only.
    """
    out = Path(out).resolve()
    data_path = str(data_path) if "://" in str(data_path) else str(Path(data_path).resolve())
    regions = list(dict.fromkeys(regions))
    if ALL in regions:  # the consolidated report first
        regions = [ALL, *[r for r in regions if r != ALL]]
    slugs = region_slugs([r for r in regions if r != ALL])
    period_dir = out / period_slug(period)
    nb_paths = []
    for nb in notebooks:
        p = Path(nb).resolve()
        if not _NOTEBOOK_NAME.match(p.stem):
            raise ValueError(f"notebook name {p.stem!r} must be letters, digits, '_' or '-'")
        if not p.is_file():
            raise ValueError(f"notebook {str(p)!r} does not exist")
        nb_paths.append(p)
    reports = []
    for region in regions:
        for p in nb_paths:
            params = {
                "period": period,
                "region": region,
                "data_path": data_path,
                **(extra_parameters or {}),
                **(notebook_parameters or {}).get(p.stem, {}),
            }
            nbv = notebook_hash(p)
            key = cache_key(
                notebook=nbv, parameters=params, fingerprint=fingerprint, versions=versions or {}
            )
            out_dir = period_dir / slugs[region]
            # defence in depth: the output must stay inside the output root
            if out not in out_dir.resolve().parents:
                raise ValueError(f"output path for region {region!r} escapes {out}")
            reports.append(
                Report(
                    notebook=p.stem,
                    notebook_path=str(p),
                    period=period,
                    region=region,
                    region_slug=slugs[region],
                    out_dir=str(out_dir),
                    parameters=params,
                    notebook_version=nbv,
                    key=key,
                )
            )
    return reports
