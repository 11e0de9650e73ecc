"""The fixed core stack with nothing of lms in it, as bench_trainee.py's second yardstick.

hello_app.py measures Flask alone. This app loads what every lms worker must load whatever lms does
(Flask, Flask-Login, Flask-SQLAlchemy with the ORM, Flask-WTF and WTForms, Jinja, the database
driver, Huey) and serves one page that does the least an lms page does: load the signed-in
person from the session cookie (one query by primary key), make a CSRF token, and render a
template that extends a base. Its start time and worker memory are the floor of lms's, and its
page cost the floor of a trainee page's, on this machine and this stack.

The database is the benchmark's own (BENCH_STACK_DATABASE_URL), with a table of its own.
"""

import os

import wtforms  # noqa: F401  (loaded by every lms worker: its forms)
from flask import Flask, render_template
from flask_login import LoginManager, current_user, login_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from huey import SqliteHuey
from jinja2 import DictLoader
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()


class Person(db.Model):
    __tablename__ = "bench_stack_person"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))

    is_authenticated = is_active = True
    is_anonymous = False

    def get_id(self):
        return str(self.id)


TEMPLATES = {
    "base.html": (
        "<!doctype html><html lang='en'><head><title>{% block title %}{% endblock %}</title>"
        "</head><body><header>{{ current_user.name }}</header>"
        "<main>{% block content %}{% endblock %}</main>"
        "<form method='post' action='/'><input type='hidden' name='csrf_token'"
        " value='{{ csrf_token() }}'><button>Sign out</button></form></body></html>"
    ),
    "page.html": (
        "{% extends 'base.html' %}{% block title %}A page{% endblock %}"
        "{% block content %}<h1>Hello, {{ person.name }}</h1>{% endblock %}"
    ),
}

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ.get("LMS_SECRET_KEY", "bench-stack"),
    SQLALCHEMY_DATABASE_URI=os.environ["BENCH_STACK_DATABASE_URL"],
)
app.jinja_loader = DictLoader(TEMPLATES)
db.init_app(app)
login_manager.init_app(app)
CSRFProtect(app)
huey = SqliteHuey(filename=os.environ.get("BENCH_STACK_QUEUE_FILE", ":memory:"))
with app.app_context():
    db.create_all()
    if db.session.get(Person, 1) is None:
        db.session.add(Person(id=1, name="Ada"))
        db.session.commit()
    db.session.remove()
    db.engine.dispose()


@login_manager.user_loader
def load_person(person_id):
    return db.session.get(Person, int(person_id))


@app.get("/")
def page():
    """Signs the visitor in on the first request (the cookie carries it after)."""
    if not current_user.is_authenticated:
        login_user(db.session.get(Person, 1))
    return render_template("page.html", person=current_user)
