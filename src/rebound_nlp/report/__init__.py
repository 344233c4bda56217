"""The job-search report: applications from an analysed mailbox, and an HTML page of them.

Examples
--------
>>> from rebound_nlp.report import applications
>>> from rebound_nlp import analyse_mailbox
>>> table = analyse_mailbox("data/samples/jobsearch.mbox")  # doctest: +SKIP
>>> applications(table)[["employer", "role", "outcome"]]  # doctest: +SKIP
"""

from rebound_nlp.report._applications import (
    APPLICATION_COLUMNS,
    EVENT_KINDS,
    OUTCOMES,
    STAGES,
    applications,
)

__all__ = [
    "APPLICATION_COLUMNS",
    "EVENT_KINDS",
    "OUTCOMES",
    "STAGES",
    "applications",
]
