"""Files the site sends as downloads: a CSV export, a PDF or a zip, and the dated names of those
named for the day they were made. Routes behind sign-in get
"Cache-Control: private, no-store" from headers.keep_private_pages_out_of_shared_caches."""

import csv
import io
from io import BytesIO

from flask import Response, send_file, stream_with_context

from ..services import program_day
from ..services.spreadsheet import spreadsheet_safe


def dated_name(stem, extension, day=None):
    """A download's file name with the day it was made on, the program's day (LMS_TIMEZONE) as
    every date a person reads: "roster-2026-11-20.csv" at 9 PM in New York, not the UTC day
    after. `day` defaults to today; the one place a download's name takes a date."""
    return f"{stem}-{(day or program_day.today()).isoformat()}.{extension}"


def csv_attachment(text, file_name):
    """CSV text as an attachment named `file_name`."""
    # The byte order mark lets spreadsheet programs read the names' accents as UTF-8.
    return Response(
        "\ufeff" + text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )


def csv_stream(header, rows, file_name):
    """A CSV attachment written as it is sent: `rows` is an iterator of rows of text cells (a
    keyset.stream), turned into lines a few hundred at a time, so a list of any length never sits
    in memory. Every cell is made safe to open in a spreadsheet."""

    def lines():
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        # The byte order mark lets spreadsheet programs read the names' accents as UTF-8.
        out.write("\ufeff")
        writer.writerow(header)
        for number, row in enumerate(rows, 1):
            writer.writerow(spreadsheet_safe(cell) for cell in row)
            if number % 200 == 0:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        yield out.getvalue()

    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )


def zip_attachment(file, file_name):
    """An open binary file holding a zip, sent from its start as an attachment named
    `file_name`, in pieces (not read into memory), and closed once sent."""
    file.seek(0)
    return send_file(file, mimetype="application/zip", as_attachment=True, download_name=file_name)


def pdf_attachment(data, file_name):
    """PDF bytes as an attachment named `file_name`."""
    return send_file(
        BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=file_name
    )
