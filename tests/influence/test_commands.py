"""`manage.py analyse` and `manage.py export_report`: what they print, the report's JSON shape,
withheld small groups and clear refusals."""

# Fixtures imported from other test modules are used as test parameters of the same name.
# ruff: noqa: F811

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from influence.models import AnalysisRun
from surveys.services import wave_close
from tests.influence.test_runs import (  # noqa: F401 - fixtures are used by name
    analysed,
    answer_world,
    fake_pipeline,
    survey_world,
)

pytestmark = pytest.mark.django_db

PERSON_KEYS = {"email", "name", "team", "title", "responded", "community", "metrics"}
METRIC_KEYS = {
    "in_degree",
    "weighted_in_degree",
    "out_degree",
    "pagerank",
    "betweenness",
    "harmonic",
    "in_degree_pct_org",
    "in_degree_pct_team",
}
FLAG_KEYS = {"email", "kind", "score", "evidence", "moves", "warning"}


def run_command(name: str, *args) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


# --- analyse -------------------------------------------------------------------------------


def test_analyse_prints_the_run_and_waits_for_it(survey_world, world, fake_pipeline):
    answer_world(survey_world, world)
    wave_close(wave=survey_world.wave)

    output = run_command("analyse", "--wave", str(survey_world.wave.pk))

    run = AnalysisRun.objects.get()
    lines = output.splitlines()
    assert lines[0] == f"run {run.pk} queued"
    assert lines[1] == f"run {run.pk} succeeded"
    assert lines[2].startswith("5 people, 2 flags in ")
    assert lines[3] == "warning: fake analysis"
    assert run.reason == AnalysisRun.Reason.COMMAND and run.status == "succeeded"


def test_analyse_exits_non_zero_with_the_error(survey_world, world, fake_pipeline):
    def boom(data):
        raise ValueError("no relations asked")

    fake_pipeline.behaviour = boom
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("analyse", "--wave", str(survey_world.wave.pk), stdout=out)
    run = AnalysisRun.objects.get()
    assert str(failure.value) == (
        f"run {run.pk} failed: The analysis failed: ValueError: no relations asked"
    )
    assert out.getvalue().splitlines() == [f"run {run.pk} queued", f"run {run.pk} failed"]


def test_analyse_waits_for_a_run_already_under_way_and_gives_up_at_the_timeout(survey_world):
    running = AnalysisRun.objects.create(
        wave=survey_world.wave, reason="api", status=AnalysisRun.Status.RUNNING
    )
    out = StringIO()
    with pytest.raises(CommandError, match=f"run {running.pk} is still running after 0.1 s"):
        call_command(
            "analyse",
            "--wave",
            str(survey_world.wave.pk),
            "--timeout",
            "0.1",
            "--poll",
            "0.02",
            stdout=out,
        )
    assert out.getvalue() == f"run {running.pk} running\n"
    assert AnalysisRun.objects.count() == 1


def test_analyse_refuses_unknown_and_unopened_waves(survey_world):
    with pytest.raises(CommandError, match="There is no wave 999"):
        run_command("analyse", "--wave", "999")
    survey_world.wave.status = "draft"
    survey_world.wave.save()
    with pytest.raises(CommandError, match="nothing to analyse"):
        run_command("analyse", "--wave", str(survey_world.wave.pk))


# --- export_report -------------------------------------------------------------------------


def test_export_report_writes_the_json_shape(
    survey_world, world, fake_pipeline, django_capture_on_commit_callbacks, tmp_path, settings
):
    settings.ANONYMITY_THRESHOLD = 2
    run = analysed(survey_world, world, django_capture_on_commit_callbacks)
    target = tmp_path / "report.json"

    output = run_command(
        "export_report", "--wave", str(survey_world.wave.pk), "--format", "json", "--out", target
    )

    assert f"Wrote run {run.pk} of wave {survey_world.wave.pk}" in output
    report = json.loads(target.read_text(encoding="utf-8"))
    assert list(report) == ["organization", "wave", "run", "people", "flags", "teams"]
    assert report["organization"]["name"] == "Acme"
    assert report["wave"]["id"] == survey_world.wave.pk and report["wave"]["number"] == 1
    assert report["run"] == {
        "id": run.pk,
        "status": "succeeded",
        "parameters": run.parameters,
        "warnings": ["fake analysis"],
    }

    people = {p["email"]: p for p in report["people"]}
    assert len(people) == 5
    assert [p["name"] for p in report["people"]] == sorted(p["name"] for p in report["people"])
    pia = people["plat@acme.test"]
    assert set(pia) == PERSON_KEYS
    assert (pia["name"], pia["team"], pia["title"], pia["responded"]) == (
        "Pia Torres",
        "Platform",
        "Engineer",
        True,
    )
    assert set(pia["metrics"]) == {"advice", "decision"}
    assert set(pia["metrics"]["decision"]) == METRIC_KEYS
    assert pia["metrics"]["decision"]["in_degree"] == 1
    assert people["hr@acme.test"]["responded"] is False
    assert people["hr@acme.test"]["metrics"]["advice"]["out_degree"] is None

    assert {(f["email"], f["kind"]) for f in report["flags"]} == {
        ("hr@acme.test", "silent_member"),
        ("sales@acme.test", "silent_member"),
    }
    assert all(set(f) == FLAG_KEYS for f in report["flags"])
    assert report["flags"][0]["evidence"] == ["unseen"]

    teams = {t["name"]: t for t in report["teams"]}
    assert report["teams"][0]["name"] == "Acme" and report["teams"][0]["team_id"] is None
    # Two of five answered in the organisation; engineering and platform one each.
    assert teams["Acme"]["withheld"] is False and teams["Acme"]["respondents"] == 2
    assert teams["Acme"]["relations"]["advice"]["density"] == 0.5
    for name in ("Engineering", "Platform", "Sales", "People"):
        team = teams[name]
        assert team["withheld"] is True, name
        assert "relations" not in team
        assert "Fewer than 2 people" in team["reason"]
        assert {"size", "respondents", "response_rate"} <= team.keys()


def test_export_report_prints_to_standard_output_without_out(
    survey_world, world, fake_pipeline, django_capture_on_commit_callbacks
):
    analysed(survey_world, world, django_capture_on_commit_callbacks)
    report = json.loads(run_command("export_report", "--wave", str(survey_world.wave.pk)))
    assert len(report["people"]) == 5
    assert all(team["withheld"] for team in report["teams"])  # threshold 5, two answered


def test_export_report_shows_the_latest_successful_run(
    survey_world, world, fake_pipeline, django_capture_on_commit_callbacks
):
    good = analysed(survey_world, world, django_capture_on_commit_callbacks)

    def boom(data):
        raise ValueError("broken")

    fake_pipeline.behaviour = boom
    with pytest.raises(CommandError):
        run_command("analyse", "--wave", str(survey_world.wave.pk))
    report = json.loads(run_command("export_report", "--wave", str(survey_world.wave.pk)))
    assert report["run"]["id"] == good.pk


def test_export_report_refuses_other_formats_and_waves_without_results(survey_world):
    with pytest.raises(CommandError, match=r"Unknown format 'docx'\. Available: json, csv, "):
        run_command("export_report", "--wave", str(survey_world.wave.pk), "--format", "docx")
    with pytest.raises(CommandError, match="has no successful analysis yet"):
        run_command("export_report", "--wave", str(survey_world.wave.pk))
    with pytest.raises(CommandError, match="There is no wave 999"):
        run_command("export_report", "--wave", "999")
