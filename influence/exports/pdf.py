"""The PDF report, written for people who will read it, not load it: what was surveyed and for
whom, a summary with the notes that qualify the numbers, the team table, charts, the map as a
vector drawing, and the strongest flags of each kind with their evidence and moves (the full
lists are in the XLSX and CSV exports).

reportlab platypus; DejaVu Sans when the system has it (names in any Latin, Greek or Cyrillic
script), else the Vera font reportlab ships. Every text from data is XML-escaped.
"""

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from influence.analysis.flags_evidence import percent
from influence.exports.colours import OTHER, colour_groups, group_palette
from influence.exports.data import ExportData, FlagRow
from influence.exports.pdf_drawings import (
    MAP_EDGE_CAP,
    distinct_ties,
    flags_chart,
    map_drawing,
    response_chart,
    rgb,
)
from influence.exports.summary import summary_facts, summary_notes
from influence.models import KIND_EXPLANATIONS, Flag, kind_label

FLAGS_PER_KIND = 10
TEAMS_IN_TABLE = 120
WIDTH = A4[0] - 4 * cm
FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    (str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"), "VeraBd.ttf"),
)
GRID = colors.Color(0.8, 0.8, 0.8)
HEAD = colors.Color(0.93, 0.94, 0.96)


@cache
def fonts() -> tuple[str, str]:
    """(regular, bold) names of the first TrueType pair found, registered once."""
    for regular, bold_name in FONT_CANDIDATES:
        path = Path(regular)
        bold = path.with_name(bold_name)
        if path.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("Report", str(path)))
            pdfmetrics.registerFont(TTFont("Report-Bold", str(bold)))
            return "Report", "Report-Bold"
    return "Helvetica", "Helvetica-Bold"


@cache
def styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12, alignment=TA_LEFT)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5),
        "muted": ParagraphStyle("muted", parent=body, fontSize=8, textColor=colors.grey),
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=18, leading=22),
        "h1": ParagraphStyle(
            "h1", parent=body, fontName=bold, fontSize=13, leading=16, spaceBefore=10, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName=bold, fontSize=10.5, leading=13, spaceBefore=8, spaceAfter=3
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
        "cellbold": ParagraphStyle("cellbold", parent=body, fontName=bold, fontSize=8, leading=10),
    }


