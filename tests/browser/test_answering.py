"""An employee answers a survey on a phone, by the link from their invitation e-mail."""

from surveys.models import Nomination
from tests.browser.conftest import screenshot

PHONE = (390, 844)


def test_an_employee_answers_on_a_phone(survey_world, world, link_for, page_for):
    invitation = survey_world.wave.invitations.get(person=world.engineer)
    page = page_for(viewport=PHONE, mobile=True)
    page.goto_path(f"/s/{link_for(invitation)}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]  # no sideways scroll

    advice = page.locator(f"#q{survey_world.advice.id}")
    advice.get_by_role("combobox").fill("Pia")
    advice.get_by_role("option", name="Pia Torres").click()
    advice.get_by_label("How often?").select_option(label="Weekly")
    decision = page.locator(f"#q{survey_world.decision.id}")
    decision.get_by_role("combobox").fill("lea")
    decision.get_by_role("option", name="Lea Dorn").click()
    page.locator(f"#q{survey_world.rating.id} input[value='4']").check()
    screenshot(page, "employee-answers-on-a-phone")
    page.get_by_role("button", name="Submit").click()

    assert page.get_by_role("heading", name="Thank you — your answers are in.").is_visible()
    screenshot(page, "employee-answers-on-a-phone-thanks")
    named = Nomination.objects.filter(response__invitation=invitation).values_list(
        "question__relation", "nominee__name", "strength"
    )
    assert set(named) == {("advice", "Pia Torres", 2), ("decision", "Lea Dorn", None)}
    assert page.js_errors == []
