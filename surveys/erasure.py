"""What erasing a person removes from the surveys (registered on teams.hooks.on_person_erased,
run inside the erasure transaction).

Removed: the free text they wrote (it may say who they are), every secret link of theirs (the
link stops working), and their unanswered invitations of waves still open (an erased person is
asked nothing more and never e-mailed). Kept: the nominations they gave and received, which now
point at the anonymous person, so the graph and the aggregates stay as they were.
"""

from surveys.models import Answer, Invitation, InvitationLink, Wave

NOT_CLOSED = (Wave.Status.DRAFT, Wave.Status.OPEN)


def person_answers_erase(person_id: int) -> None:
    Answer.objects.filter(response__invitation__person_id=person_id).exclude(text="").delete()
    InvitationLink.objects.filter(invitation__person_id=person_id).delete()
    Invitation.objects.filter(
        person_id=person_id, answered_at__isnull=True, wave__status__in=NOT_CLOSED
    ).delete()
