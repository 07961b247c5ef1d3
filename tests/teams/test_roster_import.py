"""Roster import: what an HR person sees when a file is good, and when it is not."""

import io

import pytest
from openpyxl import Workbook

from teams.models import Organization, Person, Role, Team, User
from teams.roster_import import roster_import

HEADER = "email,name,team,manager_email,title"
GOOD = f"""{HEADER},parent_team,role,employee_id,location
ceo@acme.test,Carla Osei,Leadership,,Chief Executive,,,E1,London
cto@acme.test,Tomas Ruiz,Engineering,ceo@acme.test,CTO,Leadership,lead,E2,Berlin
dev@acme.test,Dana Iqbal,Platform,cto@acme.test,Engineer,Engineering,,E3,Berlin
ops@acme.test,Omar Fields,Platform,cto@acme.test,SRE,Engineering,employee,E4,
hr@acme.test,Hui Park,People,ceo@acme.test,HR Partner,Leadership,hr,E5,London
"""


@pytest.fixture
def org(db):
    return Organization.objects.create(name="Acme", slug="acme")


def run(org, text: str | bytes, name="roster.csv", **options):
    content = text.encode() if isinstance(text, str) else text
    return roster_import(organization=org, file_name=name, content=content, **options)


def problems(report):
    return [(p.row, p.column) for p in report.problems]


def test_good_file_creates_people_teams_tree_and_managers(org):
    report = run(org, GOOD)
    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged, report.deactivated) == (5, 0, 0, 0)
    assert report.teams_created == 4
    dev = Person.objects.get(email="dev@acme.test")
    assert dev.team.name == "Platform" and dev.team.parent.name == "Engineering"
    assert dev.team.parent.parent.name == "Leadership"
    assert dev.manager.email == "cto@acme.test"
    assert dev.attributes == {"location": "Berlin"}
    assert dev.employee_id == "E3"
    assert Person.objects.get(email="cto@acme.test").role == Role.LEAD
    assert Person.objects.get(email="ops@acme.test").attributes == {}
    assert "5 people were created" in report.summary()


def test_import_again_upserts_by_email_without_duplicates(org):
    run(org, GOOD)
    report = run(org, GOOD.replace("Dana Iqbal", "Dana Iqbal-Smith").replace("DEV@", "dev@"))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 4)
    assert Person.objects.filter(organization=org).count() == 5
    assert Person.objects.get(email="dev@acme.test").name == "Dana Iqbal-Smith"


def test_email_matching_ignores_case_and_spaces(org):
    run(org, GOOD)
    report = run(org, GOOD.replace("dev@acme.test,", " DEV@Acme.test ,"))
    assert report.ok, report.problems
    assert report.created == 0


def test_blank_role_keeps_the_existing_role_and_an_explicit_role_changes_it(org):
    run(org, GOOD)
    report = run(org, GOOD.replace("CTO,Leadership,lead", "CTO,Leadership,"))
    assert report.ok and Person.objects.get(email="cto@acme.test").role == Role.LEAD
    run(org, GOOD.replace("CTO,Leadership,lead", "CTO,Leadership,employee"))
    assert Person.objects.get(email="cto@acme.test").role == Role.EMPLOYEE


def test_deactivate_missing_keeps_people_and_ends_their_access(org):
    run(org, GOOD)
    ops = Person.objects.get(email="ops@acme.test")
    ops.user = User.objects.create_user("ops@acme.test", "pw-long-enough-123")
    ops.save()
    without_ops = "\n".join(line for line in GOOD.splitlines() if not line.startswith("ops@"))
    report = run(org, without_ops, deactivate_missing=True)
    assert report.ok and report.deactivated == 1
    ops.refresh_from_db()
    ops.user.refresh_from_db()
    assert Person.objects.filter(organization=org).count() == 5  # kept, never deleted
    assert not ops.is_active and not ops.user.is_active
    report = run(org, GOOD)  # back in the file: active again, with their login
    ops.refresh_from_db()
    ops.user.refresh_from_db()
    assert report.updated == 1 and ops.is_active and ops.user.is_active


def test_without_deactivate_missing_absent_people_stay_active(org):
    run(org, GOOD)
    report = run(org, HEADER + "\nnew@acme.test,Nia Lowe,Platform,cto@acme.test,Engineer\n")
    assert report.ok and report.deactivated == 0 and report.created == 1
    assert Person.objects.filter(organization=org, is_active=True).count() == 6


