"""Cells for CSV files people open in a spreadsheet (every CSV download: the lists, the cohort's
hours, the cohort's certificates)."""

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell):
    """The cell as a spreadsheet will show it, never run it: text that a spreadsheet would read
    as a formula (=, +, -, @, a tab or a carriage return first) gets a leading apostrophe."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell
