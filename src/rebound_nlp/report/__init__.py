"""The job-search report: applications from an analysed mailbox, and an HTML page of them.

Examples
--------
>>> from rebound_nlp.report import applications, report
>>> from rebound_nlp import analyse_mailbox
>>> table = analyse_mailbox("data/samples/jobsearch.mbox")  # doctest: +SKIP
>>> applications(table)[["employer", "role", "outcome"]]  # doctest: +SKIP
>>> report(table, "report.html")  # doctest: +SKIP
"""

from rebound_nlp.report._applications import (
    APPLICATION_COLUMNS,
    EVENT_KINDS,
    OUTCOMES,
    STAGES,
    applications,
)
from rebound_nlp.report._html import report, report_mailbox

__all__ = [
    "APPLICATION_COLUMNS",
    "EVENT_KINDS",
    "OUTCOMES",
    "STAGES",
    "applications",
    "report",
    "report_mailbox",
]
