"""Certification: deciding when a certificate is due and issuing it once (certification), what it
asks beyond quizzes (requirements; kept_checklists keeps the course page's checklist in each
worker), finding and checking one (certificate_lookup, codes), its files (certificate_files,
certificate_pdf, ce_certificate_pdf), revoking it (revocation), renewing it (renewal,
renewal_report, reminders), and the staff lists and zips of certificates (certificate_list,
cohort_certificates, linkedin's share link).

Used inside this package only: certificate_mail (the email that brings a certificate) and
certificate_fonts (which bundled font prints which name; also the transcript's PDF).
"""
