"""Shared fixtures: two organisations, and in the first an HR person, a lead with a sub-team,
a teammate, an employee in another team and an outsider in the second organisation."""

import os
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from teams.models import Person, Role, Team
from tests.factories import OrganizationFactory, PersonFactory, TeamFactory, login_for


@dataclass
class World:
    org: object
    other_org: object
    engineering: Team
    platform: Team  # sub-team of engineering
    sales: Team
    hr: Person
    lead: Person  # leads engineering (and so platform)
    engineer: Person  # in engineering
    platform_engineer: Person  # in platform
    seller: Person  # in sales: outside the lead's teams
    other_hr: Person  # HR of the other organisation
    other_employee: Person


@pytest.fixture
def world(db) -> World:
    org = OrganizationFactory(name="Acme", slug="acme")
    other_org = OrganizationFactory(name="Globex", slug="globex")
    people_team = TeamFactory(organization=org, name="People")
    engineering = TeamFactory(organization=org, name="Engineering")
    platform = TeamFactory(organization=org, name="Platform", parent=engineering)
    sales = TeamFactory(organization=org, name="Sales")
    other_team = TeamFactory(organization=other_org, name="Engineering")
    hr = PersonFactory(team=people_team, email="hr@acme.test", name="Hana Reyes", role=Role.HR)
    lead = PersonFactory(team=engineering, email="lead@acme.test", name="Lea Dorn", role=Role.LEAD)
    engineer = PersonFactory(team=engineering, email="eng@acme.test", name="Eli Ng", manager=lead)
    platform_engineer = PersonFactory(
        team=platform, email="plat@acme.test", name="Pia Torres", manager=lead
    )
    seller = PersonFactory(team=sales, email="sales@acme.test", name="Sam Ode")
    other_hr = PersonFactory(team=other_team, email="hr@globex.test", name="Gil Bex", role=Role.HR)
    other_employee = PersonFactory(team=other_team, email="dev@globex.test", name="Dee Vu")
    for person in (hr, lead, engineer, platform_engineer, seller, other_hr, other_employee):
        login_for(person)
    return World(
        org,
        other_org,
        engineering,
        platform,
        sales,
        hr,
        lead,
        engineer,
        platform_engineer,
        seller,
        other_hr,
        other_employee,
    )


@pytest.fixture
def client_for(client):
    """client_for(person) -> the Django test client signed in as that person."""

    def sign_in(person: Person):
        client.force_login(person.user)
        return client

    return sign_in


@pytest.fixture
def api_for():
    """api_for(person) -> a DRF APIClient authenticated as that person (token-free)."""

    def sign_in(person: Person) -> APIClient:
        api = APIClient()
        api.force_authenticate(person.user)
        return api

    return sign_in


def require_service(name: str, *, configured: bool, reachable: bool, why: str) -> None:
    """Skip when a service is not configured on this machine; fail when it must be there.

    It must be there when REQUIRE_SERVICES=1 (the second pass of .ci/run), and in CI whenever it
    is configured: a configured service that does not answer is a failure, never a quiet skip.
    """
    if configured and reachable:
        return
    message = f"{name} is needed for this test but {why}"
    in_ci = os.environ.get("CI", "").lower() == "true"
    if os.environ.get("REQUIRE_SERVICES") == "1" or (in_ci and configured):
        pytest.fail(message + " (services are required here)")
    pytest.skip(message)
