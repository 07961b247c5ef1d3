"""A lead reads their team's map and flags; HR opens the organisation overview."""

from playwright.sync_api import expect

from influence.models import Flag
from tests.browser.conftest import screenshot, sign_in

HOSTILE = '<img src=x onerror="document.title=1">Rob <b>Bold</b>'


def wait_for_map(page, relation: str | None = None) -> None:
    page.wait_for_selector("#influence-map[data-state=ready]")
    if relation:
        page.wait_for_function(
            "r => window.influenceMap && window.influenceMap.relation === r && "
            "document.querySelector('#influence-map').dataset.state === 'ready'",
            arg=relation,
        )


def click_node(page, key: str) -> None:
    """A real mouse click on a node: the map scrolled into view, the camera settled first."""
    page.locator("#influence-map").scroll_into_view_if_needed()
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    position = page.evaluate("key => window.influenceMap.nodeViewportPosition(key)", key)
    box = page.locator("#influence-map").bounding_box()
    x, y = box["x"] + position["x"], box["y"] + position["y"]
    viewport = page.viewport_size
    assert 0 <= x < viewport["width"] and 0 <= y < viewport["height"], (x, y, box)
    page.mouse.click(x, y)


def test_a_lead_reads_the_map_and_the_evidence(dashboard_world, page_for):
    dw = dashboard_world
    hostile = dw.engineering[-1]
    hostile.name = HOSTILE
    hostile.save()
    page = page_for()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, dw.world.lead)
    page.get_by_role("link", name="Influence", exact=True).click()
    wait_for_map(page)
    screenshot(page, "lead-team-dashboard")

    page.select_option("#map-relation", "decision")
    wait_for_map(page, "decision")
    click_node(page, f"p{dw.star.id}")
    panel = page.locator("#map-panel")
    expect(panel).to_contain_text("Nia Star")
    expect(panel).to_contain_text("Informal decision-maker")
    flag = Flag.objects.get(run=dw.run, person=dw.star, kind="informal_decision_maker")
    expect(panel).to_contain_text(flag.evidence[0])
    expect(panel).to_contain_text(flag.moves[0])
    screenshot(page, "lead-map-flagged-person")

    page.fill("#map-search", "Rob")
    page.keyboard.press("Enter")
    expect(panel).to_contain_text(HOSTILE)  # shown as text, never run as markup
    assert dialogs == [] and page.title() != "1"
    assert page.js_errors == []


def test_a_lead_marks_a_flag_as_discussed(dashboard_world, page_for):
    dw = dashboard_world
    page = page_for()
    sign_in(page, dw.world.lead)
    page.goto_path(f"/teams/{dw.world.engineering.id}/influence/")
    card = page.locator(f"#flags article.flag[data-person='{dw.star.id}']").first
    card.get_by_label("Discussed").check()
    card.get_by_label("Note").fill("Talked in the 1:1; invite Nia to planning.")
    card.get_by_role("button", name="Save").click()
    expect(card).to_contain_text("Talked in the 1:1; invite Nia to planning.")
    page.reload()
    expect(page.locator("#flags")).to_contain_text("Talked in the 1:1; invite Nia to planning.")
    screenshot(page, "lead-flags")
    assert page.js_errors == []


def test_hr_opens_the_organisation_overview(dashboard_world, page_for):
    dw = dashboard_world
    page = page_for()
    sign_in(page, dw.world.hr)
    page.get_by_role("link", name="Influence", exact=True).click()
    table = page.locator("#team-table")
    expect(table).to_contain_text("Engineering")
    expect(table).to_contain_text("Sales")
    header = table.locator("th", has_text="Size")
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    wait_for_map(page)
    page.evaluate(f"window.influenceMap.expandTeam({dw.world.sales.id})")
    page.wait_for_function(f"window.influenceMap.graph.hasNode('p{dw.bridge.id}')")
    screenshot(page, "hr-organisation-overview")
    assert page.js_errors == []
