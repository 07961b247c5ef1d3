"""Writes of the influence app: request and execute analysis runs, store their results in one
transaction; the comparison of a run with the previous wave's; reviews of flags; report exports
(streamed at once or built by a job)."""

from influence.services.comparison import (
    Comparison,
    FlagChange,
    Mover,
    analysis_comparison,
)
from influence.services.exports import (
    ExportExpired,
    ExportNotReady,
    ExportUnavailable,
    export_download,
    export_execute,
    export_fail,
    export_format_check,
    export_request,
    export_scope_team_ids,
    exports_expire_due,
)
from influence.services.reviews import flag_review_save
from influence.services.runs import (
    TRANSIENT_ERRORS,
    analysis_run_execute,
    analysis_run_fail,
    analysis_run_request,
    analysis_run_request_for_closed_wave,
    analysis_time_limits,
    error_text,
    time_limit_message,
)

__all__ = [
    "TRANSIENT_ERRORS",
    "Comparison",
    "ExportExpired",
    "ExportNotReady",
    "ExportUnavailable",
    "FlagChange",
    "Mover",
    "analysis_comparison",
    "analysis_run_execute",
    "analysis_run_fail",
    "analysis_run_request",
    "analysis_run_request_for_closed_wave",
    "analysis_time_limits",
    "error_text",
    "export_download",
    "export_execute",
    "export_fail",
    "export_format_check",
    "export_request",
    "export_scope_team_ids",
    "exports_expire_due",
    "flag_review_save",
    "time_limit_message",
]
