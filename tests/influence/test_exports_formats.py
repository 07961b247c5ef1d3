"""Export files open with the tools people read them with: JSON (the report's shape), the CSV
zip, the Excel workbook, the PDF report, GraphML, GEXF and the edge list. Helpers here are used
by the other test_exports_* modules too."""

import base64
import contextlib
import csv
import io
import json
import re
import zipfile
import zlib
from datetime import timedelta

import networkx as nx
import openpyxl
import pytest
from django.utils import timezone

from influence import exports
from influence.exports import FORMATS, export_render
from influence.exports import pdf as pdf_module
from influence.exports.pdf_drawings import MAP_EDGE_CAP
from influence.models import Flag
from influence.reports import report_build
from surveys.models import Nomination
from teams.erasure import person_erase
from teams.models import Person

pytestmark = pytest.mark.django_db


# --- helpers ---------------------------------------------------------------------------------


def render(dw, fmt, team_ids=None, **options):
    return export_render(run=options.pop("run", dw.run), team_ids=team_ids, fmt=fmt, **options)


def pdf_streams(content: bytes) -> bytes:
    """Every stream of a PDF decoded (ASCII85 and Flate, as reportlab writes them)."""
    found = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        data = raw.strip()
        if data.endswith(b"~>"):
            data = base64.a85decode(data, adobe=True)
        with contextlib.suppress(zlib.error):
            data = zlib.decompressobj().decompress(data)
        found.append(data)
    return b"\n".join(found)


def readable_bytes(file) -> bytes:
    """What a reader of the file could see: zip members (CSV zip, XLSX) and PDF streams
    decompressed, plain files as they are."""
    if file.content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(file.content)) as archive:
            return b"\n".join(archive.read(name) for name in archive.namelist())
    if file.content.startswith(b"%PDF"):
        return file.content + pdf_streams(file.content)
    return file.content


def zip_csv(content: bytes, name: str) -> list[dict]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def sheet_rows(content: bytes, title: str) -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(content))[title]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def graphml(content: bytes) -> nx.MultiDiGraph:
    return nx.read_graphml(io.BytesIO(content))


@pytest.fixture
def standard_fonts(monkeypatch):
    """PDFs in Helvetica, whose text is plain in the streams (an embedded TrueType subset
    encodes it), so that tests can look for names."""
    monkeypatch.setattr(pdf_module, "FONT_CANDIDATES", ())
    pdf_module.fonts.cache_clear()
    pdf_module.styles.cache_clear()
    yield
    pdf_module.fonts.cache_clear()
    pdf_module.styles.cache_clear()


# --- every format ----------------------------------------------------------------------------


