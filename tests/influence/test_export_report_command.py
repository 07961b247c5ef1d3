"""`manage.py export_report`: every format to a file, text formats to standard output, a team's
scope, pseudonymised, the audit line, whole files only, and clear refusals."""

# Fixtures imported from other test modules are used as test parameters of the same name.
# ruff: noqa: F811

import io
import json
import zipfile
from datetime import timedelta
from io import StringIO

import networkx as nx
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from influence.exports import FORMATS
from surveys.services import wave_create
from teams.models import AuditEvent

pytestmark = pytest.mark.django_db


def export(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("export_report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def opens(fmt: str, content: bytes) -> bool:
    readers = {
        "json": lambda: json.loads(content)["people"],
        "csv": lambda: zipfile.ZipFile(io.BytesIO(content)).read("people.csv"),
        "xlsx": lambda: openpyxl.load_workbook(io.BytesIO(content))["People"],
        "pdf": lambda: content.startswith(b"%PDF"),
        "graphml": lambda: nx.read_graphml(io.BytesIO(content)).number_of_nodes(),
        "gexf": lambda: nx.read_gexf(io.BytesIO(content)).number_of_nodes(),
        "edges": lambda: content.decode().startswith("From,To,Weight"),
    }
    return bool(readers[fmt]())


def test_every_format_is_written_and_recorded(dashboard_world, tmp_path):
    wave = dashboard_world.wave
    for fmt in FORMATS:
        target = tmp_path / f"report-{fmt}"
        output, _ = export("--wave", str(wave.pk), "--format", fmt, "--out", str(target))
        assert output.startswith(f"Wrote run {dashboard_world.run.pk} of wave {wave.pk} (")
        assert "22 people, the whole organisation" in output and str(target) in output
        assert opens(fmt, target.read_bytes()), fmt
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"report-{f}" for f in FORMATS)

    lines = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).order_by("id")
    assert [line.target for line in lines] == [f"wave {wave.pk} report ({f})" for f in FORMATS]
    line = lines.last()
    assert line.organization == dashboard_world.world.org and line.source == "command"
    assert line.actor is None and line.detail == {
        "format": "edges",
        "team": None,
        "pseudonymised": False,
        "people": 22,
    }


def test_a_team_pseudonymised_to_standard_output(dashboard_world):
    dw = dashboard_world
    text, summary = export(
        "--wave", str(dw.wave.pk), "--team", "engineering", "--pseudonymise"
    )  # json and standard output by default; the team name in any case
    report = json.loads(text)
    assert len(report["people"]) == 15  # Engineering and its sub-team Platform
    assert {p["responded"] for p in report["people"]} == {None}
    assert "Nia Star" not in text and "@acme.test" not in text
    assert "team Engineering and its sub-teams, pseudonymised" in summary  # on standard error
    line = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert line.detail == {
        "format": "json",
        "team": "Engineering",
        "pseudonymised": True,
        "people": 15,
    }

    edges, _ = export("--wave", str(dw.wave.pk), "--format", "edges", "--out", "-")
    assert edges.splitlines()[0] == "From,To,Weight,Type,Direction"


def test_refusals_are_clear(dashboard_world, tmp_path, monkeypatch):
    dw = dashboard_world
    wave = str(dw.wave.pk)
    with pytest.raises(CommandError, match="binary file and cannot go to standard output"):
        export("--wave", wave, "--format", "xlsx")
    with pytest.raises(CommandError, match="Unknown format 'docx'. Available: json, csv"):
        export("--wave", wave, "--format", "docx")
    with pytest.raises(CommandError, match="There is no wave 999"):
        export("--wave", "999")
    fresh = wave_create(
        survey=dw.survey, opens_at=timezone.now(), closes_at=timezone.now() + timedelta(days=7)
    )
    with pytest.raises(CommandError, match=f"Wave {fresh.pk} has no successful analysis yet"):
        export("--wave", str(fresh.pk))
    with pytest.raises(CommandError, match="no team 'Enginering' in Acme. Did you mean 'Engi"):
        export("--wave", wave, "--team", "Enginering")
    with pytest.raises(CommandError, match="Teams of Acme: Engineering, People, Platform, Sales"):
        export("--wave", wave, "--team", "Zzz")
    with pytest.raises(CommandError, match="Could not write"):
        export("--wave", wave, "--format", "pdf", "--out", str(tmp_path / "missing" / "r.pdf"))

    # A failure while writing leaves neither the file nor a temporary one.
    def broken_replace(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("influence.management.commands.export_report.os.replace", broken_replace)
    with pytest.raises(CommandError, match="No space left on device"):
        export("--wave", wave, "--format", "csv", "--out", str(tmp_path / "r.zip"))
    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
