"""GraphML and GEXF files of an export: its people as nodes (label, team, title, manager,
attributes, community, map position, metrics per relation) and its ties as edges (relation,
weight). Without ties (raw answers deleted, or too few answered), nodes only."""

from influence.analysis.exchange import EdgeOut, NodeOut, gexf_bytes, graphml_bytes
from influence.exports.colours import colour_groups, group_palette
from influence.exports.data import ExportData
from influence.reports import METRIC_FIELDS

INT_METRICS = {"in_degree", "out_degree"}


def graphml_file(data: ExportData) -> bytes:
    return graphml_bytes(*_network(data))


def gexf_file(data: ExportData) -> bytes:
    return gexf_bytes(*_network(data))


def _network(data: ExportData) -> tuple[list[NodeOut], list[EdgeOut], dict[str, str]]:
    groups = colour_groups(data)
    colours = group_palette(groups)
    nodes = [
        NodeOut(
            key=p.node,
            label=p.label,
            x=p.x,
            y=p.y,
            colour=colours[groups[p.id]],
            attributes=_attributes(data, p),
        )
        for p in data.people
    ]
    node = {p.id: p.node for p in data.people}
    edges = [EdgeOut(node[e.source], node[e.target], e.relation, e.weight) for e in data.edges]
    about = {
        "name": f"{data.organization['name']}, wave {data.wave['number']}: {data.scope}",
        "pseudonymised": "yes" if data.pseudonymised else "no",
        "edge_direction": "respondent -> nominee",
    }
    if data.edges_note:
        about["note"] = data.edges_note
    return nodes, edges, about


def _attributes(data: ExportData, person) -> dict:
    manager = data.people_by_id.get(person.manager_id)
    values = {
        "email": person.email,
        "team": person.team,
        "title": person.title,
        "manager": manager.label if manager else "",
        "responded": person.responded,
        "community": person.community,
    }
    values |= {f"attr_{key}": value for key, value in person.attributes.items()}
    for relation, metrics in person.metrics.items():
        for name in METRIC_FIELDS:
            value = metrics.get(name)
            if value is not None:
                value = int(value) if name in INT_METRICS else float(value)
            values[f"{relation}_{name}"] = value
    return values
