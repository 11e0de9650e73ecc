"""The logbook: time a person logs and someone reviews. Practice hours, work and supervision
(practice, approved in bulk by practice_bulk, exported per cohort by hours_export), the
continuing-education ledger (ce) with its evidence files (evidence), and hours as people read and
type them (hours).

Used inside this package only: reviews (the rules every review follows) and once (a form sent
twice makes one entry).
"""
