"""An employee's own network page: counts and team bands per relation, whom they named, a kind
reading; names of who named them only when the organisation switched identified results on.
Nobody sees anyone else's network, and nobody else's answers."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from influence.models import PersonMetric
from teams.models import Organization, Person, User
from teams.services import organization_settings_update
from tests.factories import PersonFactory, login_for

pytestmark = pytest.mark.django_db

URL = "/me/network/"


def relation(html: str, slug: str) -> str:
    start = html.index(f'id="relation-{slug}"')
    return html[start : html.index("</article>", start)]


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def page(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def identified(dw, on: bool = True) -> None:
    organization_settings_update(
        organization=dw.world.org, identified_results=on, actor=dw.world.hr
    )


def main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def test_url():
    assert reverse("my-network") == URL


def test_the_star_sees_counts_bands_and_her_own_answers(dashboard_world, client_for):
    dw = dashboard_world
    html = page(client_for(dw.star))
    decision = relation(html, "decision")
    named_by = PersonMetric.objects.get(run=dw.run, person=dw.star, relation="decision").in_degree
    assert f"<strong>{named_by}</strong> colleagues named you" in decision
    assert "more than most of your team" in decision
    assert "Many colleagues see your view as settling decisions" in decision
    assert "“Whose view settles decisions?”" in decision
    # whom she named herself, per relation
    assert "Lea Dorn" in relation(html, "decision") and "Hal Help" in relation(html, "help")
    assert "Who named you" not in html
    assert "You see counts, not names" in html
    # the bands are explained
    assert "At least half of your team were named by more colleagues than you" in html


def test_the_helper_is_encouraged_to_share_the_load(dashboard_world, client_for):
    html = page(client_for(dashboard_world.helper))
    help_ = text(relation(html, "help"))
    assert "more than most of your team" in help_
    assert "Many people come to you for help — consider sharing what you know" in help_
    assert "about the middle of your team" in text(relation(html, "decision"))


def test_the_quiet_person_is_told_what_their_answers_would_add(dashboard_world, client_for):
    html = page(client_for(dashboard_world.quiet))
    notice = text(html[html.index('id="not-answered"') :])
    assert "You did not answer this survey round" in notice
    assert "whom you turn to for advice, decisions and help" in notice
    assert reverse("my-surveys") in html
    advice = text(relation(html, "advice"))
    assert "0 colleagues named you — fewer than most of your team" in advice
    assert "No colleague named you for advice — that is common for new joiners" in advice
    assert "You did not answer this round." in advice


def test_never_a_word_about_flags(dashboard_world, client_for):
    for person in (dashboard_world.star, dashboard_world.helper, dashboard_world.quiet):
        html = main(page(client_for(person))).lower()
        for word in ("flag", "informal decision", "silent", "hidden workload", "broker"):
            assert word not in html


def test_nobody_elses_answers_by_default(dashboard_world, client_for):
    dw = dashboard_world
    html = main(page(client_for(dw.star)))
    own = {dw.world.lead.name, dw.helper.name}  # whom she named herself
    for person in Person.objects.filter(organization=dw.world.org).exclude(pk=dw.star.pk):
        if person.name not in own:
            assert person.name not in html, person.name
    quiet = main(page(client_for(dw.quiet)))  # did not answer: no name at all
    for person in Person.objects.filter(organization=dw.world.org):
        assert person.name not in quiet


def test_names_of_who_named_them_when_identified(dashboard_world, client_for):
    dw = dashboard_world
    identified(dw)
    html = page(client_for(dw.star))
    assert "You see counts, not names" not in html
    decision = relation(html, "decision")
    who = decision[decision.index("Who named you") : decision.index("Whom you named")]
    deciders = [p for p in dw.lead_teams if p not in (dw.star, dw.quiet)]
    for person in deciders:
        assert f"<li>{person.name}</li>" in who
    assert dw.quiet.name not in who and dw.world.seller.name not in who
    # still nobody's other answers: sellers named each other, never her
    for person in dw.sales:
        assert person.name not in main(html)
    assert "Nobody this time." in relation(html, "advice")  # nobody named her for advice

    identified(dw, on=False)
    assert "Who named you" not in page(client_for(dw.star))


def test_a_team_under_the_threshold_gets_no_comparison(dashboard_world, client_for):
    html = page(client_for(dashboard_world.world.hr))  # People: HR alone, no answer
    assert "the comparison with your team is withheld" in html
    for band in ("fewer than most", "about the middle", "more than most of your team"):
        assert band not in html
    assert "<strong>0</strong> colleagues named you." in relation(html, "decision")


def test_names_are_escaped(dashboard_world, client_for):
    dw = dashboard_world
    hostile = '<img src=x onerror="alert(1)">Lea'
    Person.objects.filter(pk=dw.world.lead.pk).update(name=hostile)
    identified(dw)
    html = page(client_for(dw.star))
    assert hostile not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Lea" in relation(html, "decision")
    assert "&lt;img" in relation(html, "advice")  # she named the lead; the lead named her


def test_waves_newest_first_and_only_ones_the_person_was_invited_to(
    dashboard_world, analyse_next_wave, client_for
):
    dw = dashboard_world
    second = analyse_next_wave(dw, star_named_by=3)
    client = client_for(dw.star)
    newest = page(client)
    assert "Pulse, wave 2" in newest
    in_second = PersonMetric.objects.get(run=second, person=dw.star, relation="decision")
    assert in_second.in_degree == 3  # fewer than in the first wave
    assert "<strong>3</strong> colleagues named you" in relation(newest, "decision")
    first = page(client, wave=dw.wave.id)
    in_first = PersonMetric.objects.get(run=dw.run, person=dw.star, relation="decision").in_degree
    assert f"<strong>{in_first}</strong> colleagues" in relation(first, "decision")
    assert f'<option value="{second.wave_id}">' in first
    assert client.get(URL, {"wave": 999999}).status_code == 404
    # someone who joined after both waves has nothing to show, and cannot pick them
    newcomer = PersonFactory(team=dw.world.sales, email="new@acme.test", name="New Comer")
    login_for(newcomer)
    html = page(client_for(newcomer))
    assert "nothing to show here yet" in html and reverse("my-surveys") in html
    assert client_for(newcomer).get(URL, {"wave": dw.wave.id}).status_code == 404


def test_there_is_no_way_to_see_someone_else(dashboard_world, client_for):
    dw = dashboard_world
    client = client_for(dw.quiet)
    for param in ("person", "person_id", "id", "email"):
        html = page(client, **{param: dw.star.pk if param != "email" else dw.star.email})
        assert "You did not answer this survey round" in html  # still the quiet person's own
    other = client_for(dw.world.other_employee)
    assert other.get(URL, {"wave": dw.wave.id}).status_code == 404
    assert "nothing to show here yet" in page(other)


def test_without_a_roster_entry_or_login(dashboard_world, client, client_for):
    assert client.get(URL).status_code == 302  # to sign in
    user = User.objects.create_user("nobody@acme.test", "x")
    client.force_login(user)
    html = page(client)
    assert "not linked to an active roster record" in html
    Person.objects.filter(pk=dashboard_world.star.pk).update(is_active=False)
    html = page(client_for(dashboard_world.star))
    assert "not linked to an active roster record" in html


def test_queries_do_not_grow_with_people(
    dashboard_world, analyse_next_wave, client_for, django_assert_max_num_queries
):
    dw = dashboard_world
    identified(dw)
    client = client_for(dw.star)
    page(client)
    with CaptureQueriesContext(connection) as small:
        page(client)
    for i in range(12):
        PersonFactory(team=dw.world.engineering, email=f"more{i}@acme.test", name=f"More {i}")
    analyse_next_wave(dw)
    with django_assert_max_num_queries(len(small)):
        page(client)


def test_only_hr_of_the_organisation_may_switch_identified_results(dashboard_world):
    dw = dashboard_world
    for actor in (dw.world.lead, dw.star, dw.world.other_hr):
        with pytest.raises(ValidationError):
            organization_settings_update(
                organization=dw.world.org, identified_results=True, actor=actor
            )
    assert not Organization.objects.get(pk=dw.world.org.pk).identified_results
