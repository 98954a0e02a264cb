"""Loading and validating a data source.

``load(spec)`` reads the six tables of the data model from a folder of CSV or Parquet
files (``orders.csv`` or ``orders.parquet``), an Excel workbook or a database
(:mod:`salesmeasure.sources`), maps the source's columns to ours (``salesmeasure.toml``,
:mod:`salesmeasure.config`), types them (ids as strings, dates as dates, numbers as
numbers, with the configured decimal mark, thousands separator and date format), checks
them with pandera schemas and cross-table rules, and returns a :class:`Dataset`.

Only ``orders`` is needed (issue 23). A table with no file, sheet or database table (or
``absent = true`` in ``salesmeasure.toml``) is *absent*: ``Dataset.absent`` names it,
``Dataset.has(name)`` is False, and its frame is empty with the model's columns. Without
``customers``, each customer is derived from their orders; without an ``order_id``
column, ids are the record numbers; ``Dataset.derived`` says what was derived.

Two kinds of problem are told apart:

* **The source cannot be used** (missing orders, a missing column, an empty or
  unreadable file,
  a table with no usable row, a column written in a format the reader was not told
  about): :class:`DataError`, naming the file and column, and for a misspelt column the
  closest name found, for a format the ``salesmeasure.toml`` line that reads it. Every
  missing table and column is named in the same error.
* **A row is bad** (negative amount, score out of range, unknown customer, duplicate id,
  unparseable date, a date after today or after the data's as-of date, an amount far
  above the data's range, a repeated target, a target for a region with no customers,
  ...): the row is *quarantined*: kept out of the analysis
  tables and kept, with its file, record number, column, value, reason and the whole
  original record, in ``Dataset.rejected``; ``Dataset.quality`` counts them by reason.

Modules: :mod:`~salesmeasure.data.schemas` (the data model), :mod:`~.coerce` (typing and
the quarantine), :mod:`~.quality` (as-of date, future dates, extreme amounts),
:mod:`~.detect` (format problems and ``salesmeasure.toml`` suggestions), :mod:`~.load`,
:mod:`~.dataset`.
"""

from salesmeasure.data.coerce import Quarantine, display, is_blank
from salesmeasure.data.dataset import Dataset
from salesmeasure.data.load import fingerprint, load
from salesmeasure.data.schemas import (
    COLUMNS,
    DATE_COLUMN,
    ID_COLUMN,
    REJECTED_COLUMNS,
    SURVEY_SCALES,
    TABLE_NAMES,
)
from salesmeasure.errors import DataError

_is_blank = is_blank  # old private name, used by targets

__all__ = [
    "COLUMNS",
    "DATE_COLUMN",
    "ID_COLUMN",
    "REJECTED_COLUMNS",
    "SURVEY_SCALES",
    "TABLE_NAMES",
    "DataError",
    "Dataset",
    "Quarantine",
    "display",
    "fingerprint",
    "is_blank",
    "load",
]