def pdf_bytes(data: ExportData, *, compress: bool = True) -> bytes:
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=1.8 * cm,
        title=f"Influence map: {data.organization['name']}, wave {data.wave['number']}",
        author="Influence Map",
        pageCompression=1 if compress else 0,
    )
    story = [
        *_cover(data),
        *_summary(data),
        *_team_table(data),
        *_charts(data),
        *_map(data),
        *_flags(data),
    ]
    footer = _footer(data)
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def p(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped: names may contain < or &)."""
    return Paragraph(escape(text), styles()[style])


def _footer(data: ExportData):
    regular, _ = fonts()
    text = (
        f"{data.organization['name']} · wave {data.wave['number']} · {data.scope} · "
        "confidential: people data"
    )

    def draw(canvas, document):
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.setFillColor(colors.grey)
        canvas.drawString(2 * cm, 1.1 * cm, text[:120])
        canvas.drawRightString(A4[0] - 2 * cm, 1.1 * cm, f"page {document.page}")
        canvas.restoreState()

    return draw


def _cover(data: ExportData) -> list:
    finished = data.run_finished_at
    lines = [
        f"Survey: {data.wave['survey']}, wave {data.wave['number']}",
        f"Analysis run {data.run['id']}"
        + (f", finished {finished:%d %B %Y %H:%M}" if finished else ""),
        f"Scope: {data.scope}",
        "Pseudonymised: names and e-mails replaced" if data.pseudonymised else "Identified",
    ]
    return [
        p(f"Influence map: {data.organization['name']}", "title"),
        Spacer(1, 4),
        *(p(line, "muted") for line in lines),
        Spacer(1, 8),
    ]


def _summary(data: ExportData) -> list:
    skip = {"Organisation", "Survey", "Analysis run", "Scope", "Pseudonymised"}
    rows = [[p(k, "cellbold"), p(v, "cell")] for k, v in summary_facts(data) if k not in skip]
    table = Table(rows, colWidths=[6 * cm, WIDTH - 6 * cm], hAlign="LEFT")
    table.setStyle(_grid(header=False))
    notes = _bullets(summary_notes(data), "body")
    return [p("Summary", "h1"), table, Spacer(1, 6), p("Read first", "h2"), notes, *_changes(data)]


def _changes(data: ExportData) -> list:
    changes = data.changes
    if changes is None:
        return [p("Since the previous wave", "h2"), p("No previous wave to compare with.")]
    c = changes.comparison
    text = (
        f"Compared with wave {changes.previous_wave}: {len(c.new_flags)} new flag(s), "
        f"{len(c.resolved_flags)} resolved; {len(c.movers)} notable change(s) in how many "
        "people name someone. The Changes sheet of the XLSX export lists them."
    )
    return [p("Since the previous wave", "h2"), p(text)]


def _team_table(data: ExportData) -> list:
    teams = data.teams[:TEAMS_IN_TABLE]
    rows = [[p(h, "cellbold") for h in ("Team", "People", "Answered", "Rate", "Notes")]]
    for team in teams:
        notes = []
        if team["withheld"]:
            notes.append(f"Aggregates withheld: fewer than {data.threshold} answered.")
        if team["low_response"]:
            notes.append(f"Less reliable: below {percent(data.reliable_rate)} answered.")
        rows.append(
            [
                p(team["name"], "cellbold" if team["team_id"] is None else "cell"),
                p(str(team["size"]), "cell"),
                p(str(team["respondents"]), "cell"),
                p(percent(team["response_rate"]), "cell"),
                p(" ".join(notes), "cell"),
            ]
        )
    widths = [5.5 * cm, 1.6 * cm, 2 * cm, 1.6 * cm, WIDTH - 10.7 * cm]
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(_grid(header=True))
    story = [CondPageBreak(6 * cm), p("Teams", "h1"), table]
    if len(data.teams) > len(teams):
        story.append(p(f"{len(data.teams) - len(teams)} more teams in the XLSX export.", "muted"))
    return story


def _charts(data: ExportData) -> list:
    regular, _ = fonts()
    story = [CondPageBreak(8 * cm), p("Charts", "h1")]
    chart, caption = response_chart(data, width=WIDTH, font=regular)
    if chart is not None:
        story += [KeepTogether([p(caption, "h2"), chart])]
    counts = flags_chart(data, width=WIDTH, font=regular)
    story += [p("Flags per kind", "h2"), counts if counts is not None else p("No flags.")]
    return story


def _map(data: ExportData) -> list:
    story = [PageBreak(), p("The map", "h1")]
    if data.respondents < data.threshold:
        return [*story, p("The map is withheld: too few people answered this wave.")]
    regular, _ = fonts()
    groups = colour_groups(data)
    palette = group_palette(groups)
    drawing, drawn = map_drawing(data, groups=groups, palette=palette, size=WIDTH, font=regular)
    story.append(drawing)
    by_team = all(groups[p.id] == p.team for p in data.people)
    colours = "Colours show teams" if by_team else "Colours show teams with their sub-teams"
    total = distinct_ties(data)
    if data.edges_note:
        ties = "Ties are not drawn. " + data.edges_note
    elif drawn < total:
        ties = (
            f"Showing the {drawn:,} strongest of {total:,} ties (at most {MAP_EDGE_CAP:,}, "
            "so that the picture stays readable); all ties are in the edge list."
        )
    else:
        ties = f"{total:,} ties (who named whom, any relation), drawn as grey lines."
    story += [
        Spacer(1, 4),
        p(
            "Each dot is a person, placed by the analysis so that people who name each other "
            "sit close; a larger dot is named by more people. Flagged people are ringed in red; "
            f"people without ties in this scope line up along the bottom. {colours}. " + ties,
            "small",
        ),
        Spacer(1, 4),
        _legend(palette),
    ]
    return story


def _legend(palette: dict[str, tuple[int, int, int]]) -> Table | Spacer:
    """Group colours, three to a row."""
    entries = [(team, colour) for team, colour in palette.items() if colour != OTHER]
    if len(entries) < len(palette):
        entries.append(("Others", OTHER))
    if not entries:
        return Spacer(1, 1)
    cells = []
    for team, colour in entries:
        swatch = Drawing(8, 8)
        swatch.add(Rect(0, 0, 7, 7, fillColor=rgb(colour), strokeColor=None))
        cells += [swatch, p(team, "cell")]
    rows = [cells[i : i + 6] for i in range(0, len(cells), 6)]
    rows[-1] += [""] * (6 - len(rows[-1]))
    table = Table(rows, colWidths=[0.5 * cm, WIDTH / 3 - 0.5 * cm] * 3, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (0, -1), 3),
            ]
        )
    )
    return table


def _flags(data: ExportData) -> list:
    story = [PageBreak(), p("Flags", "h1")]
    if not data.flags:
        return [*story, p("No flags in this scope.")]
    story.append(
        p(
            f"The strongest {FLAGS_PER_KIND} of each kind, with the evidence behind each and "
            "moves to consider. A flag is a prompt for a conversation, not a verdict. The full "
            "list is in the XLSX and CSV exports.",
            "muted",
        )
    )
    by_kind: dict[str, list[FlagRow]] = {}
    for flag in data.flags:
        by_kind.setdefault(flag.kind, []).append(flag)
    known = list(Flag.Kind.values)
    for kind in sorted(by_kind, key=lambda k: (known.index(k) if k in known else len(known), k)):
        flags = by_kind[kind]
        story.append(CondPageBreak(4 * cm))
        story.append(p(f"{kind_label(kind)} ({len(flags)})", "h2"))
        if kind in KIND_EXPLANATIONS:
            story.append(p(KIND_EXPLANATIONS[kind], "muted"))
        strongest = sorted(flags, key=lambda f: -f.score)[:FLAGS_PER_KIND]
        story += [_flag_block(data, flag) for flag in strongest]
        if len(flags) > len(strongest):
            story.append(p(f"{len(flags) - len(strongest)} more in the XLSX and CSV.", "muted"))
    return story


def _flag_block(data: ExportData, flag: FlagRow) -> KeepTogether:
    person = data.people_by_id[flag.person_id]
    parts = [
        Spacer(1, 4),
        p(f"{person.label} — {person.team} · score {flag.score:.2f}", "cellbold"),
        p("Evidence", "small"),
        _bullets(flag.evidence, "cell"),
        p("Moves", "small"),
        _bullets(flag.moves, "cell"),
    ]
    if flag.warning:
        parts.append(p(f"Caution: {flag.warning}", "small"))
    return KeepTogether(parts)


def _bullets(lines: list[str], style: str) -> ListFlowable:
    items = [ListItem(p(line, style), leftIndent=10) for line in lines]
    return ListFlowable(items, bulletType="bullet", start="•", leftIndent=10, bulletFontSize=7)


def _grid(*, header: bool) -> TableStyle:
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.25, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEAD))
    return TableStyle(commands)
