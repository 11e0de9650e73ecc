"""Authoring: checking and previewing course files (authoring, which also reports how each quiz
question performs, from item_analysis), publishing them in one transaction (publishing), and
published images (media).

Used inside this package only: item_analysis, session_publishing (a course's live sessions,
published with it) and course_links (an author's relative link made into a page's URL; also the
workspace's preview).
"""