def test_every_format_opens_with_its_reader(dashboard_world):
    dw = dashboard_world
    steps = []
    files = {
        fmt: render(dw, fmt, progress=lambda percent, stage: steps.append(percent))
        for fmt in FORMATS
    }
    assert len(steps) <= 4 * len(FORMATS) and steps[-1] == 100

    # JSON: exactly the report (the API's shape).
    assert json.loads(files["json"].content) == report_build(run=dw.run)
    assert files["json"].filename == "influence-acme-wave-1.json"
    assert files["json"].content_type == "application/json"

    # CSV zip: one row per person and relation, flags, teams, edges, a README.
    zipped = files["csv"]
    assert zipped.filename == "influence-acme-wave-1.zip"
    assert zipfile.ZipFile(io.BytesIO(zipped.content)).namelist() == [
        "README.txt",
        "people.csv",
        "flags.csv",
        "teams.csv",
        "edges.csv",
        "changes.csv",
    ]
    people = zip_csv(zipped.content, "people.csv")
    assert len(people) == 22 * 3
    star = [row for row in people if row["person"] == "Nia Star"]
    assert {row["relation"] for row in star} == {"advice", "decision", "help"}
    decision = next(row for row in star if row["relation"] == "decision")
    assert (decision["team"], decision["manager"], decision["responded"]) == (
        "Engineering",
        "Lea Dorn",
        "yes",
    )
    assert int(decision["in_degree"]) >= 8
    flags = zip_csv(zipped.content, "flags.csv")
    idm = next(row for row in flags if row["kind"] == "informal_decision_maker")
    assert idm["person"] == "Nia Star" and idm["flag"] == "Informal decision-maker"
    assert " | " in idm["evidence"] and " | " in idm["moves"]
    teams = {row["team"]: row for row in zip_csv(zipped.content, "teams.csv")}
    assert teams["People"]["withheld"] == "yes" and "Fewer than 5" in teams["People"]["reason"]
    assert teams["Engineering"]["decision_density"] and teams["People"]["decision_density"] == ""
    edges = zip_csv(zipped.content, "edges.csv")
    nominations = Nomination.objects.filter(response__invitation__wave=dw.wave).count()
    assert len(edges) == nominations
    assert {"From": "Eli Ng", "To": "Bo Bridge", "Weight": "3", "Type": "advice"}.items() <= next(
        row for row in edges if row["To"] == "Bo Bridge" and row["From"] == "Eli Ng"
    ).items()
    assert zip_csv(zipped.content, "changes.csv")[0]["change"] == "No previous wave"

    # XLSX: the five sheets.
    workbook = openpyxl.load_workbook(io.BytesIO(files["xlsx"].content))
    assert workbook.sheetnames == ["Summary", "People", "Flags", "Teams", "Changes"]
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True) if row}
    assert summary["People"] == "22" and summary["Answered"].startswith("20 ")
    assert len(sheet_rows(files["xlsx"].content, "People")) == 22 * 3
    assert (
        len(sheet_rows(files["xlsx"].content, "Flags")) == Flag.objects.filter(run=dw.run).count()
    )

    # PDF: a real document with pages.
    pdf = files["pdf"].content
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 4

    # GraphML and GEXF: people as nodes with their data, nominations as edges.
    graph = graphml(files["graphml"].content)
    assert graph.number_of_nodes() == 22 and graph.number_of_edges() == nominations
    node = graph.nodes[f"p{dw.star.pk}"]
    assert (node["label"], node["team"], node["responded"]) == ("Nia Star", "Engineering", True)
    assert node["decision_in_degree"] == decision_in(dw) and "x" in node and "community" in node
    assert {d["relation"] for _, _, d in graph.edges(data=True)} == {"advice", "decision", "help"}
    assert graph.has_edge(f"p{dw.world.engineer.pk}", f"p{dw.star.pk}")  # respondent → nominee
    gexf = nx.read_gexf(io.BytesIO(files["gexf"].content))
    assert gexf.number_of_nodes() == 22 and gexf.number_of_edges() == nominations
    assert gexf.nodes[f"p{dw.star.pk}"]["label"] == "Nia Star"

    # The edge list alone, for UCINET and Kumu.
    assert files["edges"].filename == "influence-acme-wave-1-edges.csv"
    assert files["edges"].content.decode().splitlines()[0] == "From,To,Weight,Type,Direction"
    assert len(files["edges"].content.decode().splitlines()) == nominations + 1


def decision_in(dw) -> int:
    people = report_build(run=dw.run)["people"]
    star = next(p for p in people if p["email"] == "star@acme.test")
    return star["metrics"]["decision"]["in_degree"]


def test_an_unknown_format_is_refused(dashboard_world):
    with pytest.raises(ValueError, match="Unknown format 'docx'. Available: json, csv"):
        render(dashboard_world, "docx")


def test_the_pdf_reads_as_a_report(dashboard_world, standard_fonts):
    text = pdf_streams(render(dashboard_world, "pdf").content)
    for words in (
        b"Influence map: Acme",
        b"Scope: Whole organisation",
        b"Summary",
        b"Read first",
        b"did not answer",
        b"Teams",
        b"Response rate per team",
        b"Flags per kind",
        b"The map",
        b"Informal decision-maker \\(1\\)",  # parentheses are escaped in PDF strings
        b"Nia Star",
        b"Evidence",
        b"Moves",
        b"No previous wave",
    ):
        assert words in text, words


def test_a_big_map_draws_the_strongest_ties_and_says_so(dashboard_world, monkeypatch):
    monkeypatch.setattr("influence.exports.pdf_drawings.MAP_EDGE_CAP", 10)
    monkeypatch.setattr("influence.exports.pdf.MAP_EDGE_CAP", 10)
    from influence.exports.colours import colour_groups, group_palette
    from influence.exports.data import export_data_gather
    from influence.exports.pdf_drawings import distinct_ties, map_drawing

    data = export_data_gather(run=dashboard_world.run, team_ids=None)
    groups = colour_groups(data)
    palette = group_palette(groups)
    assert set(palette) == {"Engineering", "Platform", "Sales", "People"}  # few: by team
    drawing, drawn = map_drawing(data, groups=groups, palette=palette, size=400, font="Helvetica")
    assert drawn == 10 < distinct_ties(data)
    assert MAP_EDGE_CAP == 3000  # the real cap, for the record


