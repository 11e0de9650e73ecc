"""The supervisor's view of trainees: the roster (rows.py, from what facts.py reads), a cohort's
progress picture (picture.py), one trainee's record (record.py), and who may see whom (scope.py).

The roster's pages and its streamed CSV are in pages.py, sorted and filtered in SQL by
ordering.py on the figures figures.py joins in. Callers use this package's names:
roster.roster_page(...), roster.roster_for_csv(...), and so on.
"""

from .pages import SQL_SORTS, RosterPage, roster_for_csv, roster_page
from .picture import CohortPicture, CoursePicture, ModuleCounts, cohort_picture
from .record import TraineeRecord, trainee_record
from .rows import (
    COLUMNS,
    STATUSES,
    RosterError,
    RosterRow,
    roster,
    roster_rows,
    sort_rows,
)
from .scope import cohort_options, visible_trainee_ids

__all__ = [
    "COLUMNS",
    "STATUSES",
    "CohortPicture",
    "CoursePicture",
    "ModuleCounts",
    "SQL_SORTS",
    "RosterError",
    "RosterPage",
    "RosterRow",
    "TraineeRecord",
    "cohort_options",
    "cohort_picture",
    "roster",
    "roster_for_csv",
    "roster_page",
    "roster_rows",
    "sort_rows",
    "trainee_record",
    "visible_trainee_ids",
]
