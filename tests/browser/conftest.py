"""Browser tests: Playwright driving Debian's Chromium against a live server of the site.

`make test` installs Chromium (Debian package `chromium`) when it is missing. Without it these
tests skip on a developer machine and fail in CI. WebGL (the influence map) runs through
SwiftShader, Chromium's software renderer. Screenshots go to artifacts/browser/.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import require_service
from tests.factories import PASSWORD

# The fixtures of the surveys and influence suites, for data to open in the browser.
from tests.influence.conftest import analyse_next_wave, dashboard_world  # noqa: F401
from tests.surveys.conftest import link_for, survey_world  # noqa: F401

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu-sandbox",
    "--use-gl=angle",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the tests still use the ORM between
# browser steps (never concurrently with it), which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        in_ci = os.environ.get("CI", "").lower() == "true"
        require_service(
            "Chromium",
            configured=in_ci,
            reachable=False,
            why="it is not installed (apt-get install chromium; `make test` does it)",
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page_for(browser, live_server):
    """page_for(viewport=...) -> a new page; page.goto_path("/x/") opens a path of the site."""
    contexts = []

    def open_page(*, viewport=(1280, 900), mobile=False):
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]},
            is_mobile=mobile,
            has_touch=mobile,
            device_scale_factor=2 if mobile else 1,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        page.goto_path = lambda path: page.goto(live_server.url + path)
        return page

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, person) -> None:
    page.goto_path("/accounts/login/")
    page.get_by_label("E-mail").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
