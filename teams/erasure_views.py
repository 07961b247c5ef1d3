"""HR erases a person: a confirmation page that says what goes and what stays, then POST with
their e-mail typed. Anybody but HR of the person's organisation gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from teams.erasure import person_erase as person_erase_service
from teams.selectors import organization_get_for_hr, person_get_for_user, viewer_person


@login_required
def person_erase(request, person_id: int):
    organization_get_for_hr(user=request.user)
    person = person_get_for_user(user=request.user, person_id=person_id)
    viewer = viewer_person(request.user)
    context = {"person": person, "is_self": person.pk == viewer.pk, "confirm_email": ""}
    if request.method != "POST" or person.erased_at is not None:
        return render(request, "teams/person_erase.html", context)
    confirm_email = request.POST.get("confirm_email", "")[:254]
    try:
        erased = person_erase_service(person=person, actor=viewer, confirm_email=confirm_email)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        context.update(
            confirm_email=confirm_email,
            field_error=" ".join(errors.get("confirm_email", [])),
            error=" ".join(errors.get("__all__", [])),
        )
        return render(request, "teams/person_erase.html", context, status=400)
    messages.success(
        request,
        f"Person {erased.pk} was erased: their name, e-mail, login, flags and free text are "
        "gone; their ties stay as an anonymous node.",
    )
    return redirect("person-list")
