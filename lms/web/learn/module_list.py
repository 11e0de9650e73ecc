"""The course page's list of modules: each module's link, minutes and domain, rendered once.

Those parts come from published content alone, the same for every visitor, and a long course
repeats them for each of its modules on every view of its page (Foundations: about 40 rows, a
third of the page's function calls). They are kept rendered, keyed by what they are made from:
the course's address and its modules' summaries (frozen values, compared by value), so a publish
that changes a title, a length or the order gives a new key and never shows the old rows. The
trainee's state in each module is added by the page itself (templates/learn/course.html).
An edit of the row's macro shows once the workers restart, as other code changes do.
"""

from functools import lru_cache

from flask import get_template_attribute, url_for

KEPT = 64  # lists of modules kept rendered in each worker (a course's list a few kB)


def module_rows(course, modules):
    """(Markup,): a row for each of the course's modules (catalog.ModuleSummary), in order."""
    return _rendered(url_for("learn.course", course_slug=course.slug), tuple(modules))


@lru_cache(maxsize=KEPT)
def _rendered(course_href, modules):
    # A module's address is its course's followed by its slug (learn.module's route; a slug is
    # lowercase letters, digits and hyphens, nothing to quote).
    row = get_template_attribute("_macros/learning.html", "module_row")
    return tuple(row(course_href, module) for module in modules)
