"""The JSON export: report_build's shape (`GET /api/waves/<id>/report/`), from the gathered
data so that a pseudonymised export has the same shape with pseudonyms."""

import json

from influence.exports.data import ExportData


def report_dict(data: ExportData) -> dict:
    people = [
        {
            "email": p.email,
            "name": p.name,
            "team": p.team,
            "title": p.title,
            "responded": p.responded,
            "community": p.community,
            "metrics": p.metrics,
        }
        for p in data.people
    ]
    flags = [
        {
            "email": data.people_by_id[f.person_id].email,
            "kind": f.kind,
            "score": f.score,
            "evidence": f.evidence,
            "moves": f.moves,
            "warning": f.warning,
        }
        for f in data.flags
    ]
    return {
        "organization": data.organization,
        "wave": data.wave,
        "run": data.run,
        "people": people,
        "flags": flags,
        "teams": data.teams,
    }


def json_file(data: ExportData) -> bytes:
    return (json.dumps(report_dict(data), indent=2, ensure_ascii=False) + "\n").encode()
