"""Erasing a person (the service): the identity goes, the ties stay, one transaction, audited
without the name. Who may erase: HR of the organisation, never themselves."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.authtoken.models import Token

from surveys.answering import AnswerSet, response_save
from surveys.models import Answer, Invitation, InvitationLink, Nomination
from surveys.services import QuestionSpec, survey_create, wave_create, wave_open
from surveys.tokens import token_new
from teams import hooks
from teams.audit import audit_record
from teams.erasure import ERASED_NAME, person_erase
from teams.models import AuditEvent, Person, Role, User
from teams.selectors import person_list_for_user
from teams.services import api_token_issue

pytestmark = pytest.mark.django_db


def fresh(person) -> Person:
    return Person.objects.get(pk=person.pk)


def erase(person, actor, confirm=None) -> Person:
    return person_erase(person=person, actor=actor, confirm_email=confirm or person.email)


def test_erasure_removes_the_identity_and_keeps_the_row_as_an_anonymous_node(world):
    w = world
    engineer = fresh(w.engineer)
    engineer.title, engineer.employee_id = "Backend engineer", "E-77"
    engineer.attributes = {"start_year": "2021"}
    engineer.save()
    user_id = engineer.user_id
    api_token_issue(user=engineer.user)

    erased = erase(engineer, w.hr, confirm="  ENG@acme.test ")  # case and spaces do not matter

    row = fresh(w.engineer)
    assert erased.pk == row.pk
    assert row.name == ERASED_NAME and row.email == f"erased-{row.pk}@erased.invalid"
    assert (row.title, row.employee_id, row.attributes) == ("", "", {})
    assert row.role == Role.EMPLOYEE and not row.is_active and row.erased_at is not None
    assert row.user_id is None
    assert not User.objects.filter(pk=user_id).exists()
    assert not Token.objects.filter(user_id=user_id).exists()
    # Formal lines stay: the team and manager, and the people reporting to them.
    assert row.team_id == w.engineering.pk and row.manager_id == w.lead.pk


def test_a_former_lead_keeps_their_direct_reports(world):
    erase(world.lead, world.hr)
    assert fresh(world.engineer).manager_id == world.lead.pk
    assert fresh(world.lead).role == Role.EMPLOYEE


def test_the_audit_keeps_what_was_done_but_never_the_name(world):
    w = world
    audit_record(action=AuditEvent.Action.SIGN_IN, actor=w.engineer.user, organization=w.org)
    audit_record(
        action=AuditEvent.Action.SIGN_IN_FAILED, actor=None, organization=None,
        actor_label="ENG@acme.test",
    )  # fmt: skip
    audit_record(action=AuditEvent.Action.SIGN_IN, actor=w.seller.user, organization=w.org)

    erase(w.engineer, w.hr)

    labels = list(AuditEvent.objects.values_list("actor_label", flat=True))
    assert not any("eng@acme.test" in label.lower() for label in labels)
    assert labels.count(f"erased person {w.engineer.pk}") == 2
    assert "sales@acme.test" in labels  # other people's lines are untouched
    line = AuditEvent.objects.get(action=AuditEvent.Action.ERASURE)
    assert line.actor_id == w.hr.user_id and line.actor_label == "hr@acme.test"
    assert line.target == f"person {w.engineer.pk}" and line.target_person_id == w.engineer.pk
    assert line.organization_id == w.org.pk
    text = f"{line.target} {line.detail} {line.actor_label}"
    assert "Eli" not in text and "eng@acme.test" not in text


def test_a_wrong_e_mail_changes_nothing(world):
    with pytest.raises(ValidationError) as refused:
        erase(world.engineer, world.hr, confirm="someone@acme.test")
    assert refused.value.message_dict == {"confirm_email": ["Type eng@acme.test to confirm."]}
    row = fresh(world.engineer)
    assert row.name == "Eli Ng" and row.user_id is not None and row.erased_at is None
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ERASURE).exists()


def test_hr_cannot_erase_themselves(world):
    with pytest.raises(ValidationError, match="ask another HR person"):
        erase(world.hr, world.hr)
    assert fresh(world.hr).name == "Hana Reyes"


@pytest.mark.parametrize("actor", ["lead", "engineer", "other_hr"])
def test_only_hr_of_the_organisation_may_erase(world, actor):
    with pytest.raises(ValidationError, match="Only HR of this organisation"):
        erase(world.seller, getattr(world, actor))
    assert fresh(world.seller).erased_at is None


def test_erasing_twice_is_refused(world):
    erased = erase(world.engineer, world.hr)
    with pytest.raises(ValidationError, match="already erased"):
        erase(erased, world.hr)


def test_a_failing_part_keeps_everything(world, monkeypatch):
    def broken(person_id):
        raise RuntimeError("the influence part failed")

    monkeypatch.setattr(hooks, "_person_erased", [*hooks._person_erased, broken])
    with pytest.raises(RuntimeError):
        erase(world.engineer, world.hr)
    row = fresh(world.engineer)
    assert row.name == "Eli Ng" and User.objects.filter(pk=row.user_id).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ERASURE).exists()


def test_erased_people_leave_the_roster_lists(world):
    erase(world.engineer, world.hr)
    listed = person_list_for_user(user=world.hr.user, include_inactive=True)
    assert world.engineer.pk not in {p.pk for p in listed}
    assert ERASED_NAME not in {p.name for p in listed}


# --- survey answers ----------------------------------------------------------------------


@pytest.fixture
def answered(world, django_capture_on_commit_callbacks):
    """An open wave: the engineer and the lead named each other, the engineer wrote free text;
    the seller did not answer."""
    survey = survey_create(
        organization=world.org,
        title="Pulse",
        questions=[
            QuestionSpec(relation="advice", prompt="Who do you go to for advice?"),
            QuestionSpec(kind="rating", prompt="How is trust going?"),
            QuestionSpec(kind="text", prompt="Anything else?"),
        ],
        created_by=world.hr,
    )
    now = timezone.now()
    wave = wave_create(survey=survey, opens_at=now, closes_at=now + timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        wave_open(wave=wave, send=False)
    advice, rating, text = survey.questions.order_by("position")
    answers = AnswerSet(
        nominees={advice.id: [(world.lead.id, None)]},
        ratings={rating.id: 4},
        texts={text.id: "I am Eli and my manager knows it."},
    )
    for person in (world.engineer, world.seller):
        invitation = wave.invitations.get(person=person)
        InvitationLink.objects.create(invitation=invitation, token_hash=token_new()[1])
    lead_answers = AnswerSet(nominees={advice.id: [(world.engineer.id, None)]})
    response_save(
        invitation=wave.invitations.get(person=world.lead), answers=lead_answers, submit=True
    )
    response_save(
        invitation=wave.invitations.get(person=world.engineer), answers=answers, submit=True
    )
    return wave


def test_erasure_removes_free_text_and_links_but_keeps_the_ties(world, answered):
    w, wave = world, answered
    erase(w.engineer, w.hr)
    mine = Answer.objects.filter(response__invitation__person=w.engineer)
    assert not mine.exclude(text="").exists()
    assert mine.filter(rating=4).exists()  # a rating says nothing about who gave it
    assert not InvitationLink.objects.filter(invitation__person=w.engineer).exists()
    given = Nomination.objects.filter(response__invitation__person=w.engineer)
    assert list(given.values_list("nominee_id", flat=True)) == [w.lead.pk]
    assert Nomination.objects.filter(nominee=w.engineer).count() == 1  # received, kept
    assert wave.invitations.filter(person=w.engineer, answered_at__isnull=False).exists()


def test_an_erased_person_is_no_longer_invited_to_an_open_wave(world, answered):
    erase(world.seller, world.hr)
    assert not Invitation.objects.filter(wave=answered, person=world.seller).exists()
    assert Invitation.objects.filter(wave=answered, person=world.engineer).exists()
