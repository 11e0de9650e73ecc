"""The roster as CSV: exactly the roster's columns and rows, in the order shown.

Dates are ISO (2026-11-21) so that spreadsheets sort them, where the page writes them out; a cell
that a spreadsheet would read as a formula (=, +, -, @) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io

from .rows import COLUMNS

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_csv(rows):
    """CSV text of exactly these rows and the roster's columns, in this order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS.values())
    for row in rows:
        writer.writerow(_safe(cell) for cell in row.cells())
    return out.getvalue()


def _safe(cell):
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell
