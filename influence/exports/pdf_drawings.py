"""Vector drawings of the PDF report: the influence map from the run's stored positions, and
two bar charts (response rate per team, flags per kind). reportlab.graphics, no images.

The map: people coloured by team (the largest teams; the rest grey), flagged people ringed,
ties as thin grey lines drawn as one path (fast for 5,000 people), at most MAP_EDGE_CAP of them —
the heaviest — with a note when more exist; people without ties line up along the bottom.
"""

from math import ceil, sqrt

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Circle, Drawing, Path, String
from reportlab.lib import colors

from influence.exports.data import ExportData
from influence.exports.summary import flag_counts

MAP_EDGE_CAP = 3000
LABEL_PEOPLE_UP_TO = 300  # flagged people get a name on maps this small
RING = colors.Color(0.6, 0.05, 0.1)
TIE = colors.Color(0.45, 0.45, 0.45)
BAR = colors.Color(78 / 255, 121 / 255, 167 / 255)
CHART_TEAMS = 25


def rgb(colour: tuple[int, int, int]) -> colors.Color:
    return colors.Color(*(c / 255 for c in colour))


def map_drawing(
    data: ExportData, *, groups: dict[int, str], palette: dict, size: float, font: str
) -> tuple[Drawing, int]:
    """The map as a square drawing of `size` points, and how many ties it draws; `groups`
    and `palette` give each person's colour (influence.exports.colours)."""
    drawing = Drawing(size, size)
    if not data.people:
        return drawing, 0
    place = _placer(data, size)
    ties = _ties(data)
    path = Path(strokeColor=TIE, strokeWidth=0.25, strokeOpacity=0.45, fillColor=None)
    for source, target in ties:
        path.moveTo(*place[source])
        path.lineTo(*place[target])
    drawing.add(path)
    totals = {p.id: sum(m.get("in_degree") or 0 for m in p.metrics.values()) for p in data.people}
    top = max(totals.values()) or 1
    flagged = {flag.person_id for flag in data.flags}
    small = len(data.people) <= LABEL_PEOPLE_UP_TO
    # People in the strip of the untied sit 6 points apart: labels there would overprint.
    tied = {e.source for e in data.edges} | {e.target for e in data.edges}
    scale = 1.0 if len(data.people) <= 1000 else 0.6
    for person in data.people:
        x, y = place[person.id]
        radius = scale * (1.4 + 3.2 * sqrt(totals[person.id] / top))
        drawing.add(
            Circle(x, y, radius, fillColor=rgb(palette[groups[person.id]]), strokeColor=None)
        )
        if person.id in flagged:
            drawing.add(
                Circle(x, y, radius + 1.6, fillColor=None, strokeColor=RING, strokeWidth=0.8)
            )
            if small and person.id in tied:
                drawing.add(
                    String(x + radius + 2.5, y - 2, person.label, fontName=font, fontSize=5)
                )
    return drawing, len(ties)


def _placer(data: ExportData, size: float) -> dict[int, tuple[float, float]]:
    """Positions scaled to the drawing, aspect kept. People without any tie would stretch the
    picture (the layout pushes them out): they line up along the bottom instead."""
    margin, step = 12.0, 6.0
    tied = {e.source for e in data.edges} | {e.target for e in data.edges}
    untied = [p for p in data.people if p.id not in tied]
    per_row = int((size - 2 * margin) / step)
    rows = -(-len(untied) // per_row)
    strip = rows * step + 8 if tied and untied and rows * step <= size / 4 else 0.0
    shown = [p for p in data.people if p.id in tied] if strip else data.people
    xs, ys = [p.x for p in shown], [p.y for p in shown]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    factor = (size - 2 * margin - strip) / span
    place = {
        p.id: (margin + (p.x - min(xs)) * factor, margin + strip + (p.y - min(ys)) * factor)
        for p in shown
    }
    if strip:
        for i, person in enumerate(untied):
            row, column = divmod(i, per_row)
            place[person.id] = (margin + column * step, margin + (rows - 1 - row) * step)
    return place


def _ties(data: ExportData) -> list[tuple[int, int]]:
    """Distinct pairs over all relations, the pairs in most relations (then heaviest) first."""
    weights: dict[tuple[int, int], list] = {}
    for edge in data.edges:
        pair = (min(edge.source, edge.target), max(edge.source, edge.target))
        entry = weights.setdefault(pair, [0, 0])
        entry[0] += 1
        entry[1] += edge.weight
    ordered = sorted(weights, key=lambda pair: (-weights[pair][0], -weights[pair][1], pair))
    return ordered[:MAP_EDGE_CAP]


def distinct_ties(data: ExportData) -> int:
    return len({(min(e.source, e.target), max(e.source, e.target)) for e in data.edges})


def response_chart(data: ExportData, *, width: float, font: str) -> tuple[Drawing | None, str]:
    """Response rate per team, lowest first (at most CHART_TEAMS), and a caption."""
    teams = sorted(
        (t for t in data.teams if t["team_id"] is not None),
        key=lambda t: (t["response_rate"], t["name"]),
    )
    if not teams:
        return None, ""
    shown = teams[:CHART_TEAMS]
    caption = "Response rate per team"
    if len(teams) > len(shown):
        caption += f": the {len(shown)} lowest of {len(teams)} teams"
    values = [round(100 * t["response_rate"], 1) for t in shown]
    names = [_short(t["name"]) for t in shown]
    return _bars(values, names, width=width, font=font, top=100, suffix=" %"), caption


def flags_chart(data: ExportData, *, width: float, font: str) -> Drawing | None:
    counts = flag_counts(data)
    if not counts:
        return None
    values = [count for _, count in counts]
    return _bars(values, [label for label, _ in counts], width=width, font=font, top=max(values))


def _bars(values, names, *, width: float, font: str, top: float, suffix: str = "") -> Drawing:
    # Horizontal bars read top-down in the given order: reportlab draws the first at the bottom.
    values, names = values[::-1], names[::-1]
    row = 14
    height = row * len(values) + 30
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 20
    chart.width, chart.height = width - 190, row * len(values)
    chart.data = [values]
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(top, 1)
    chart.valueAxis.valueStep = max(1, ceil(top / 5))
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.barLabelFormat = "%g" + suffix.replace("%", "%%")
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 6
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def _short(name: str, limit: int = 30) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
