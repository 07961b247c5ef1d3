"""What erasing a person removes from the influence results (registered on
teams.hooks.on_person_erased, run inside the erasure transaction).

Removed: their flags (a flag about nobody is noise) and the reviews of them (notes may name
them), and every stored export file of the organisation (those files contain their name).
Kept: their metrics and map position, as an anonymous node, so team results do not shift.
"""

from django.db.models import Q
from django.utils import timezone

from influence.models import Export, Flag, FlagReview
from teams.models import Person

EXPORT_REMOVED = "Removed: a person in this export was erased. Export again."


def person_results_erase(person_id: int) -> None:
    organization_id = Person.objects.values_list("organization_id", flat=True).get(pk=person_id)
    Flag.objects.filter(person_id=person_id).delete()
    FlagReview.objects.filter(person_id=person_id).delete()
    # Running ones too: they may have read the name before this commits. Queued ones are
    # built afterwards, from the anonymised rows.
    Export.objects.filter(organization_id=organization_id).filter(
        Q(content__isnull=False) | Q(status=Export.Status.RUNNING)
    ).update(
        content=None,
        size_bytes=0,
        status=Export.Status.FAILED,
        stage="",
        error=EXPORT_REMOVED,
        finished_at=timezone.now(),
    )
