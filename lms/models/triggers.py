"""Database triggers made with the tables: create_all runs each statement on the dialect it is
written for once `target` is made, and drops the PostgreSQL functions with it (dropping a table
drops its triggers, not the functions they call). A migration that adds such triggers runs the
same statements itself (the audit log's, the roster standing's, the trainee stamp's)."""

from sqlalchemy import DDL, event


def made_with(target, sqlite=(), postgresql=(), postgresql_functions=()):
    """`target`: a table, or the metadata for triggers that sit on several tables (made once
    every table is). `postgresql_functions`: their signatures, "name(argument types)"."""
    for statement in sqlite:
        event.listen(target, "after_create", DDL(statement).execute_if(dialect="sqlite"))
    for statement in postgresql:
        event.listen(target, "after_create", DDL(statement).execute_if(dialect="postgresql"))
    for function in postgresql_functions:
        drop = DDL(f"DROP FUNCTION IF EXISTS {function}").execute_if(dialect="postgresql")
        event.listen(target, "after_drop", drop)
