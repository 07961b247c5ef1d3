"""The audit log is written where things happen: sign-ins (page and API), roster imports and role
changes; and lines cannot be changed or deleted, not even in the admin."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from teams.admin import AuditEventAdmin
from teams.audit import audit_record
from teams.models import AuditEvent, Role, User
from teams.services import access_grant
from tests.factories import PASSWORD, PersonFactory

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
Action = AuditEvent.Action


def lines(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# --- sign-in -----------------------------------------------------------------------------------


def test_signing_in_on_the_page_records_who_when_and_from_where(world, client):
    response = client.post(
        reverse("login"),
        {"username": "LEAD@acme.test", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
        HTTP_USER_AGENT=FIREFOX,
    )
    assert response.status_code == 302
    [line] = lines(Action.SIGN_IN)
    assert line.actor == world.lead.user and line.actor_label == "lead@acme.test"
    assert line.organization == world.org
    assert (line.ip_address, line.user_agent, line.source) == ("198.51.100.7", FIREFOX, "web")


def test_a_wrong_password_records_the_email_tried_but_never_the_password(world, client):
    response = client.post(
        reverse("login"),
        {"username": " Lead@Acme.test", "password": "hunter2-wrong"},
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 200
    assert not lines(Action.SIGN_IN)
    [line] = lines(Action.SIGN_IN_FAILED)
    assert line.actor is None and line.actor_label == "lead@acme.test"
    assert line.organization == world.org and line.ip_address == "203.0.113.5"
    stored = f"{line.actor_label} {line.target} {line.detail} {line.user_agent}"
    assert "hunter2" not in stored


def test_a_failed_sign_in_with_an_unknown_email_belongs_to_no_organisation(world, client):
    client.post(reverse("login"), {"username": "ghost@nowhere.test", "password": "x"})
    [line] = lines(Action.SIGN_IN_FAILED)
    assert line.organization is None and line.actor_label == "ghost@nowhere.test"


def test_an_api_token_records_token_created_and_a_wrong_password_a_failed_sign_in(world):
    api = APIClient(REMOTE_ADDR="198.51.100.8")
    url = reverse("api-token")
    assert api.post(url, {"email": "hr@acme.test", "password": PASSWORD}).status_code == 200
    assert api.post(url, {"email": "hr@acme.test", "password": "nope-nope"}).status_code == 400
    [created] = lines(Action.TOKEN_CREATED)
    assert created.actor == world.hr.user and created.organization == world.org
    assert (created.source, created.ip_address, created.target) == (
        "api",
        "198.51.100.8",
        "API token",
    )
    [failed] = lines(Action.SIGN_IN_FAILED)
    assert failed.actor_label == "hr@acme.test" and failed.source == "api"
    assert "nope-nope" not in str(failed.detail)


def test_a_login_without_a_roster_person_still_records_its_sign_in(db, client):
    User.objects.create_user("admin@example.test", PASSWORD)
    client.post(reverse("login"), {"username": "admin@example.test", "password": PASSWORD})
    [line] = lines(Action.SIGN_IN)
    assert line.actor_label == "admin@example.test" and line.organization is None


# --- roster import and roles -------------------------------------------------------------------


CSV = b"email,name,team,manager_email,title\nnew@acme.test,Nia Lowe,Sales,sales@acme.test,Rep\n"


def upload(client, **data):
    file = SimpleUploadedFile("roster.csv", CSV, content_type="text/csv")
    return client.post(reverse("roster-import"), {"file": file, **data})


def test_a_roster_import_records_its_counts_and_who_imported(world, client_for):
    assert upload(client_for(world.hr)).status_code == 200
    [line] = lines(Action.ROSTER_IMPORT)
    assert line.actor == world.hr.user and line.organization == world.org
    assert line.target == "roster" and line.source == "web"
    assert line.detail["created"] == 1
    assert (line.detail["updated"], line.detail["deactivated"]) == (0, 0)


def test_a_dry_run_or_a_refused_import_records_nothing(world, client_for):
    client = client_for(world.hr)
    upload(client, dry_run="on")
    bad = SimpleUploadedFile("roster.csv", b"email,name,team,manager_email,title\nbroken,B,S,,\n")
    assert client.post(reverse("roster-import"), {"file": bad}).status_code == 400
    assert not lines(Action.ROSTER_IMPORT)


def test_giving_access_records_the_role_change_without_names(world):
    newcomer = PersonFactory(team=world.sales, email="newbie@acme.test", name="New Bie")
    access_grant(person=newcomer, role=Role.LEAD, invite=True, actor=world.hr)
    access_grant(person=newcomer, role=Role.HR, actor=world.hr)
    first, second = lines(Action.ROLE_CHANGE)
    assert first.actor == world.hr.user and first.organization == world.org
    assert first.target == f"person {newcomer.pk}" and first.target_person_id == newcomer.pk
    assert first.detail["from"] == "employee" and first.detail["to"] == "lead"
    assert first.detail["login_created"] is True and first.detail["invited"] is True
    assert (second.detail["from"], second.detail["to"]) == ("lead", "hr")
    assert second.detail["login_created"] is False
    assert "New Bie" not in f"{first.target} {first.detail} {second.target} {second.detail}"


def test_refused_access_records_nothing(world):
    with pytest.raises(ValidationError, match="cannot take away your own HR access"):
        access_grant(person=world.hr, role=Role.EMPLOYEE, actor=world.hr)
    assert not lines(Action.ROLE_CHANGE)


# --- nobody edits the log ----------------------------------------------------------------------


def test_a_line_cannot_be_changed_or_deleted(world):
    line = audit_record(action=Action.EXPORT, actor=world.hr.user, organization=world.org)
    line.target = "rewritten"
    with pytest.raises(ValueError, match="cannot be changed"):
        line.save()
    with pytest.raises(ValueError, match="cannot be deleted"):
        line.delete()
    assert AuditEvent.objects.get(pk=line.pk).target == ""


def test_the_admin_shows_the_log_read_only(world, client):
    staff = User.objects.create_superuser("root@example.test", PASSWORD)
    line = audit_record(action=Action.EXPORT, actor=world.hr.user, organization=world.org)
    model_admin = AuditEventAdmin(AuditEvent, admin.site)
    request = RequestFactory().get("/admin/")
    request.user = staff
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, line)
    assert not model_admin.has_delete_permission(request, line)
    client.force_login(staff)
    assert client.get(reverse("admin:teams_auditevent_changelist")).status_code == 200
    change = reverse("admin:teams_auditevent_change", args=[line.pk])
    page = client.get(change)
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.post(change, {"target": "rewritten"}).status_code == 403
    delete = reverse("admin:teams_auditevent_delete", args=[line.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:teams_auditevent_add")).status_code == 403
    assert AuditEvent.objects.get(pk=line.pk).target == ""
