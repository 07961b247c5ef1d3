"""Writes of the influence app: request and execute analysis runs, store their results in one
transaction; the comparison of a run with the previous wave's; reviews of flags."""

from influence.services.comparison import (
    Comparison,
    FlagChange,
    Mover,
    analysis_comparison,
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
    "FlagChange",
    "Mover",
    "analysis_comparison",
    "analysis_run_execute",
    "analysis_run_fail",
    "analysis_run_request",
    "analysis_run_request_for_closed_wave",
    "analysis_time_limits",
    "error_text",
    "flag_review_save",
    "time_limit_message",
]
