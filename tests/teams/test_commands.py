"""manage.py import_roster and grant_access, as an operator runs them."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from teams.models import Organization, Person, Role

pytestmark = pytest.mark.django_db

ROSTER = """email,name,team,manager_email,title,parent_team,role
ceo@acme.test,Carla Osei,Leadership,,CEO,,
cto@acme.test,Tomas Ruiz,Engineering,ceo@acme.test,CTO,Leadership,lead
dev@acme.test,Dana Iqbal,Engineering,cto@acme.test,Engineer,,
"""


@pytest.fixture
def roster_file(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER)
    return path


def test_import_roster_creates_the_organisation_and_reports_counts(roster_file, capsys):
    call_command("import_roster", str(roster_file), "--org", "acme", "--org-name", "Acme Ltd")
    out = capsys.readouterr().out
    assert "Created organisation Acme Ltd (acme)" in out
    assert "3 people were created, 0 updated, 0 unchanged, 0 deactivated; 2 new teams." in out
    call_command("import_roster", str(roster_file), "--org", "acme")
    assert "0 people were created, 0 updated, 3 unchanged" in capsys.readouterr().out
    assert Organization.objects.get().name == "Acme Ltd"


def test_import_roster_deactivate_missing(roster_file, tmp_path, capsys):
    call_command("import_roster", str(roster_file), "--org", "acme")
    shorter = tmp_path / "shorter.csv"
    shorter.write_text("\n".join(ROSTER.splitlines()[:3]) + "\n")
    call_command("import_roster", str(shorter), "--org", "acme", "--deactivate-missing")
    assert "1 deactivated" in capsys.readouterr().out
    assert not Person.objects.get(email="dev@acme.test").is_active


def test_import_roster_lists_problems_and_fails(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("email,name,team,manager_email,title\nnope,A,T,,X\n")
    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command("import_roster", str(bad), "--org", "acme")
    assert (
        "bad.csv: row 2, column email: 'nope' is not a valid e-mail address."
        in capsys.readouterr().err
    )
    assert not Person.objects.exists()


def test_import_roster_refuses_a_missing_file_and_a_bad_slug(tmp_path, roster_file):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_roster", str(tmp_path / "nope.csv"), "--org", "acme")
    with pytest.raises(CommandError, match="not a valid organisation slug"):
        call_command("import_roster", str(roster_file), "--org", "Acme Ltd")


def test_grant_access_with_password_lets_them_sign_in(roster_file, client, capsys):
    call_command("import_roster", str(roster_file), "--org", "acme")
    call_command(
        "grant_access",
        "--org",
        "acme",
        "--email",
        "CTO@acme.test",
        "--role",
        "hr",
        "--password",
        "a-long-demo-pass-1",
    )
    assert "cto@acme.test can sign in as HR" in capsys.readouterr().out
    assert Person.objects.get(email="cto@acme.test").role == Role.HR
    assert client.login(email="cto@acme.test", password="a-long-demo-pass-1")


def test_grant_access_without_password_mails_an_invitation(
    roster_file, django_capture_on_commit_callbacks
):
    call_command("import_roster", str(roster_file), "--org", "acme")
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "grant_access", "--org", "acme", "--email", "dev@acme.test", "--role", "employee"
        )
    assert mail.outbox[0].to == ["dev@acme.test"]
    assert "/accounts/reset/" in mail.outbox[0].body


def test_grant_access_twice_changes_the_role_without_a_second_login(roster_file):
    call_command("import_roster", str(roster_file), "--org", "acme")
    for role in ("employee", "lead"):
        call_command(
            "grant_access",
            "--org",
            "acme",
            "--email",
            "dev@acme.test",
            "--role",
            role,
            "--password",
            "a-long-demo-pass-1",
        )
    person = Person.objects.get(email="dev@acme.test")
    assert person.role == Role.LEAD
    from teams.models import User

    assert User.objects.filter(email="dev@acme.test").count() == 1


def test_grant_access_refusals_say_what_to_fix(roster_file):
    call_command("import_roster", str(roster_file), "--org", "acme")
    with pytest.raises(CommandError, match="No person ghost@acme.test in organisation 'acme'"):
        call_command("grant_access", "--org", "acme", "--email", "ghost@acme.test", "--role", "hr")
    with pytest.raises(CommandError, match="too short"):
        call_command(
            "grant_access",
            "--org",
            "acme",
            "--email",
            "dev@acme.test",
            "--role",
            "hr",
            "--password",
            "abc",
        )
    Person.objects.filter(email="dev@acme.test").update(is_active=False)
    with pytest.raises(CommandError, match="deactivated in the roster"):
        call_command(
            "grant_access",
            "--org",
            "acme",
            "--email",
            "dev@acme.test",
            "--role",
            "hr",
            "--password",
            "a-long-demo-pass-1",
        )


def test_one_login_serves_one_person_across_organisations(roster_file, tmp_path):
    call_command("import_roster", str(roster_file), "--org", "acme")
    call_command("import_roster", str(roster_file), "--org", "globex")
    call_command(
        "grant_access",
        "--org",
        "acme",
        "--email",
        "dev@acme.test",
        "--role",
        "hr",
        "--password",
        "a-long-demo-pass-1",
    )
    with pytest.raises(CommandError, match="already belongs to another organisation"):
        call_command(
            "grant_access",
            "--org",
            "globex",
            "--email",
            "dev@acme.test",
            "--role",
            "hr",
            "--password",
            "a-long-demo-pass-1",
        )
