"""What export files must never give away: a lead's export stays inside their teams and never
says who answered; a pseudonymised export names nobody (in any format, compressed parts
included), withholds small groups and cannot be joined with another; no cell runs as a
spreadsheet formula."""

# Fixtures imported from other test modules are used as test parameters of the same name.
# ruff: noqa: F811

import csv
import io
import json
import zipfile

import networkx as nx
import openpyxl
import pytest
from django.http import Http404

from common.spreadsheet import FORMULA_STARTS
from influence.exports import FORMATS
from influence.exports.pseudonyms import WITHHELD_TEAM, pseudonym_numbers
from influence.selectors import report_team_ids_for_user
from teams.models import Person
from tests.influence.test_exports_formats import (  # noqa: F401 - fixture used by name
    graphml,
    pdf_streams,
    readable_bytes,
    render,
    sheet_rows,
    standard_fonts,
    zip_csv,
)

pytestmark = pytest.mark.django_db

KEY = b"test key one"
OTHER_KEY = b"test key two"


def identities(dw, people=None) -> list[bytes]:
    people = people or Person.objects.filter(organization=dw.world.org)
    return [value.encode() for p in people for value in (p.name, p.email)]


# --- a lead's export -------------------------------------------------------------------------


def test_a_lead_export_holds_their_teams_and_never_who_answered(dashboard_world, standard_fonts):
    dw, w = dashboard_world, dashboard_world.world
    assert report_team_ids_for_user(user=w.hr.user) is None  # HR: the whole organisation
    with pytest.raises(Http404):
        report_team_ids_for_user(user=w.engineer.user)  # a teammate gets no report
    with pytest.raises(Http404):
        report_team_ids_for_user(user=w.other_employee.user)  # nor does an outsider
    team_ids = report_team_ids_for_user(user=w.lead.user)
    assert team_ids == {w.engineering.pk, w.platform.pk}
    files = {fmt: render(dw, fmt, team_ids=team_ids) for fmt in FORMATS}
    assert files["xlsx"].filename == "influence-acme-wave-1-engineering.xlsx"

    outsiders = [p for p in Person.objects.filter(organization=w.org) if p not in dw.lead_teams]
    for fmt, file in files.items():
        seen = readable_bytes(file)
        leaked = [value for value in identities(dw, outsiders) if value in seen]
        assert not leaked, (fmt, leaked)
    assert b"Nia Star" in pdf_streams(files["pdf"].content)  # the check can see names

    report = json.loads(files["json"].content)
    assert len(report["people"]) == 15 and {p["responded"] for p in report["people"]} == {None}
    people = zip_csv(files["csv"].content, "people.csv")
    assert {row["responded"] for row in people} == {""}
    assert {row["out_degree"] for row in people} == {""}
    assert {row["team"] for row in zip_csv(files["csv"].content, "teams.csv")} == {
        "Engineering",
        "Platform",
    }
    assert {row["responded"] for row in sheet_rows(files["xlsx"].content, "People")} == {None}
    graph = graphml(files["graphml"].content)
    inside = {f"p{p.pk}" for p in dw.lead_teams}
    assert set(graph.nodes) == inside
    assert all("responded" not in data for _, data in graph.nodes(data=True))
    assert all(not key.endswith("out_degree") for _, d in graph.nodes(data=True) for key in d)
    assert graph.number_of_edges() > 0  # ties inside the teams stay; the engineer → Bo gone
    assert nx.read_gexf(io.BytesIO(files["gexf"].content)).number_of_nodes() == 15
    assert b"Scope: Engineering \\(with 1 sub-team\\)" in pdf_streams(files["pdf"].content)


# --- pseudonymised ---------------------------------------------------------------------------


def test_a_pseudonymised_export_names_nobody(dashboard_world, standard_fonts):
    dw = dashboard_world
    files = {fmt: render(dw, fmt, pseudonymise=True) for fmt in FORMATS}
    for fmt, file in files.items():
        assert "pseudonymised" in file.filename
        seen = readable_bytes(file)
        leaked = [value for value in identities(dw) if value in seen]
        assert not leaked, (fmt, leaked)
        assert b"@acme.test" not in seen, fmt
    text = pdf_streams(files["pdf"].content)
    assert b"Person 00" in text and b"Pseudonymised" in text
    people = json.loads(files["json"].content)["people"]
    assert {p["email"].split("@")[1] for p in people} == {"pseudonymised.invalid"}
    assert sorted(p["name"] for p in people) == [f"Person {n:04d}" for n in range(1, 23)]
    titles = {p["title"] for p in people if p["team"] != WITHHELD_TEAM}
    assert titles == {"Engineer"}  # titles and attributes stay
    graph = graphml(files["graphml"].content)
    assert all(node.startswith("n") for node in graph.nodes)  # no database ids either


