"""The rules of the app. Plain arguments in, values out, domain errors raised; no requests here.

Grouped by area: learning/, certification/, logbook/ (hours people log and others review),
people/, authoring/, and the workspace/, roster/, transcript/ and credentials/ packages; each
package's __init__ says which of its modules the rest of the app calls. The modules at this level
serve every area: the audit log, the email queue (outbox, mail), keyset pagination, plain_rows,
autocommit, health, settings, program_day (the program's calendar: its today, a moment's day),
spreadsheet cells and the FieldErrors every form error comes from.
"""
