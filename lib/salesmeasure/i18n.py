"""The report language: gettext catalogs for every word a manager reads.

Text modules (``<area>/text.py``, ``report``, plot labels) wrap each sentence in
:func:`_` at call time, with named placeholders so a translator can reorder them::

    from salesmeasure.i18n import _, ngettext
    _("{n} of {total} reps attained").format(n=3, total=25)

Words kept in module-level tables are marked with :func:`N_` (which returns its argument
unchanged, so the extractor finds them) and translated where they are shown:
``_(STATUS_WORDS[key])``.

Catalogs are standard gettext ``.po`` files under ``salesmeasure/locale/<lang>/LC_MESSAGES/``
(extract with ``pybabel extract``, see ``babel.cfg``). They are compiled in memory the
first time a language is used, so a translator edits the ``.po`` and re-renders; no build
step. English is the source language and needs no catalog.

The language is a context variable: :func:`set_language` sets it for the current
context (a notebook kernel, a thread), :func:`language` for a ``with`` block.
"""

from __future__ import annotations

import gettext as _gettext
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from salesmeasure.errors import ParameterError

DOMAIN = "salesmeasure"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: Report languages: the parameter value (BCP 47) and the gettext/Babel locale name.
LANGUAGES = {"en": "en", "zh-CN": "zh_CN"}
DEFAULT = "en"
#: Each language's name in itself, for a language switch (never translated).
LANGUAGE_NAMES = {"en": "English", "zh-CN": "简体中文"}
#: Extraction keywords (pybabel ``-k`` syntax), as in the Makefile's ``messages`` target.
KEYWORDS = ("_", "ngettext:1,2", "N_", "pgettext:1c,2")

_current: ContextVar[str] = ContextVar("salesmeasure_language", default=DEFAULT)


def check_language(lang: str) -> str:
    """``lang`` normalised to a key of :data:`LANGUAGES` (``zh_CN``/``zh-cn`` -> ``zh-CN``)."""
    if isinstance(lang, str):
        norm = lang.strip().replace("_", "-")
        for key in LANGUAGES:
            if norm.lower() == key.lower():
                return key
    raise ParameterError(f"parameter 'lang' must be one of {', '.join(LANGUAGES)}, got {lang!r}")


def set_language(lang: str) -> str:
    """Make ``lang`` the language of everything formatted or worded from now on."""
    key = check_language(lang)
    _current.set(key)
    return key


def get_language() -> str:
    return _current.get()


@contextmanager
def language(lang: str) -> Iterator[str]:
    """``with language("zh-CN"): ...`` -- the language for one block."""
    token = _current.set(check_language(lang))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def babel_locale(lang: str | None = None) -> str:
    """The Babel/gettext locale name of ``lang`` (default: the current language)."""
    return LANGUAGES[check_language(lang) if lang else get_language()]


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / LANGUAGES[check_language(lang)] / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(lang: str) -> _gettext.NullTranslations:
    path = catalog_path(lang)
    if lang == DEFAULT or not path.exists():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        cat = read_po(fh, locale=LANGUAGES[lang], domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, cat, use_fuzzy=False)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def reload_catalogs() -> None:
    """Forget compiled catalogs (after a ``.po`` file changed in this process)."""
    _translations.cache_clear()


def _(message: str) -> str:
    """``message`` in the current language."""
    return _translations(get_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the current language."""
    return _translations(get_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` disambiguated by ``context`` (the same English word, two meanings)."""
    return _translations(get_language()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it (module-level tables)."""
    return message


# ----------------------------------------------------------------- notebook prose
_HEADING = re.compile(r"^(#{1,6}\s+)(.+?)\s*$")
_BLOCK_SPLIT = re.compile(r"(\n[ \t]*\n)")


def _markdown_units(source: str) -> list[tuple[str, str, str]]:
    """``(prefix, message, separator)`` per paragraph of a Markdown cell: a heading's text
    without its ``#``, else the paragraph as written; code, HTML and math stay as they are
    (message ``""``)."""
    parts = _BLOCK_SPLIT.split(source)
    units = []
    for i in range(0, len(parts), 2):
        block, sep = parts[i], parts[i + 1] if i + 1 < len(parts) else ""
        text = block.strip()
        if not text or text.startswith(("```", "<", "$$", "|")):
            units.append((block, "", sep))
        elif (m := _HEADING.match(text)) and "\n" not in text:
            units.append((m[1], m[2], sep))
        else:
            units.append(("", text, sep))
    return units


def translate_markdown(source: str) -> str:
    """A notebook Markdown cell in the current language, paragraph by paragraph.

    Notebooks are written in English; each heading and paragraph of their Markdown cells
    is a catalog message (extracted by :func:`extract_notebook`), so a rendered Chinese
    report shows translated prose without a second copy of each notebook.
    """
    if get_language() == DEFAULT:
        return source
    return "".join(
        (prefix + _(msg) if msg else prefix) + sep for prefix, msg, sep in _markdown_units(source)
    )


# ----------------------------------------------------------------- parameter labels
_PARAM_LINE = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?::[^=#]+)?=[^#]*#\s*(.+?)\s*$", re.M)


def parameter_label(help_text: str | None) -> str:
    """The English label a report header shows for a notebook parameter: its help comment
    up to the first ``(``, ``:`` or ``;``, capitalised ("CLV horizon in months"); ``""``
    without a comment. Each label is a catalog message (:func:`extract_notebook`), so the
    header shows it translated: ``_(parameter_label(help))``."""
    text = re.split(r"\s*[(:;]", help_text or "", maxsplit=1)[0].strip()
    return text[:1].upper() + text[1:]


def translate_parameters(source: str) -> str:
    """A ``parameters`` cell with each parameter's help comment in the current language
    (``period: str = "2026Q3"  # period to report: ...``); code and values unchanged. Each
    comment is a catalog message (:func:`extract_notebook`)."""

    def one(m: re.Match) -> str:
        start, end = m.span(2)
        line = m.group(0)
        return line[: start - m.start()] + _(m.group(2)) + line[end - m.start() :]

    return _PARAM_LINE.sub(one, source)


def extract_notebook(fileobj, keywords, comment_tags, options):
    """Babel extractor for a notebook (``[ipynb: notebooks/*.ipynb]`` in ``babel.cfg``):
    yields each heading and paragraph of its Markdown cells, and the label of each
    parameter of its ``parameters`` cell (:func:`parameter_label`) and its whole help
    comment (:func:`translate_parameters`), as a message."""
    import json

    nb = json.loads(fileobj.read().decode("utf-8"))
    for number, cell in enumerate(nb.get("cells", []), start=1):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            for m in _PARAM_LINE.finditer(source):
                if label := parameter_label(m[2]):
                    yield number, None, label, [f"notebook parameter {m[1]}"]
                if m[2] != label:  # the whole help comment, for translated copies
                    yield number, None, m[2], [f"notebook parameter {m[1]} (help)"]
            continue
        if cell.get("cell_type") != "markdown":
            continue
        for _prefix, msg, _sep in _markdown_units(source):
            if msg:
                yield number, None, msg, [f"notebook markdown cell {number}"]
