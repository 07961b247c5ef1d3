"""An employee's own network page. There is no person parameter: everybody sees their own
network only, for an analysed wave they were invited to (?wave=<id>, default the newest)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from influence.my_network import BAND_MEANINGS, my_network_build, my_network_runs
from influence.selectors import analysis_run_pick
from teams.selectors import viewer_person


@login_required
def my_network(request):
    person = viewer_person(request.user)
    if person is None:
        return render(request, "teams/no_access.html")
    runs = my_network_runs(person=person)
    run = analysis_run_pick(runs, request.GET.get("wave"))
    context = {
        "runs": runs,
        "run": run,
        "network": my_network_build(person=person, run=run) if run else None,
        "band_meanings": BAND_MEANINGS,
    }
    return render(request, "influence/my_network.html", context)