def test_the_changes_since_the_previous_wave(dashboard_world, analyse_next_wave, standard_fonts):
    dw = dashboard_world
    second = analyse_next_wave(dw, star_named_by=3)

    changes = sheet_rows(render(dw, "xlsx", run=second).content, "Changes")
    kinds = {(row["change"], row["person or team"], row["relation or flag"]) for row in changes}
    assert ("Resolved flag", "Nia Star", "Informal decision-maker") in kinds
    assert any(c == "Named by (in-degree)" and p == "Nia Star" for c, p, _ in kinds)
    assert ("Response rate", "Acme", None) in kinds  # an empty cell reads back as None
    csv_changes = zip_csv(render(dw, "csv", run=second).content, "changes.csv")
    assert {row["change"] for row in csv_changes} >= {"Resolved flag", "Response rate"}
    assert b"Compared with wave 1" in pdf_streams(render(dw, "pdf", run=second).content)


def test_erased_people_and_deleted_answers(dashboard_world, standard_fonts):
    dw = dashboard_world
    person_erase(person=dw.bridge, actor=dw.world.hr, confirm_email=dw.bridge.email)
    files = {fmt: render(dw, fmt) for fmt in FORMATS}
    erased = next(
        p
        for p in json.loads(files["json"].content)["people"]
        if p["team"] == "Sales" and p["name"] == "Erased person"
    )
    assert erased["email"] == "" and erased["title"] == ""
    graph = graphml(files["graphml"].content)
    node = graph.nodes[f"p{dw.bridge.pk}"]
    assert node["label"] == "Erased person" and node["email"] == "" and node["title"] == ""
    assert graph.degree(f"p{dw.bridge.pk}") > 0  # their ties stay, anonymous

    dw.wave.answers_deleted_at = timezone.now() - timedelta(days=1)
    dw.wave.save(update_fields=["answers_deleted_at"])
    files = {fmt: render(dw, fmt) for fmt in FORMATS}
    graph = graphml(files["graphml"].content)
    assert graph.number_of_nodes() == 22 and graph.number_of_edges() == 0
    assert "deleted" in graph.graph["note"]
    assert nx.read_gexf(io.BytesIO(files["gexf"].content)).number_of_edges() == 0
    readme = zipfile.ZipFile(io.BytesIO(files["csv"].content)).read("README.txt").decode()
    assert "raw answers of this wave were deleted" in readme
    assert zip_csv(files["csv"].content, "edges.csv") == []
    assert files["edges"].content.decode().strip() == "From,To,Weight,Type,Direction"
    assert b"Ties are not drawn" in pdf_streams(files["pdf"].content)
    assert len(json.loads(files["json"].content)["people"]) == 22  # results remain


def test_the_people_count_decides_streaming(dashboard_world):
    dw = dashboard_world
    assert exports.export_people_count(run=dw.run, team_ids=None) == 22
    lead_teams = {dw.world.engineering.pk, dw.world.platform.pk}
    assert exports.export_people_count(run=dw.run, team_ids=lead_teams) == 15
    assert Person.objects.filter(organization=dw.world.org).count() == 22


def test_colours_group_many_teams_into_departments():
    """Plain data, no database: twelve teams in two departments colour by department; a lead's
    six teams by team; withheld people share one colour whatever their team."""
    from influence.exports.colours import colour_groups
    from influence.exports.data import ExportData, PersonRow

    names = {1: "Dept A", 2: "Dept B"} | {t: f"Team {t}" for t in range(10, 22)}
    parents = {1: None, 2: None} | {t: 1 if t < 16 else 2 for t in range(10, 22)}

    def person(team_id, withheld=False):
        return PersonRow(
            id=team_id, node=f"p{team_id}", name="", email="", label="", team_id=team_id,
            team=names[team_id], title="", attributes={}, manager_id=None, responded=None,
            community=0, x=0.0, y=0.0, metrics={}, withheld=withheld,
        )  # fmt: skip

    def data(people, team_ids=None):
        return ExportData(
            organization={}, wave={}, run={}, run_finished_at=None, scope="", scope_slug="",
            team_ids=team_ids, people=people, flags=[], teams=[], edges=[],
            edges_note="", respondents=0, changes=None, threshold=5, reliable_rate=0.7,
            team_names=names, team_parents=parents,
        )  # fmt: skip

    everyone = [person(t, withheld=t == 10) for t in range(10, 22)]
    groups = colour_groups(data(everyone))
    assert set(groups.values()) == {"Dept A", "Dept B", "Withheld group"}
    assert groups[11] == "Dept A" and groups[10] == "Withheld group"
    lead = colour_groups(data(everyone[:6], team_ids={1, *range(10, 16)}))
    assert lead[11] == "Team 11" and lead[10] == "Withheld group"
