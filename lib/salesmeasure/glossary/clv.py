"""Glossary terms of the clv report (see :mod:`salesmeasure.glossary`)."""

from __future__ import annotations

from salesmeasure.glossary import Term, register  # noqa: F401
from salesmeasure.i18n import N_  # noqa: F401

register()
