"""HR pages of the audit log: the filtered, paged list and the same lines as CSV. Read-only: no
form here writes. HR of the organisation only; anybody else gets 404."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from teams.audit_log import (
    AuditFilter,
    audit_csv_filename,
    audit_event_list,
    audit_log_download,
    audit_rows,
    day_end,
    day_start,
)
from teams.models import AuditEvent
from teams.selectors import organization_get_for_hr

PAGE_SIZE = 50
DATE_INVALID = "Enter a date as YYYY-MM-DD, e.g. 2025-03-31."


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        required=False, choices=[("", "Any action"), *AuditEvent.Action.choices]
    )
    actor = forms.CharField(required=False, max_length=254, label="Who (e-mail contains)")
    person = forms.IntegerField(
        required=False,
        min_value=1,
        label="Person id",
        error_messages={"invalid": "Enter a person's id, a number such as 42."},
    )
    since = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": DATE_INVALID},
    )
    until = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": DATE_INVALID},
    )

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date is before the start date; swap them.")
        return data

    def filters(self) -> AuditFilter:
        data = self.cleaned_data
        return AuditFilter(
            action=data["action"],
            actor=data["actor"].strip(),
            person_id=data["person"],
            since=day_start(data["since"]) if data["since"] else None,
            until=day_end(data["until"]) if data["until"] else None,
        )


@login_required
@require_GET
def audit_log(request):
    organization = organization_get_for_hr(user=request.user)
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return _page(request, form, status=400)
    events = audit_event_list(organization_id=organization.pk, filters=form.filters())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = audit_rows(organization_id=organization.pk, events=page.object_list)
    return _page(request, form, page=page, rows=rows)


@login_required
@require_GET
def audit_log_export(request):
    organization = organization_get_for_hr(user=request.user)
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return _page(request, form, status=400)
    lines = audit_log_download(organization=organization, user=request.user, filters=form.filters())
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{audit_csv_filename()}"'
    return response


def _page(request, form, *, page=None, rows=None, status: int = 200):
    # Links to other pages and to the CSV keep the filters, without the page number.
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows or [], "query": query.urlencode()}
    return render(request, "teams/audit_log.html", context, status=status)
