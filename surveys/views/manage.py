"""HR survey pages, and the response rates leads may watch. Thin: parse, call, render.

Permission comes from the selectors: HR-only pages go through survey_get_for_hr (or
organization_get_for_hr), wave pages through wave_get_for_user; anyone else gets 404. Pages show
how many answered, never who: a small team's answer status is withheld on the invitations page.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from surveys.forms import (
    ResendForm,
    SurveyForm,
    WaveForm,
    custom_question_count,
    survey_initial,
)
from surveys.models import Survey, Wave
from surveys.selectors import (
    invitation_get_for_hr,
    invitation_views,
    response_rates,
    survey_get_for_hr,
    survey_list_for_user,
    wave_get_for_hr,
    wave_get_for_user,
    wave_invitations_for_hr,
    waves_with_counts,
)
from surveys.services import (
    invitation_resend,
    survey_archive,
    survey_copy,
    survey_create,
    survey_update,
    wave_close,
    wave_create,
    wave_open,
)
from teams.models import Role
from teams.selectors import organization_get_for_hr, team_tree, viewer_person

PAGE_SIZE = 50
REFRESH_SECONDS = 30


def _is_hr(request) -> bool:
    person = viewer_person(request.user)
    return person is not None and person.role == Role.HR


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- surveys --------------------------------------------------------------------------------


@login_required
def survey_list(request):
    person = viewer_person(request.user)
    if person is None or person.role not in (Role.HR, Role.LEAD):
        raise Http404("No surveys here.")
    show_archived = request.GET.get("archived") == "1"
    is_hr = person.role == Role.HR
    # Leads get the waves without counts: the survey-wide rate is HR's view.
    waves = waves_with_counts() if is_hr else Wave.objects.order_by("-number")
    surveys = survey_list_for_user(
        user=request.user, include_archived=show_archived
    ).prefetch_related(Prefetch("waves", queryset=waves))
    return render(
        request,
        "surveys/manage/survey_list.html",
        {"surveys": surveys, "show_archived": show_archived, "is_hr": is_hr},
    )


@login_required
def survey_create_page(request):
    organization = organization_get_for_hr(user=request.user)
    tree = team_tree(organization_id=organization.id)
    data = request.POST if request.method == "POST" else None
    form = SurveyForm(data, tree=tree)
    if form.is_bound and form.is_valid():
        try:
            survey = survey_create(
                organization=organization,
                questions=form.question_specs(),
                created_by=viewer_person(request.user),
                **form.survey_fields(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Survey “{survey.title}” created. Start or plan a wave.")
            return redirect("survey-detail", survey_id=survey.pk)
    return render(
        request,
        "surveys/manage/survey_form.html",
        {"form": form, "survey": None},
        status=400 if form.is_bound else 200,
    )


@login_required
def survey_edit(request, survey_id: int):
    survey = survey_get_for_hr(user=request.user, survey_id=survey_id)
    frozen = survey.waves.exclude(status=Wave.Status.DRAFT).exists()
    options = {
        "tree": team_tree(organization_id=survey.organization_id),
        "with_questions": not frozen,
        "custom_slots": custom_question_count(survey),
    }
    if request.method == "POST":
        form = SurveyForm(request.POST, **options)
        if form.is_valid():
            fields = form.survey_fields()
            try:
                survey_update(
                    survey=survey,
                    questions=None if frozen else form.question_specs(),
                    audience_team_ids=fields.pop("audience_team_ids"),
                    **fields,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Survey saved.")
                return redirect("survey-detail", survey_id=survey.pk)
        status = 400
    else:
        form = SurveyForm(initial=survey_initial(survey), **options)
        status = 200
    context = {
        "form": form,
        "survey": survey,
        "frozen": frozen,
        "questions": survey.questions.all() if frozen else (),
    }
    return render(request, "surveys/manage/survey_form.html", context, status=status)


@login_required
def survey_detail(request, survey_id: int):
    survey = survey_get_for_hr(user=request.user, survey_id=survey_id)
    waves = list(waves_with_counts().filter(survey=survey))
    current = next((w for w in waves if w.status != Wave.Status.CLOSED), None)
    context = {
        "survey": survey,
        "questions": survey.questions.all(),
        "audience": survey.audience_teams.order_by("name"),
        "waves": waves,
        "current_wave": current,
        "can_start": survey.status == Survey.Status.ACTIVE and current is None,
        "now": timezone.now(),
    }
    return render(request, "surveys/manage/survey_detail.html", context)


@login_required
@require_POST
def survey_copy_action(request, survey_id: int):
    survey = survey_get_for_hr(user=request.user, survey_id=survey_id)
    try:
        copy = survey_copy(survey=survey, created_by=viewer_person(request.user))
    except ValidationError as exc:
        messages.error(request, f"The survey could not be copied: {_error_text(exc)}")
        return redirect("survey-detail", survey_id=survey.pk)
    messages.success(
        request, f"Copied as “{copy.title}”: same questions and audience, no waves yet."
    )
    return redirect("survey-edit", survey_id=copy.pk)


@login_required
@require_POST
def survey_archive_action(request, survey_id: int):
    survey = survey_get_for_hr(user=request.user, survey_id=survey_id)
    try:
        survey_archive(survey=survey)
    except ValidationError as exc:
        messages.error(request, f"Not archived. {_error_text(exc)}")
        return redirect("survey-detail", survey_id=survey.pk)
    messages.success(
        request, f"“{survey.title}” is archived; its closed waves and results are kept."
    )
    return redirect("survey-list")


# --- waves ----------------------------------------------------------------------------------


@login_required
@require_POST
def wave_create_action(request, survey_id: int):
    survey = survey_get_for_hr(user=request.user, survey_id=survey_id)
    form = WaveForm(request.POST)
    if not form.is_valid():
        problems = [f"{form[name].label}: {' '.join(e)}" for name, e in form.errors.items()]
        messages.error(request, "No wave created. " + " ".join(problems))
        return redirect("survey-detail", survey_id=survey.pk)
    start_now = form.cleaned_data["mode"] == "now"
    now = timezone.now()
    opens_at = now if start_now else form.cleaned_data["opens_at"]
    try:
        wave = wave_create(
            survey=survey,
            opens_at=opens_at,
            closes_at=form.cleaned_data["closes_at"],
            open_now=start_now,
        )
    except ValidationError as exc:
        messages.error(request, f"No wave created. {_error_text(exc)}")
        return redirect("survey-detail", survey_id=survey.pk)
    if start_now:
        messages.success(
            request,
            f"Wave {wave.number} is open: {wave.invitations.count()} people are being invited "
            "by e-mail.",
        )
    else:
        opens = timezone.localtime(wave.opens_at)
        messages.success(
            request, f"Wave {wave.number} is planned to open on {opens:%d %B %Y at %H:%M}."
        )
    return redirect("wave-detail", wave_id=wave.pk)


def _rates_context(request, wave: Wave) -> dict:
    return {
        "wave": wave,
        "rows": response_rates(user=request.user, wave=wave),
        "threshold": settings.ANONYMITY_THRESHOLD,
        "is_hr": _is_hr(request),
    }


@login_required
def wave_detail(request, wave_id: int):
    wave = wave_get_for_user(user=request.user, wave_id=wave_id)
    context = {
        **_rates_context(request, wave),
        "survey": wave.survey,
        # Until the page refreshes the table by itself (htmx, via wave-rates), reload it whole.
        "refresh_seconds": REFRESH_SECONDS if wave.status == Wave.Status.OPEN else None,
    }
    return render(request, "surveys/manage/wave_detail.html", context)


@login_required
def wave_rates_fragment(request, wave_id: int):
    wave = wave_get_for_user(user=request.user, wave_id=wave_id)
    return render(request, "surveys/manage/_rates_table.html", _rates_context(request, wave))


@login_required
@require_POST
def wave_open_action(request, wave_id: int):
    wave = wave_get_for_hr(user=request.user, wave_id=wave_id)
    if wave_open(wave=wave):
        messages.success(
            request,
            f"Wave {wave.number} is open: {wave.invitations.count()} people are being invited "
            "by e-mail.",
        )
    else:
        messages.error(request, f"Wave {wave.number} was not a planned wave; nothing changed.")
    return redirect("wave-detail", wave_id=wave.pk)


@login_required
@require_POST
def wave_close_action(request, wave_id: int):
    wave = wave_get_for_hr(user=request.user, wave_id=wave_id)
    if wave_close(wave=wave):
        messages.success(
            request,
            f"Wave {wave.number} is closed: answers can no longer be given, and the analysis "
            "has been requested.",
        )
    else:
        messages.error(request, f"Wave {wave.number} was not open; nothing changed.")
    return redirect("wave-detail", wave_id=wave.pk)


# --- invitations ----------------------------------------------------------------------------


@login_required
def wave_invitations(request, wave_id: int):
    wave = wave_get_for_hr(user=request.user, wave_id=wave_id)
    page = Paginator(wave_invitations_for_hr(wave=wave), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = invitation_views(wave=wave, invitations=page)
    context = {
        "wave": wave,
        "survey": wave.survey,
        "page": page,
        "rows": rows,
        "threshold": settings.ANONYMITY_THRESHOLD,
        "can_resend": wave.status == Wave.Status.OPEN,
        "resend_form": ResendForm(),
    }
    return render(request, "surveys/manage/invitations.html", context)


@login_required
@require_POST
def invitation_resend_action(request, invitation_id: int):
    invitation = invitation_get_for_hr(user=request.user, invitation_id=invitation_id)
    form = ResendForm(request.POST)
    form.is_valid()  # both fields are optional; a bad page number is simply dropped
    revoke = form.cleaned_data.get("revoke_previous", False)
    try:
        invitation_resend(invitation=invitation, revoke_previous=revoke)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        revoked = " Earlier links no longer work." if revoke else ""
        messages.success(request, f"A new link was e-mailed to {invitation.person.name}.{revoked}")
    url = reverse("wave-invitations", kwargs={"wave_id": invitation.wave_id})
    page = form.cleaned_data.get("page")
    return redirect(f"{url}?page={page}" if page else url)
