"""HR pages of the analysis: the runs of a wave and how the current one compares with the
previous wave. Thin: scope through the selectors, call a service, render. Anybody but HR of the
organisation gets 404."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from influence.models import AnalysisRun, kind_label
from influence.selectors import (
    analysis_run_active,
    analysis_run_current,
    analysis_run_current_of_previous_wave,
    analysis_run_list_for_wave,
)
from influence.services import analysis_comparison, analysis_run_request
from surveys.selectors import wave_get_for_hr

RUNS_SHOWN = 20
FIRST_STAGES = ("load",)
LAST_STAGES = ("store", "total")


def timing_rows(timings: dict) -> list[tuple[str, float]]:
    """Stages in the order they ran: loading, the analysis' own stages, storing, the total."""
    middle = [s for s in timings if s not in FIRST_STAGES + LAST_STAGES]
    order = [s for s in FIRST_STAGES if s in timings] + middle
    order += [s for s in LAST_STAGES if s in timings]
    return [(stage, timings[stage]) for stage in order]


@login_required
def wave_analysis(request, wave_id: int):
    wave = wave_get_for_hr(user=request.user, wave_id=wave_id)
    runs = list(analysis_run_list_for_wave(wave)[:RUNS_SHOWN])
    for run in runs:
        run.timing_rows = timing_rows(run.timings)
    current = analysis_run_current(wave)
    previous = analysis_run_current_of_previous_wave(wave) if current else None
    comparison = (
        analysis_comparison(run=current, previous_run=previous) if current and previous else None
    )
    flag_counts = []
    if current is not None:
        counts = Counter(current.flags.values_list("kind", flat=True))
        flag_counts = [(kind_label(kind), n) for kind, n in sorted(counts.items())]
    context = {
        "wave": wave,
        "survey": wave.survey,
        "runs": runs,
        "current": current,
        "people_count": current.positions.count() if current else 0,
        "flag_counts": flag_counts,
        "previous": previous,
        "comparison": comparison,
        # Shown with the htmx status partial, which polls itself until the run is done.
        "active_run": next((run for run in runs if run.is_active), None),
    }
    return render(request, "influence/wave_analysis.html", context)


@login_required
@require_POST
def wave_analysis_run(request, wave_id: int):
    wave = wave_get_for_hr(user=request.user, wave_id=wave_id)
    already = analysis_run_active(wave)
    try:
        run = analysis_run_request(
            wave=wave, reason=AnalysisRun.Reason.RERUN, requested_by=request.user
        )
    except ValidationError as exc:
        messages.error(request, "No analysis was started. " + " ".join(exc.messages))
        return redirect("wave-analysis", wave_id=wave.pk)
    run.refresh_from_db()
    if already is not None and already.pk == run.pk:
        messages.info(request, f"Run {run.pk} is already {run.status}; no second run was started.")
    elif run.status == AnalysisRun.Status.SUCCEEDED:
        messages.success(request, f"Run {run.pk} finished: its results are now the current ones.")
    elif run.status == AnalysisRun.Status.FAILED:
        messages.error(
            request, f"Run {run.pk} failed: {run.error} The previous results are still shown."
        )
    else:
        messages.success(
            request,
            f"Run {run.pk} is {run.status}. Its progress shows on this page until it finishes; "
            "the current results stay until then.",
        )
    return redirect("wave-analysis", wave_id=wave.pk)