def test_dry_run_reports_counts_and_changes_nothing(org):
    report = run(org, GOOD, dry_run=True)
    assert report.ok and report.created == 5 and report.dry_run
    assert "would be created" in report.summary()
    assert not Person.objects.exists() and not Team.objects.exists()


def test_xlsx_file_imports_like_csv(org):
    workbook = Workbook()
    sheet = workbook.active
    for line in GOOD.strip().splitlines():
        sheet.append(line.split(","))
    sheet.append(
        ["num@acme.test", "Nora Num", "Platform", "cto@acme.test", "Engineer", "", "", 1234, "Oslo"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run(org, buffer.getvalue(), name="roster.xlsx")
    assert report.ok, report.problems
    assert report.created == 6
    assert Person.objects.get(email="num@acme.test").employee_id == "1234"


def test_headers_are_matched_loosely_and_blank_rows_are_skipped(org):
    text = "Email , Name,Team,Manager Email,TITLE\n\nana@acme.test,Ana,Ops,,Boss\n,,,,\n"
    report = run(org, text)
    assert report.ok, report.problems
    assert report.created == 1


def test_semicolon_separated_csv_from_a_european_excel_imports(org):
    text = "email;name;team;manager_email;title\nana@acme.test;Ana Sá;Ops;;Boss\n"
    report = run(org, text.encode("utf-8-sig"))
    assert report.ok, report.problems
    assert Person.objects.get().name == "Ana Sá"


# --- bad input: every problem with its row and column, and nothing stored -------------------

BAD_ROWS = f"""{HEADER},role
ceo@acme.test,Carla Osei,Leadership,,CEO,
not-an-email,Bad Mail,Ops,ceo@acme.test,Clerk,
,No Mail,Ops,ceo@acme.test,Clerk,
ceo@acme.test,Carla Again,Ops,,CEO,
ana@acme.test,Ana,Ops,ghost@acme.test,Clerk,
bob@acme.test,Bob,Ops,ceo@acme.test,Clerk,boss
cy@acme.test,Cy,,ceo@acme.test,Clerk,
"""


def test_every_bad_row_is_reported_with_row_and_column_and_nothing_is_stored(org):
    report = run(org, BAD_ROWS)
    assert not report.ok
    assert problems(report) == [
        (3, "email"),
        (4, "email"),
        (5, "email"),
        (6, "manager_email"),
        (7, "role"),
        (8, "team"),
    ]
    messages = " ".join(p.message for p in report.problems)
    assert "'not-an-email' is not a valid e-mail address" in messages
    assert "E-mail is missing" in messages
    assert "ceo@acme.test is listed twice: rows 2 and 5" in messages
    assert "Manager ghost@acme.test is not in the roster" in messages
    assert "Unknown role 'boss'. Use employee, lead or hr" in messages
    assert not Person.objects.exists() and not Team.objects.exists()


def test_a_bad_file_leaves_the_stored_roster_untouched(org):
    run(org, GOOD)
    before = list(Person.objects.order_by("email").values_list("email", "name", "team__name"))
    bad = GOOD.replace("Dana Iqbal", "Dana Changed") + "x@acme.test,X,Ops,nobody@acme.test,Y\n"
    report = run(org, bad, deactivate_missing=True)
    assert problems(report) == [(7, "manager_email")]
    after = list(Person.objects.order_by("email").values_list("email", "name", "team__name"))
    assert before == after


def test_manager_cycle_is_reported_with_its_rows(org):
    text = (
        HEADER
        + """
a@acme.test,A,Ops,c@acme.test,X
b@acme.test,B,Ops,a@acme.test,X
c@acme.test,C,Ops,b@acme.test,X
d@acme.test,D,Ops,d@acme.test,X
"""
    )
    report = run(org, text)
    assert problems(report) == [(2, "manager_email"), (5, "manager_email")]
    assert (
        "Manager cycle: a@acme.test → c@acme.test → b@acme.test → a@acme.test (rows 2, 3, 4)"
        in report.problems[0].message
    )
    assert "cannot be their own manager" in report.problems[1].message


def test_manager_cycle_through_someone_already_stored_is_caught(org):
    run(org, HEADER + "\na@acme.test,A,Ops,,X\nb@acme.test,B,Ops,a@acme.test,X\n")
    report = run(org, HEADER + "\na@acme.test,A,Ops,b@acme.test,X\n")
    assert problems(report) == [(2, "manager_email")]
    assert "Manager cycle" in report.problems[0].message


def test_team_cycle_and_conflicting_parents_are_reported(org):
    text = (
        HEADER
        + """,parent_team
a@acme.test,A,Red,,X,Blue
b@acme.test,B,Blue,,X,Red
c@acme.test,C,Green,,X,Green
d@acme.test,D,Red,,X,Yellow
"""
    )
    report = run(org, text)
    assert problems(report) == [(2, "parent_team"), (4, "parent_team"), (5, "parent_team")]
    messages = [p.message for p in report.problems]
    assert messages[0].startswith("Team cycle: Blue → Red → Blue (rows 2, 3)")
    assert "cannot be its own parent team" in messages[1]
    assert "has parent 'Blue' on row 2 but 'Yellow' here" in messages[2]


def test_missing_required_columns_are_named(org):
    report = run(org, "email,name,team\na@acme.test,A,Ops\n")
    assert problems(report) == [(1, "manager_email"), (1, "title")]
    assert "Required column 'manager_email' is missing" in report.problems[0].message


def test_empty_file_and_header_only_file_say_so(org):
    assert "The file is empty" in run(org, "").problems[0].message
    assert "The file is empty" in run(org, "\n \n").problems[0].message
    assert "no people below it" in run(org, HEADER + "\n").problems[0].message


def test_wrong_encoding_says_how_to_save_as_utf8(org):
    report = run(org, (HEADER + "\nana@acme.test,Ana Sá,Ops,,Boss\n").encode("latin-1"))
    assert not report.ok
    assert "not UTF-8" in report.problems[0].message
    assert "row 2" in report.problems[0].message
    assert "CSV UTF-8" in report.problems[0].message


def test_a_file_that_is_not_csv_or_xlsx_is_refused(org):
    pdf = b"%PDF-1.7\n\x00\x01binary"
    assert "is not a CSV or XLSX file" in run(org, pdf, name="roster.pdf").problems[0].message
    broken_xlsx = b"PK\x03\x04garbage-not-a-real-zip"
    message = run(org, broken_xlsx, name="roster.xlsx").problems[0].message
    assert "not a readable .xlsx workbook" in message


def test_oversized_file_is_refused_before_reading(org, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 100
    report = run(org, GOOD)
    assert "the limit is" in report.problems[0].message


def test_duplicate_employee_id_is_reported(org):
    text = HEADER + ",employee_id\na@acme.test,A,Ops,,X,7\nb@acme.test,B,Ops,,X,7\n"
    assert problems(run(org, text)) == [(3, "employee_id")]


def test_manager_already_in_the_roster_need_not_be_in_the_file(org):
    run(org, GOOD)
    report = run(org, HEADER + "\nnew@acme.test,Nia,Platform,cto@acme.test,Engineer\n")
    assert report.ok
    assert Person.objects.get(email="new@acme.test").manager.email == "cto@acme.test"


def test_manager_who_would_be_deactivated_is_refused(org):
    run(org, GOOD)
    report = run(
        org,
        HEADER + "\nnew@acme.test,Nia,Platform,cto@acme.test,Engineer\n",
        deactivate_missing=True,
    )
    assert problems(report) == [(2, "manager_email")]
    assert "being deactivated" in report.problems[0].message


def test_hr_cannot_lock_themselves_out(org):
    run(org, GOOD)
    hr = Person.objects.get(email="hr@acme.test")
    without_hr = "\n".join(line for line in GOOD.splitlines() if not line.startswith("hr@"))
    report = run(org, without_hr, deactivate_missing=True, actor=hr)
    assert "would lock you out" in report.problems[0].message
    demoted = GOOD.replace("HR Partner,Leadership,hr", "HR Partner,Leadership,employee")
    report = run(org, demoted, actor=hr)
    assert problems(report) == [(6, "role")]
    assert Person.objects.get(email="hr@acme.test").role == Role.HR


def test_organisations_are_kept_apart(org):
    other = Organization.objects.create(name="Globex", slug="globex")
    run(org, GOOD)
    report = run(other, GOOD)
    assert report.created == 5
    assert Person.objects.filter(email="dev@acme.test").count() == 2
    assert Team.objects.filter(name="Platform").count() == 2
