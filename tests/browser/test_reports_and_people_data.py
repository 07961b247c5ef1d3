"""HR exports a report from the dashboard and finds it in the audit log; HR erases a person."""

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from teams.models import AuditEvent, Person
from tests.browser.conftest import screenshot, sign_in


def test_hr_downloads_a_workbook_and_the_audit_log_shows_it(dashboard_world, page_for):
    dw = dashboard_world
    page = page_for()
    sign_in(page, dw.world.hr)
    page.get_by_role("link", name="Influence", exact=True).click()
    page.locator("#reports-link").click()  # a link styled as a button
    page.get_by_label("Excel workbook").check()
    screenshot(page, "hr-reports")
    with page.expect_download() as download:
        page.locator("main").get_by_role("button", name="Export").click()
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert {"Summary", "People", "Flags", "Teams", "Changes"} <= set(workbook.sheetnames)
    people = {row[0] for row in workbook["People"].iter_rows(min_row=2, values_only=True)}
    assert dw.star.name in people
    assert page.js_errors == []

    page.get_by_role("link", name="Audit log").click()
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Exported")
    expect(row).to_contain_text(dw.world.hr.email)
    expect(row).to_contain_text("xlsx")
    screenshot(page, "hr-audit-log")


def test_hr_erases_a_person_after_typing_their_email(dashboard_world, page_for):
    dw = dashboard_world
    person = dw.quiet
    page = page_for()
    sign_in(page, dw.world.hr)
    page.goto_path(f"/people/{person.pk}/")
    page.get_by_role("link", name="Erase this person").click()
    page.get_by_label("to confirm").fill("someone.else@example.com")
    page.get_by_role("button", name="Erase this person for good").click()
    expect(page.locator("main")).to_contain_text(f"Type {person.email} to confirm")
    assert Person.objects.get(pk=person.pk).erased_at is None

    page.get_by_label("to confirm").fill(person.email.upper())
    page.get_by_role("button", name="Erase this person for good").click()
    expect(page.locator("main")).to_contain_text(f"Person {person.pk} was erased")
    erased = Person.objects.get(pk=person.pk)
    assert erased.erased_at is not None and erased.name == "Erased person"
    assert AuditEvent.objects.filter(action="erasure", target_person_id=person.pk).exists()
    screenshot(page, "hr-after-erasure")
