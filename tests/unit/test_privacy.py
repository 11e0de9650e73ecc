"""A person's data export: it holds every kind of record about them, as JSON, and nothing about
anyone else."""

import json

import pytest
from flask import current_app

from lms.services.certification import certificate_lookup
from lms.services.credentials import addresses, issuing
from lms.services.people import privacy
from tests.unit.privacykit import NOTE, NOW, one_of_every_record


@pytest.fixture
def world(app_ctx, courses_dir):
    return one_of_every_record(courses_dir)


def test_the_export_holds_every_kind_of_record_and_is_json(world):
    data = privacy.export_for(world["ada"], now=NOW)

    assert json.loads(json.dumps(data)) == data
    assert data["exported_at"] == "2026-11-21T09:00:00+00:00"
    account = data["account"]
    assert (account["name"], account["email"], account["roles"]) == (
        "Ada Lovelace", "ada.private@example.org", ["trainee"]
    )  # fmt: skip
    assert account["created_at"].endswith("+00:00") and account["erased_at"] is None
    assert [(p["course"], p["module"]) for p in data["progress"]] == [
        ("sample-course", "first-steps"), ("sample-course", "listening")
    ]  # fmt: skip
    [attempt] = data["quiz_attempts"]
    assert attempt["module_version"] == 1 and attempt["score"] == 100 and attempt["passed"]
    assert attempt["answers"][0]["question"] == 1
    assert attempt["answers"][0]["chosen"] == ["Recovery looks different for each person."]
    assert attempt["answers"][0]["correct"] is True
    [signature] = data["ethics_signatures"]
    assert signature["typed_name"] == "Ada Lovelace" and signature["course"] == "sample-course"
    [session] = data["practice_sessions"]
    assert (session["date"], session["hours"], session["notes"]) == ("2026-11-20", 1.5, NOTE)
    assert (session["reviewed_by"], session["review_comment"]) == ("Sam Supervisor", "Well done.")
    [certificate] = data["certificates"]
    assert certificate["code"] == world["code"] and certificate["status"] == "revoked"
    assert [c["cohort"] for c in data["cohorts"]] == ["Autumn 2026"]
    assert [s["supervisor"] for s in data["supervisors"]] == ["Sam Supervisor"]
    assert data["sign_in_failures"]["failures"] == 1
    assert {e["action"] for e in data["audit_events"]} == {
        "certificate.issued", "certificate.revoked"
    }  # fmt: skip


def test_the_export_lists_where_each_credential_is_not_the_document(world):
    assert privacy.export_for(world["ada"], now=NOW)["credentials"] == []  # none made yet
    certificate_id = certificate_lookup.certificate_by_code(world["code"]).id
    row = issuing.ensure_credential(certificate_id)  # its first use: a download, the email

    data = privacy.export_for(world["ada"], now=NOW)

    config = current_app.config
    assert data["credentials"] == [
        {
            "certificate_code": world["code"],
            "issued_at": row.issued_at.isoformat(),
            "id": addresses.credential_url(config, world["code"]),
            "status_list": addresses.status_list_url(config, row.status_list),
            "status_index": str(row.status_index),
        }
    ]
    text = json.dumps(data["credentials"])
    assert "proof" not in text and "identityHash" not in text and "sha256$" not in text


def test_the_export_holds_nothing_about_anyone_else(world):
    text = json.dumps(privacy.export_for(world["other"]))

    assert "Ada Lovelace" not in text and "ada.private@example.org" not in text
    assert NOTE not in text and world["code"] not in text
