"""One error format across the API ({"detail", "errors"}), throttling, and the schema: it
validates without a warning, and every operation has a summary, a tag and its errors."""

import pytest
import yaml
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management import call_command
from django.test import RequestFactory
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from common.api import NO_PAGE, NOT_VISIBLE, SIGN_IN, api_exception_handler, server_error

pytestmark = pytest.mark.django_db


# --- the error format ----------------------------------------------------------------------


def test_an_unknown_api_address_answers_json(world, api_for):
    response = api_for(world.hr).get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "There is no API endpoint at /api/no-such-thing/. The list is at /api/docs/."
    }
    page = api_for(world.hr).get("/no-such-page/")  # the site keeps its own page
    assert page.status_code == 404 and not page["Content-Type"].startswith("application/json")


def test_no_sign_in_is_401_saying_how_to_sign_in():
    response = APIClient().get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": SIGN_IN}


def test_a_wrong_method_names_the_right_ones(world, api_for):
    response = api_for(world.hr).delete("/api/me/")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "DELETE" not allowed here; use GET.'}


def test_a_body_in_another_media_type_names_the_accepted_ones(world, api_for):
    response = api_for(world.hr).post("/api/surveys/", "title=x", content_type="text/plain")
    assert response.status_code == 415
    detail = response.json()["detail"]
    assert detail.startswith('Unsupported media type "text/plain"')
    assert detail.endswith("Send the body as application/json.")


def test_malformed_json_says_what_to_send(world, api_for):
    response = api_for(world.hr).post("/api/surveys/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
    assert response.json()["detail"].endswith("Send a well-formed body as application/json.")


def test_invalid_fields_are_listed_by_name_with_nested_paths(world, api_for):
    body = {"title": "", "questions": [{"prompt": "Fine"}, {"kind": "poll", "prompt": ""}]}
    response = api_for(world.hr).post("/api/surveys/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["title"] == "This field may not be blank."
    assert set(errors) == {"title", "questions.1.kind", "questions.1.prompt"}
    assert all(isinstance(message, str) for message in errors.values())
    detail = response.json()["detail"]
    assert "'title'" in detail and "'questions.1.kind'" in detail


def test_not_found_says_so_without_naming_models(world, api_for):
    response = api_for(world.hr).get("/api/people/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": NOT_VISIBLE}
    assert api_for(world.hr).get("/api/people/", {"page": 99}).json() == {"detail": NO_PAGE}


def test_a_django_validation_error_becomes_a_400_with_fields():
    exc = DjangoValidationError({"note": "Too long.", "__all__": "Nothing was saved."})
    response = api_exception_handler(exc, {})
    assert response.status_code == 400
    assert response.data == {
        "detail": "Nothing was saved. Also fix the fields listed in `errors`.",
        "errors": {"note": "Too long."},
    }


def test_a_crash_under_api_answers_json_and_elsewhere_the_page():
    api = server_error(RequestFactory().get("/api/people/"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"
    assert "nothing was changed" in api.content.decode()
    page = server_error(RequestFactory().get("/people/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


# --- throttling ----------------------------------------------------------------------------


@pytest.fixture
def user_rate_of_two(monkeypatch):
    # The rates are read when DRF is imported: a settings override would not reach them.
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/min", "anon": "2/min"})
    cache.clear()
    yield
    cache.clear()


def test_too_many_requests_are_429_with_retry_after(world, api_for, user_rate_of_two):
    api = api_for(world.engineer)
    assert [api.get("/api/me/").status_code for _ in range(2)] == [200, 200]
    response = api.get("/api/me/")
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 0 < wait <= 60
    assert response.json() == {
        "detail": f"Too many requests: wait {wait} seconds and try again (see the Retry-After "
        "header)."
    }
    assert api_for(world.hr).get("/api/me/").status_code == 200  # per user


# --- the schema ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("schema") / "schema.yml"
    # Fails (SchemaGenerationError) on any warning, and validates against the OpenAPI spec.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_the_schema_validates_without_warnings(schema):
    assert schema["openapi"].startswith("3.")
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"detail", "errors"} and error["required"] == ["detail"]


def test_every_operation_has_a_summary_a_tag_and_its_errors(schema):
    for label, operation in operations(schema):
        assert operation.get("summary"), label
        assert operation.get("tags"), label
        errors = [code for code in operation["responses"] if code.startswith("4")]
        assert "429" in errors, label
        if operation.get("security"):
            assert "401" in errors, label
        for code in errors:
            content = operation["responses"][code].get("content", {})
            assert "application/json" in content, f"{label} {code}"


def test_the_results_operations_have_examples(schema):
    results = [(label, op) for label, op in operations(schema) if "results" in op["tags"]]
    assert len(results) == 6
    for label, operation in results:
        examples = [
            response["content"]["application/json"].get("examples")
            for response in operation["responses"].values()
            if "content" in response
        ]
        assert any(examples), label
