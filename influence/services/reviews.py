"""What a lead or HR did about a flag. One review per person and kind (not per run), so that
"discussed" or "acted on" carries to the same flag in later waves; saving again replaces it."""

from django.core.exceptions import ValidationError
from django.db import transaction

from influence.models import Flag, FlagReview


def flag_review_save(*, flag: Flag, status: str, note: str, user) -> FlagReview:
    """Mark the flag's person and kind as discussed or acted on, with a short note, recording
    who did it and in which run. Refuses anything else with a ValidationError; stores nothing
    then."""
    if status not in FlagReview.Status.values:
        labels = " or ".join(f"“{label.lower()}”" for label in FlagReview.Status.labels)
        raise ValidationError({"status": f"Choose {labels}."})
    with transaction.atomic():
        review = (
            FlagReview.objects.select_for_update()
            .filter(person_id=flag.person_id, kind=flag.kind)
            .first()
        ) or FlagReview(person_id=flag.person_id, kind=flag.kind)
        review.status = status
        review.note = note.strip()
        review.run = flag.run
        review.reviewed_by = user
        review.full_clean()
        review.save()
    return review
