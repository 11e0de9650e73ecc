"""People: accounts and roles (accounts), signed-in sessions (sessions), password-reset links
(password_reset), cohorts and enrolling one from a CSV file (cohorts, cohort_import), who
supervises whom (supervision), accounts as staff see them (people), and a person's own data:
its export (privacy) and erasing it (erasure).
"""