def test_pseudonyms_agree_within_an_export_and_differ_between_exports(dashboard_world):
    dw = dashboard_world
    ids = Person.objects.filter(organization=dw.world.org).values_list("id", flat=True)
    star = f"Person {pseudonym_numbers(ids, KEY)[dw.star.pk]:04d}"

    def idm_person(fmt, key):
        file = render(dw, fmt, pseudonymise=True, pseudonym_key=key)
        if fmt == "json":
            report = json.loads(file.content)
            email = next(f for f in report["flags"] if f["kind"] == "informal_decision_maker")
            return next(p["name"] for p in report["people"] if p["email"] == email["email"])
        if fmt == "csv":
            flags = zip_csv(file.content, "flags.csv")
        else:
            flags = sheet_rows(file.content, "Flags")
        return next(f["person"] for f in flags if f["kind"] == "informal_decision_maker")

    assert {idm_person(fmt, KEY) for fmt in ("json", "csv", "xlsx")} == {star}
    graph = graphml(render(dw, "graphml", pseudonymise=True, pseudonym_key=KEY).content)
    assert graph.nodes[f"n{pseudonym_numbers(ids, KEY)[dw.star.pk]:04d}"]["label"] == star
    other = f"Person {pseudonym_numbers(ids, OTHER_KEY)[dw.star.pk]:04d}"
    assert idm_person("json", OTHER_KEY) == other
    assert pseudonym_numbers(ids, KEY) != pseudonym_numbers(ids, OTHER_KEY)


def test_flag_texts_name_no_one(dashboard_world):
    """Evidence and moves are built from team names and counts only: a pseudonymised export
    keeps them as they are, so they must never hold a name."""
    dw = dashboard_world
    report = json.loads(render(dw, "json").content)
    free_text = json.dumps([(f["evidence"], f["moves"], f["warning"]) for f in report["flags"]])
    names = [p.name for p in Person.objects.filter(organization=dw.world.org)]
    assert report["flags"] and not [name for name in names if name in free_text]
    readme = zipfile.ZipFile(io.BytesIO(render(dw, "csv").content)).read("README.txt")
    assert not [name for name in names if name.encode() in readme]


def test_small_groups_are_withheld_in_a_pseudonymised_export(dashboard_world, settings):
    settings.ANONYMITY_THRESHOLD = 6  # Platform has 5 respondents, People none
    dw = dashboard_world
    Person.objects.filter(pk=dw.helper.pk).update(attributes={"location": "Lisbon"})
    Person.objects.filter(pk=dw.star.pk).update(attributes={"location": "Berlin"})
    withheld = {p.pk for p in dw.platform} | {dw.world.hr.pk}

    report = json.loads(render(dw, "json", pseudonymise=True).content)
    teams = {t["name"]: t for t in report["teams"]}
    assert teams["Platform"]["withheld"] and "Fewer than 6" in teams["Platform"]["reason"]
    assert "relations" not in teams["Platform"]
    groups = [p for p in report["people"] if p["team"] == WITHHELD_TEAM]
    assert len(groups) == len(withheld) and {p["title"] for p in groups} == {""}
    assert {f["kind"] for f in report["flags"]} == {
        "informal_decision_maker",
        "bypassed_lead",
        "silent_member",  # Quinn in Engineering; HR's own is withheld
        "broker",
    }  # the helper's hidden workload is withheld with Platform

    people = zip_csv(render(dw, "csv", pseudonymise=True).content, "people.csv")
    lisbon = [row for row in people if row["attr_location"] == "Lisbon"]
    berlin = [row for row in people if row["attr_location"] == "Berlin"]
    assert not lisbon and berlin and berlin[0]["team"] == "Engineering"
    assert {row["manager"] for row in people if row["team"] == WITHHELD_TEAM} == {""}
    graph = graphml(render(dw, "graphml", pseudonymise=True).content)
    hidden = [d for _, d in graph.nodes(data=True) if d["team"] == WITHHELD_TEAM]
    assert len(hidden) == len(withheld) and all(d["title"] == "" for d in hidden)

    # Identified, the same people keep their team: only the aggregates are withheld.
    identified = json.loads(render(dw, "json").content)
    assert WITHHELD_TEAM not in {p["team"] for p in identified["people"]}


# --- formulas --------------------------------------------------------------------------------

FORMULA_NAMES = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"]


def test_no_cell_runs_as_a_formula(dashboard_world):
    dw = dashboard_world
    for person, name in zip(dw.engineering[4:], FORMULA_NAMES, strict=True):
        Person.objects.filter(pk=person.pk).update(name=name, title=name)
    Person.objects.filter(pk=dw.star.pk).update(attributes={"note": "=1+1"})

    archive = zipfile.ZipFile(io.BytesIO(render(dw, "csv").content))
    tables = {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}
    tables["edges alone"] = render(dw, "edges").content.decode()
    for name, text in tables.items():
        if name.endswith(".txt"):
            continue
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert not [c for c in cells if c.startswith(FORMULA_STARTS)], name
    people = zip_csv(render(dw, "csv").content, "people.csv")
    assert {"'" + n for n in FORMULA_NAMES} <= {row["person"] for row in people}
    assert "'=1+1" in {row["attr_note"] for row in people}

    workbook = openpyxl.load_workbook(io.BytesIO(render(dw, "xlsx").content))
    found = set()
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    assert not cell.value.startswith(FORMULA_STARTS), (sheet.title, cell.value)
                    found.add(cell.value)
    # XML reads a carriage return back as a line feed.
    assert {"'" + n.replace("\r", "\n") for n in FORMULA_NAMES} <= found
