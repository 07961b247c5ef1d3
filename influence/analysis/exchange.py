"""Network files for other tools: GraphML (Gephi, yEd, Cytoscape) and GEXF (Gephi).

Plain data in, bytes out; networkx stays inside the analysis package. Edges point from the
respondent to the nominee ("I go to X for advice": me → X), one edge per relation between the
same two people (a directed multigraph), with the relation and its weight (summed tie strength,
1 when the question did not ask for it).

Attribute values must be str, int, float or bool; None is left out (a tool reads a missing value
as unknown, where an empty string would be a value). Each attribute keeps one type across nodes,
so that the files declare it once.
"""

import io
from dataclasses import dataclass, field

import networkx as nx

POSITION_SCALE = 1000.0  # map positions in [-1, 1]² become Gephi-sized coordinates


@dataclass(frozen=True)
class NodeOut:
    key: str  # node id in the file
    label: str
    x: float  # map position in [-1, 1]
    y: float
    colour: tuple[int, int, int]  # GEXF viz colour (RGB)
    attributes: dict[str, str | int | float | bool | None] = field(default_factory=dict)


@dataclass(frozen=True)
class EdgeOut:
    source: str  # respondent's key
    target: str  # nominee's key
    relation: str
    weight: float


def network_graph(
    nodes: list[NodeOut], edges: list[EdgeOut], graph_attributes: dict[str, str]
) -> nx.MultiDiGraph:
    """The directed multigraph both writers read (edge keys e0, e1, … unique in the file)."""
    graph = nx.MultiDiGraph(**graph_attributes)
    for node in nodes:
        values = {k: v for k, v in node.attributes.items() if v is not None}
        graph.add_node(node.key, label=node.label, x=float(node.x), y=float(node.y), **values)
    for i, edge in enumerate(edges):
        graph.add_edge(
            edge.source,
            edge.target,
            key=f"e{i}",
            relation=edge.relation,
            weight=float(edge.weight),
        )
    return graph


def graphml_bytes(
    nodes: list[NodeOut], edges: list[EdgeOut], graph_attributes: dict[str, str]
) -> bytes:
    """GraphML: node data label, x, y and the attributes; edge data relation and weight."""
    graph = network_graph(nodes, edges, graph_attributes)
    out = io.BytesIO()
    nx.write_graphml_xml(graph, out, encoding="utf-8", prettyprint=False)
    return out.getvalue()


def gexf_bytes(
    nodes: list[NodeOut], edges: list[EdgeOut], graph_attributes: dict[str, str]
) -> bytes:
    """GEXF 1.2: as GraphML, plus the map position and colour as Gephi's viz data; the edge
    label is the relation."""
    graph = network_graph(nodes, edges, graph_attributes)
    for node in nodes:
        data = graph.nodes[node.key]
        r, g, b = node.colour
        data["viz"] = {
            "position": {"x": node.x * POSITION_SCALE, "y": node.y * POSITION_SCALE, "z": 0.0},
            "color": {"r": r, "g": g, "b": b, "a": 1.0},
        }
    for _, _, data in graph.edges(data=True):
        data["label"] = data["relation"]
    out = io.BytesIO()
    nx.write_gexf(graph, out, encoding="utf-8", prettyprint=False)
    return out.getvalue()
