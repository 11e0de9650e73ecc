"""Enrolling a cohort from a CSV file (name, email, supervisor_email), in two steps: a preview that
checks every row and names every problem by line, then a confirmation that checks the same text
again and enrols every row or none, in one transaction with its audit event."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import User
from .. import audit
from . import accounts, supervision
from .cohorts import ALREADY, EXISTING, NEW, CohortError, RowCheck, check_rows, cohort, enrol_rows

COLUMNS = ("name", "email", "supervisor_email")
MAX_ROWS = 2000
# Below Flask's 500 kB limit on a form field, so the confirm form can carry the text back.
MAX_BYTES = 400_000

EMPTY = (
    "The file is empty. It needs a header row (name,email,supervisor_email) and then one row "
    "per trainee."
)
NO_ROWS = "The file has a header row but no trainees. Add one row per trainee below it."
NOT_TEXT = "The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and try again."
TOO_BIG = (
    f"The file is larger than {MAX_BYTES // 1000:,} kB. Split it into smaller files of at most "
    f"{MAX_ROWS:,} trainees."
)
TOO_MANY = (
    "The file has {count:,} trainees; at most {limit:,} can be imported at once. "
    "Split it into smaller files."
)


@dataclass(frozen=True)
class Preview:
    """What importing the text would do: a RowCheck per row, and problems with the whole file."""

    text: str = ""
    rows: tuple[RowCheck, ...] = ()
    file_errors: tuple[str, ...] = ()

    @property
    def errors(self):
        return self.file_errors + tuple(error for row in self.rows for error in row.errors)

    @property
    def rows_with_errors(self):
        return sum(1 for row in self.rows if row.problems)

    @property
    def is_clean(self):
        return bool(self.rows) and not self.errors

    def count(self, status):
        return sum(1 for row in self.rows if row.status == status)

    @property
    def to_enrol(self):
        return self.count(NEW) + self.count(EXISTING)


@dataclass(frozen=True)
class ImportResult:
    enrolled: int
    created: int
    existing: int
    already: int


class ImportRefused(CohortError):
    """The file has problems (or changed meaning since its preview): nothing was imported."""

    def __init__(self, preview, message=None):
        self.preview = preview
        super().__init__(
            message
            or "Nothing was imported: the file has problems. Correct them and check it again."
        )


def preview_import(cohort_id, csv_text):
    """Check a CSV file (bytes as uploaded, or text as pasted) against the cohort. Changes
    nothing. Raises NoSuchCohort for an unknown cohort."""
    return _check(cohort(cohort_id), csv_text)[0]


def _check(found, csv_text):
    """The preview, and the accounts it met by email."""
    text, records, file_errors = _read(csv_text)
    if file_errors:
        return Preview(text=text, file_errors=tuple(file_errors)), {}
    checks, known = check_rows(found.id, [record[:4] for record in records])
    # A row with more values than columns is misaligned: its other checks would only mislead.
    rows = tuple(
        replace(check, status=None, problems=((None, extra),)) if extra else check
        for check, (*_, extra) in zip(checks, records, strict=True)
    )
    return Preview(text=text, rows=rows), known


def _read(data):
    """The text, the records as (line, name, email, supervisor email, problem or None), and
    problems with the file as a whole."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            return "", [], [TOO_BIG]
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return "", [], [NOT_TEXT]
    else:
        text = (data or "").removeprefix("\ufeff")
        if len(text.encode("utf-8")) > MAX_BYTES:
            return "", [], [TOO_BIG]
    if "\x00" in text:  # UTF-16 without its byte-order mark reads as UTF-8 full of NULs
        return "", [], [NOT_TEXT]
    if not text.strip():
        return text, [], [EMPTY]
    reader = csv.reader(io.StringIO(text, newline=""))
    header, columns, records, previous_line = None, None, [], 0
    try:
        for values in reader:
            line, previous_line = previous_line + 1, reader.line_num
            if not any(value.strip() for value in values):
                continue
            if header is None:
                header = values
                columns, problem = _columns(values, line)
                if problem:
                    return text, [], [problem]
                continue
            records.append(_record(values, line, columns, len(header)))
    except csv.Error as error:
        return text, [], [f"line {reader.line_num}: this line cannot be read as CSV ({error})."]
    if not records:
        return text, [], [NO_ROWS]
    if len(records) > MAX_ROWS:
        return text, [], [TOO_MANY.format(count=len(records), limit=MAX_ROWS)]
    return text, records, []


def _columns(header, line):
    """Where each needed column is in the header row, or a problem with the header."""
    names = [cell.strip().lower().replace(" ", "_").replace("-", "_") for cell in header]
    for name in COLUMNS:
        if names.count(name) > 1:
            return None, f"line {line}: the header row names the '{name}' column twice."
    missing = [name for name in COLUMNS if name not in names]
    if missing:
        listed = " and ".join(f"'{name}'" for name in missing)
        return None, (
            f"line {line}: the header row has no {listed} column{'s' if len(missing) > 1 else ''}."
            " The first row must name the columns name, email and supervisor_email (in any "
            "order; other columns are ignored)."
        )
    return {name: names.index(name) for name in COLUMNS}, None


def _record(values, line, columns, width):
    def value(column):
        index = columns[column]
        return values[index] if index < len(values) else ""

    extra = None
    if len(values) > width:
        extra = (
            f"has {len(values)} values but the header row names {width} columns: put a name "
            "that contains a comma in double quotes"
        )
    return (line, value("name"), value("email"), value("supervisor_email"), extra)


def confirm_import(cohort_id, csv_text, actor_id):
    """Check the text again and, if every row is clean, enrol every row in one transaction with
    one "cohort.imported" audit event (and a "role.changed" one for each existing account made a
    trainee). Rows already in the cohort are left as they are. Raises ImportRefused, importing
    nothing, if any row has a problem. Commits."""
    found = cohort(cohort_id)
    preview, known = _check(found, csv_text)
    if not preview.is_clean:
        raise ImportRefused(preview)
    to_enrol = [row for row in preview.rows if row.status in (NEW, EXISTING)]
    result = ImportResult(
        enrolled=len(to_enrol),
        created=preview.count(NEW),
        existing=preview.count(EXISTING),
        already=preview.count(ALREADY),
    )
    if not to_enrol:
        return result
    actor = db.session.get(User, actor_id) if actor_id is not None else None
    try:
        enrol_rows(found.id, to_enrol, known, actor)
        audit.record(
            "cohort.imported",
            _summary(found.name, result),
            actor_id=actor_id,
            cohort_id=found.id,
            cohort=found.name,
            rows=len(preview.rows),
            enrolled=result.enrolled,
            created=result.created,
            already_in_cohort=result.already,
            # Account ids, not emails: the log is append-only, and erasing a trainee must be
            # able to remove everything that identifies them.
            account_ids=sorted(
                db.session.scalars(
                    select(User.id).where(User.email.in_([row.email for row in to_enrol]))
                )
            ),
        )
        db.session.commit()
    except (IntegrityError, accounts.AccountError, supervision.SupervisionError):
        db.session.rollback()
        raise ImportRefused(
            preview_import(cohort_id, csv_text),
            "Nothing was imported: accounts or the cohort changed while importing. "
            "Check the file again.",
        ) from None
    return result


def _summary(cohort_name, result):
    summary = (
        f"Imported {_count(result.enrolled, 'trainee')} into {cohort_name}: "
        f"{_count(result.created, 'new account')}, {_count(result.existing, 'existing account')}"
    )
    if result.already:
        summary += f" ({result.already} already in the cohort, left as they were)"
    return summary


def _count(number, noun):
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
