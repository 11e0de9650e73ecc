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
        writer.writerow(spreadsheet_safe(cell) for cell in row.cells())
    return out.getvalue()


def spreadsheet_safe(cell):
    """The cell as a spreadsheet will show it, never run it: text that a spreadsheet would read
    as a formula gets a leading apostrophe (also used by the cohort hours export)."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell
