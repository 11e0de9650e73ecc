"""Each trainee page runs a fixed, small number of SQL statements, however big the course or the
trainee's history."""

import pytest
from sqlalchemy import event, select

from lms.extensions import db
from lms.models import Module, ModuleVersion, QuizAttempt
from lms.models.types import utcnow
from lms.services import accounts
from lms.services.publishing import sync_courses
from tests.conftest import sign_in_as

BOUND = 12

MODULE = """---
title: Module {n}
minutes: 10
domain: advocacy
objectives:
  - Learn thing {n}.
---

Lesson {n}.

## Quiz

### Question {n}?

- [x] Right {n}
- [ ] Wrong {n}

> Because {n}.
"""


def build(app, root, modules, attempts):
    folder = root / "big"
    folder.mkdir(parents=True)
    (folder / "course.md").write_text(
        "---\ntitle: Big\nsummary: Many modules.\ncertificate:\n  title: T\n"
        "  valid_for_months: 6\n---\nOverview.\n"
    )
    for n in range(1, modules + 1):
        (folder / f"{n:02d}-module-{n}.md").write_text(MODULE.format(n=n))
    with app.app_context():
        sync_courses(root)
        user = accounts.ensure_user("t@example.org", "T", ["trainee"], "a-long-passphrase")
        module = db.session.scalar(select(Module).where(Module.slug == "module-1"))
        version_id = db.session.scalar(
            select(ModuleVersion.id).where(ModuleVersion.module_id == module.id)
        )
        for _ in range(attempts):
            db.session.add(
                QuizAttempt(
                    user_id=user.id,
                    module_id=module.id,
                    module_version_id=version_id,
                    submitted_at=utcnow(),
                    answers={},
                    score=0,
                    passed=False,
                )  # fmt: skip
            )
        db.session.commit()
        last = db.session.scalar(select(QuizAttempt.id).order_by(QuizAttempt.id.desc()))
        return user.id, last


PAGES = [
    "/dashboard",
    "/courses/big/",
    "/courses/big/module-1",
    "/courses/big/module-1/quiz",
    "/courses/big/module-1/attempts/{attempt}",
]


@pytest.mark.parametrize(("modules", "attempts"), [(1, 1), (50, 100)])
def test_trainee_pages_run_a_bounded_number_of_statements(app, tmp_path, modules, attempts):
    user_id, attempt_id = build(app, tmp_path / "set", modules, attempts)
    client = sign_in_as(app.test_client(), user_id)
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    counts = {}
    for page in PAGES:
        path = page.format(attempt=attempt_id)
        client.get(path)  # the first visit may create the progress row and the open attempt
        statements.clear()
        assert client.get(path).status_code == 200, path
        counts[page] = len(statements)

    assert all(n <= BOUND for n in counts.values()), (counts, statements)
