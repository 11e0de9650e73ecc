"""Learning: the published catalog a trainee reads, their progress through it, quizzes, training
hours by domain, and live sessions on the calendar with their attendance.

The rest of the app calls: catalog (what is published), learning (progress, opening a module),
attempts (a quiz from opening to grading), training (hours by domain), meetings (the calendar),
attendance, live_requirements (what a certificate asks of live sessions), calendar_file (a
meeting as iCalendar), catalog_version (bumped by every publish), trainee_stamp (moved by the
database with every change a trainee's checklist reads) and live_demo (`lms demo`).
"""
