"""Roster pages. Thin: parse the request, call a selector or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from teams.forms import AccessForm, RosterImportForm
from teams.models import Role
from teams.roster_import import roster_import
from teams.selectors import (
    organization_get_for_hr,
    person_get_for_user,
    person_list_for_user,
    team_descendant_ids,
    team_get_for_user,
    team_tree,
    viewer_person,
)
from teams.services import access_grant

PAGE_SIZE = 50


def _people_page(request, *, team_id: int | None = None):
    """A page of the people the viewer may see, searched with ?q= and paged with ?page=."""
    search = request.GET.get("q", "")[:100]
    include_inactive = request.GET.get("inactive") == "1"
    people = person_list_for_user(
        user=request.user, search=search, team_id=team_id, include_inactive=include_inactive
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"people": page, "q": search, "include_inactive": include_inactive}


@login_required
def home(request):
    person = viewer_person(request.user)
    if person is None:
        return render(request, "teams/no_access.html")
    if person.role == Role.HR:
        return redirect("organization")
    if person.role == Role.LEAD:
        return redirect("team-detail", team_id=person.team_id)
    return redirect("me")


@login_required
def me(request):
    person = viewer_person(request.user)
    if person is None:
        return render(request, "teams/no_access.html")
    person = person_get_for_user(user=request.user, person_id=person.pk)
    return render(request, "teams/me.html", {"person": person})


@login_required
def organization_overview(request):
    organization = organization_get_for_hr(user=request.user)
    context = {
        "organization": organization,
        "tree": team_tree(organization_id=organization.id),
        **_people_page(request),
    }
    return render(request, "teams/organization.html", context)


@login_required
def person_list(request):
    if viewer_person(request.user) is None:
        return render(request, "teams/no_access.html")
    return render(request, "teams/person_list.html", _people_page(request))


@login_required
def team_detail(request, team_id: int):
    team = team_get_for_user(user=request.user, team_id=team_id)
    subtree = team_descendant_ids(organization_id=team.organization_id, root_ids={team.id})
    context = {
        "team": team,
        "tree": team_tree(organization_id=team.organization_id, team_ids=subtree),
        "leads": team.members.filter(role=Role.LEAD, is_active=True).order_by("name"),
        **_people_page(request, team_id=team.id),
    }
    return render(request, "teams/team_detail.html", context)


@login_required
def person_detail(request, person_id: int):
    person = person_get_for_user(user=request.user, person_id=person_id)
    viewer = viewer_person(request.user)
    context = {
        "person": person,
        "direct_reports": person_list_for_user(user=request.user).filter(manager=person),
        "access_form": AccessForm(initial={"role": person.role})
        if viewer.role == Role.HR and person.is_active
        else None,
    }
    return render(request, "teams/person_detail.html", context)


@login_required
@require_POST
def person_access(request, person_id: int):
    organization_get_for_hr(user=request.user)
    person = person_get_for_user(user=request.user, person_id=person_id)
    form = AccessForm(request.POST)
    if form.is_valid():
        try:
            person = access_grant(
                person=person,
                role=form.cleaned_data["role"],
                invite=form.cleaned_data["send_invitation"],
                actor=viewer_person(request.user),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            sent = " and an invitation was e-mailed" if form.cleaned_data["send_invitation"] else ""
            messages.success(
                request, f"{person.name} now has {person.get_role_display()} access{sent}."
            )
    else:
        messages.error(request, "Choose a role: employee, team lead or HR.")
    return redirect("person-detail", person_id=person.pk)


@login_required
def roster_import_page(request):
    organization = organization_get_for_hr(user=request.user)
    report, status = None, 200
    form = RosterImportForm()
    if request.method == "POST":
        form = RosterImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = roster_import(
                organization=organization,
                file_name=upload.name,
                content=upload.read(),
                deactivate_missing=form.cleaned_data["deactivate_missing"],
                dry_run=form.cleaned_data["dry_run"],
                actor=viewer_person(request.user),
            )
        if not form.is_valid() or not report.ok:
            status = 400
    return render(
        request,
        "teams/roster_import.html",
        {"organization": organization, "form": form, "report": report},
        status=status,
    )
