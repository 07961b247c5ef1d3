"""Write the latest successful analysis of a wave as a report file:
`manage.py export_report --wave 12 --format xlsx --out report.xlsx [--team Sales] [--pseudonymise]`.
"""

import difflib
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from influence.exports import FORMATS, TEXT_FORMATS, export_people_count, export_render
from influence.selectors import analysis_run_current
from surveys.models import Wave
from teams.audit import audit_record
from teams.models import AuditEvent, Team
from teams.selectors import team_descendant_ids

TEAMS_LISTED = 15


class Command(BaseCommand):
    help = (
        "Export the current (latest successful) analysis run of a wave. Formats: "
        + "; ".join(f"{key}: {label}" for key, label in FORMATS.items())
        + ". Groups with fewer respondents than ANONYMITY_THRESHOLD have their aggregates "
        "withheld. The file is written whole or not at all, readable by you only; the export is "
        "recorded in the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wave", type=int, required=True, help="id of the wave")
        parser.add_argument("--format", default="json", help=" | ".join(FORMATS))
        parser.add_argument(
            "--out",
            default="-",
            help="file to write; - for standard output (json, graphml, gexf and edges only)",
        )
        parser.add_argument(
            "--team", help="name of a team: only that team and its sub-teams (as its lead sees)"
        )
        parser.add_argument(
            "--pseudonymise",
            action="store_true",
            help="replace names and e-mails by pseudonyms made for this export only",
        )

    def handle(self, *args, **options):
        fmt, out = options["format"].lower(), options["out"]
        if fmt not in FORMATS:
            raise CommandError(
                f"Unknown format '{options['format']}'. Available: {', '.join(FORMATS)}."
            )
        if out == "-" and fmt not in TEXT_FORMATS:
            raise CommandError(
                f"{FORMATS[fmt]} is a binary file and cannot go to standard output: "
                "give a file with --out PATH."
            )
        wave = Wave.objects.select_related("survey__organization").filter(pk=options["wave"])
        wave = wave.first()
        if wave is None:
            raise CommandError(f"There is no wave {options['wave']}.")
        run = analysis_run_current(wave)
        if run is None:
            raise CommandError(
                f"Wave {wave.pk} has no successful analysis yet; run "
                f"`manage.py analyse --wave {wave.pk}` first."
            )
        team = _team(wave, options["team"]) if options["team"] else None
        team_ids = None
        if team is not None:
            team_ids = team_descendant_ids(organization_id=team.organization_id, root_ids={team.pk})
        pseudonymise = options["pseudonymise"]
        file = export_render(run=run, team_ids=team_ids, fmt=fmt, pseudonymise=pseudonymise)
        self._write(file.content, out)
        people = export_people_count(run=run, team_ids=team_ids)
        audit_record(
            action=AuditEvent.Action.EXPORT,
            actor=None,
            organization=wave.survey.organization,
            target=f"wave {wave.pk} report ({fmt})",
            detail={
                "format": fmt,
                "team": team.name if team else None,
                "pseudonymised": pseudonymise,
                "people": people,
            },
        )
        scope = f"team {team.name} and its sub-teams" if team else "the whole organisation"
        summary = (
            f"Wrote run {run.pk} of wave {wave.pk} ({FORMATS[fmt]}, {people} people, {scope}"
            f"{', pseudonymised' if pseudonymise else ''}, {len(file.content):,} bytes) "
            f"to {'standard output' if out == '-' else out}"
        )
        # On standard output the file is the output: the summary goes to standard error.
        (self.stderr if out == "-" else self.stdout).write(summary)

    def _write(self, content: bytes, out: str) -> None:
        if out == "-":
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        try:
            _write_atomically(Path(out), content)
        except OSError as exc:
            raise CommandError(f"Could not write {out}: {exc.strerror or exc}.") from None


def _write_atomically(path: Path, content: bytes) -> None:
    """A temporary file beside the target, renamed over it once complete: a failed export
    leaves no half-written file."""
    directory = path.resolve().parent
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _team(wave: Wave, name: str) -> Team:
    """The wave's organisation's team of that name (any case), or a clear refusal."""
    teams = Team.objects.filter(organization_id=wave.survey.organization_id)
    found = teams.filter(name__iexact=name.strip()).first()
    if found is not None:
        return found
    names = sorted(teams.values_list("name", flat=True))
    organization = wave.survey.organization.name
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    if close:
        hint = "Did you mean " + " or ".join(f"'{n}'" for n in close) + "?"
    elif names:
        listed = ", ".join(names[:TEAMS_LISTED])
        more = f" and {len(names) - TEAMS_LISTED} more" if len(names) > TEAMS_LISTED else ""
        hint = f"Teams of {organization}: {listed}{more}."
    else:
        hint = f"{organization} has no teams yet."
    raise CommandError(f"There is no team '{name}' in {organization}. {hint}")
