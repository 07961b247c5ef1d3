"""The API opened in a browser (the browsable HTML renderer, session sign-in) answers every list
as it does for scripts: the HTML renderer asks the views for more (a queryset for its filter
form) than a JSON client does."""

import pytest
from django.urls import reverse

LISTS = [
    ("api-audit-list", {}),
    ("api-person-list", {}),
    ("api-team-list", {}),
    ("api-survey-list", {}),
    ("api-export-list", {}),
    ("api-wave-runs", {"wave": True}),
    ("api-wave-invitations", {"wave": True}),
    ("api-wave-metrics", {"wave": True}),
    ("api-wave-flags", {"wave": True}),
    ("api-wave-teams", {"wave": True}),
    ("api-wave-report", {"wave": True}),
    ("api-my-network", {}),
]


@pytest.mark.parametrize(("name", "options"), LISTS, ids=[name for name, _ in LISTS])
def test_hr_opens_each_list_in_a_browser(dashboard_world, client_for, name, options):
    kwargs = {"wave_id": dashboard_world.wave.pk} if options.get("wave") else {}
    client = client_for(dashboard_world.world.hr)
    response = client.get(reverse(name, kwargs=kwargs), HTTP_ACCEPT="text/html")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/html")
