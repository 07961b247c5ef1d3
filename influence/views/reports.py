"""Report exports of a wave, for HR (the organisation or any team) and leads (their own teams):
the form, the file at once for a small report, a page that follows a large one built in the
background, and its download (the requester and HR only). Thin: scope through the selectors,
call the services, render. Out of scope is 404."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from influence.exports import FORMATS, ExportFile
from influence.models import Export
from influence.selectors import (
    analysis_run_current,
    export_get_for_user,
    export_list_for_user,
    report_team_ids_for_user,
)
from influence.services import ExportExpired, ExportUnavailable, export_request
from influence.services import export_download as export_file_for_download
from surveys.selectors import wave_get_for_user
from teams.models import Team
from teams.selectors import team_get_for_user, team_tree, viewer_person

RECENT_SHOWN = 10
# One line on what each kind of file is for; a format without one shows its label only.
FORMAT_HINTS = {
    "json": "Everything in one file, for your own tools (same shape as the API's report).",
    "csv": "Plain tables in a zip, for spreadsheets and scripts.",
    "xlsx": "An Excel workbook with a sheet per table.",
    "pdf": "A printable summary for leadership.",
    "graphml": "The networks for graph tools such as yEd, Cytoscape or Gephi.",
    "gexf": "The networks for Gephi.",
    "edges": "Who named whom, one row per nomination, as CSV.",
}


def file_response(file: ExportFile) -> HttpResponse:
    """The file as a download that browsers neither sniff, show inline nor keep in a cache."""
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(True, file.filename)
    response["Content-Length"] = str(len(file.content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def wave_reports(request, wave_id: int):
    wave = wave_get_for_user(user=request.user, wave_id=wave_id)
    if request.method == "GET":
        raw = request.GET.get("team", "")
        team = _team_chosen(request.user, raw) if raw.isdigit() else None
        form = {"format": next(iter(FORMATS), ""), "team": team.pk if team else None}
        return _reports_page(request, wave, form)
    form = {
        "format": request.POST.get("format", ""),
        "team": request.POST.get("team", ""),
        "pseudonymise": request.POST.get("pseudonymise") in ("on", "1", "true"),
    }
    try:
        team = _team_chosen(request.user, form["team"])
        form["team"] = team.pk if team else None
        result = export_request(
            user=request.user,
            wave=wave,
            fmt=form["format"],
            team=team,
            pseudonymise=form["pseudonymise"],
        )
    except ValidationError as exc:
        return _reports_page(request, wave, form, errors=exc.message_dict, status=400)
    if isinstance(result, Export):
        return redirect("export-status", export_id=result.pk)
    return file_response(result)


def _team_chosen(user, raw: str) -> Team | None:
    """The team of the form (None: everything the viewer may export); 404 outside the scope."""
    raw = str(raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError({"team": "Choose a team from the list."})
    return team_get_for_user(user=user, team_id=int(raw))


def _reports_page(request, wave, form: dict, *, errors: dict | None = None, status: int = 200):
    visible = report_team_ids_for_user(user=request.user)
    organization = viewer_person(request.user).organization
    errors = {field: " ".join(messages) for field, messages in (errors or {}).items()}
    tree = team_tree(organization_id=organization.pk, team_ids=visible)
    context = {
        "wave": wave,
        "survey": wave.survey,
        "run": analysis_run_current(wave),
        "organization": organization,
        "is_hr": visible is None,
        "formats": [(key, label, FORMAT_HINTS.get(key, "")) for key, label in FORMATS.items()],
        "scopes": [(node.id, "— " * node.depth + node.name) for node in tree],
        "form": form,
        "errors": errors,
        "general_error": " ".join(v for k, v in errors.items() if k not in ("format", "team")),
        "stream_max": settings.EXPORT_STREAM_MAX_PEOPLE,
        "keep_hours": settings.EXPORT_KEEP_HOURS,
        "exports": list(export_list_for_user(user=request.user, wave_id=wave.pk)[:RECENT_SHOWN]),
    }
    return render(request, "influence/reports.html", context, status=status)


@login_required
@require_GET
def export_status(request, export_id: int):
    """The export's page; with htmx only its status block, which polls itself until done."""
    export = export_get_for_user(user=request.user, export_id=export_id)
    template = "influence/_export_status.html" if request.htmx else "influence/export.html"
    return render(request, template, _status_context(export))


@login_required
@require_GET
def export_download(request, export_id: int):
    export = export_get_for_user(user=request.user, export_id=export_id)
    try:
        file = export_file_for_download(user=request.user, export=export)
    except ExportUnavailable as exc:
        context = {**_status_context(export), "download_error": str(exc)}
        status = 410 if isinstance(exc, ExportExpired) else 409
        return render(request, "influence/export.html", context, status=status)
    return file_response(file)


def _status_context(export: Export) -> dict:
    return {
        "export": export,
        "format_label": FORMATS.get(export.format, export.format.upper()),
        "active": export.status in (Export.Status.QUEUED, Export.Status.RUNNING),
    }
