"""applications(): a mailbox's job mail grouped into one row per application."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from _jobsearch import JOBSEARCH, load_script, table_with_true_kinds
from rebound_nlp.errors import TableError
from rebound_nlp.report import APPLICATION_COLUMNS, OUTCOMES, STAGES, applications

START = pd.Timestamp("2025-01-06 09:00", tz="UTC")


def _msg(day: float, kind: str, company: str = "Orrin Systems", role: str = "",
         subject: str = "", sender: str = "Hiring <jobs@orrin-systems.com>",
         **rejection: Any) -> dict[str, Any]:
    row = {
        "date": START + pd.Timedelta(days=day), "subject": subject or f"{kind} {role}".strip(),
        "sender": sender,
        "kind": kind, "company": company, "role": role, "message_id": f"<{day}-{kind}>",
        "tone": None, "stage": None, "feedback": [], "feedback_text": "", "reasons": [],
        "future_invite": False, "feedback_offer": False, "strategy": None,
        "strategy_title": "", "strategies": [],
    }
    if kind == "rejection":
        row.update(tone="neutral", stage="application", strategy=4,
                   strategy_title="Accept reality", strategies=[4, 1, 7, 3, 5, 2, 6, 8, 9])
    row.update(rejection)
    return row


def _apps(*rows: dict[str, Any], **kwargs: Any) -> pd.DataFrame:
    return applications(pd.DataFrame(list(rows)), **kwargs)


OUTCOME_CASES = {
    "acknowledged-recently-is-open": (
        [(0, "acknowledgement"), (30, "other_job", "Elsewhere")], "applied", "open"),
    "acknowledged-long-ago-is-no-answer": (
        [(0, "acknowledgement"), (45, "other_job", "Elsewhere")], "applied", "no_answer"),
    "rejected-at-application": ([(0, "acknowledgement"), (9, "rejection")], "applied",
                                "rejected_at_application"),
    "rejection-alone": ([(3, "rejection")], "applied", "rejected_at_application"),
    "rejected-after-assessment": (
        [(0, "acknowledgement"), (5, "assessment"), (20, "rejection")], "assessment",
        "rejected_after_assessment"),
    "rejected-after-interview": (
        [(0, "acknowledgement"), (5, "assessment"), (12, "interview"), (20, "rejection")],
        "interview", "rejected_after_interview"),
    "interview-stage-read-from-the-rejection": (
        [(0, "acknowledgement"), (20, "rejection", "Orrin Systems", {"stage": "interview"})],
        "interview", "rejected_after_interview"),
    "offer": ([(0, "acknowledgement"), (7, "interview"), (21, "offer")], "offer", "offer"),
    "offer-withdrawn": ([(0, "interview"), (7, "offer"), (21, "rejection")], "offer",
                        "rejected_after_interview"),
}


@pytest.mark.parametrize(("messages", "furthest", "outcome"), OUTCOME_CASES.values(),
                         ids=list(OUTCOME_CASES))
def test_outcomes(messages: list[tuple[Any, ...]], furthest: str, outcome: str) -> None:
    rows = []
    for day, kind, *rest in messages:
        company = rest[0] if rest else "Orrin Systems"
        extra = rest[1] if len(rest) > 1 else {}
        rows.append(_msg(day, kind, company, "Backend Engineer", **extra))
    apps = _apps(*rows)
    assert list(apps.columns) == list(APPLICATION_COLUMNS)
    assert len(apps) == 1
    assert apps.loc[0, "furthest_stage"] == furthest
    assert apps.loc[0, "outcome"] == outcome
    assert furthest in STAGES and outcome in OUTCOMES


def test_no_answer_days_is_configurable() -> None:
    rows = [_msg(0, "acknowledgement", role="Backend Engineer"),
            _msg(45, "not_job", company="")]
    assert _apps(*rows).loc[0, "outcome"] == "no_answer"
    assert _apps(*rows, no_answer_days=60).loc[0, "outcome"] == "open"
    as_of = START + pd.Timedelta(days=10)
    assert _apps(*rows, as_of=as_of).loc[0, "outcome"] == "open"
    with pytest.raises(ValueError, match="no_answer_days"):
        _apps(*rows, no_answer_days=-1)


def test_two_roles_at_one_employer_stay_apart_and_threads_join() -> None:
    apps = _apps(
        _msg(0, "acknowledgement", role="Backend Engineer"),
        _msg(2, "acknowledgement", role="Data Platform Engineer"),
        _msg(9, "interview", role="Backend Engineer", subject="Interview invitation"),
        # A reply that names no role joins its thread, not the other open application.
        _msg(10, "interview", subject="Re: Interview invitation"),
        _msg(15, "rejection", role="data platform engineer"),
        _msg(30, "rejection", role="Backend Engineer", stage="interview"),
    )
    assert apps[["role", "outcome", "messages"]].values.tolist() == [
        ["Backend Engineer", "rejected_after_interview", 4],
        ["Data Platform Engineer", "rejected_at_application", 2],
    ]
    assert apps.loc[0, "events"] == ["acknowledgement", "interview", "interview", "rejection"]
    assert len(apps.loc[0, "event_dates"]) == 4


def test_a_message_without_role_joins_the_undecided_application() -> None:
    apps = _apps(
        _msg(0, "acknowledgement", role="Backend Engineer"),
        _msg(1, "acknowledgement", role="Data Platform Engineer"),
        _msg(5, "rejection", role="Backend Engineer"),
        _msg(8, "interview", subject="Next steps"),
    )
    assert apps.set_index("role")["events"].to_dict() == {
        "Backend Engineer": ["acknowledgement", "rejection"],
        "Data Platform Engineer": ["acknowledgement", "interview"],
    }


def test_spellings_of_one_employer_merge_and_the_text_spelling_wins() -> None:
    apps = _apps(
        _msg(0, "acknowledgement", "Lumen & Hart", "Product Analyst"),
        _msg(5, "interview", "Lumenandhart", "Product Analyst"),
        _msg(9, "assessment", "Lumenandhart", ""),
        _msg(20, "offer", "Lumen and Hart Ltd", "product analyst"),
        _msg(21, "other_job", "Lumen & Hart", "Product Analyst"),
    )
    assert len(apps) == 1
    assert apps.loc[0, "employer"] == "Lumen & Hart"
    assert apps.loc[0, "role"] == "Product Analyst"


def test_own_reply_in_the_employers_thread_is_no_event() -> None:
    me = "Robin <robin@gmail.com>"
    apps = _apps(
        _msg(0, "interview", role="Product Analyst", subject="Offer - Product Analyst"),
        _msg(7, "offer", role="Product Analyst", subject="Offer - Product Analyst"),
        # "I'm happy to accept", read as a rejection by a model: the candidate's own reply.
        _msg(8, "rejection", role="Product Analyst", subject="Re: Offer - Product Analyst",
             sender=me),
    )
    assert apps.loc[0, ["outcome", "messages"]].tolist() == ["offer", 3]
    assert apps.loc[0, "events"] == ["interview", "offer"]
    # An employer that writes from a personal address is still heard.
    small = _apps(
        _msg(0, "interview", "Tiny Bakery", "Baker", subject="Trial shift", sender=me),
        _msg(5, "rejection", "Tiny Bakery", "Baker", subject="Re: Trial shift", sender=me),
    )
    assert small.loc[0, "outcome"] == "rejected_after_interview"


def test_other_job_mail_joins_but_never_starts_an_application() -> None:
    apps = _apps(
        _msg(0, "other_job", "JobNest Alerts", "data analyst"),
        _msg(1, "not_job", "Parcelwise"),
        _msg(2, "acknowledgement", "Velora Travel", "Pricing Analyst"),
        _msg(3, "other_job", "Velora Travel", "Pricing Analyst", subject="Re: thanks"),
    )
    assert apps["employer"].tolist() == ["Velora Travel"]
    assert apps.loc[0, "messages"] == 2
    assert apps.loc[0, "events"] == ["acknowledgement"]


def test_days_and_rejection_details() -> None:
    apps = _apps(
        _msg(0, "acknowledgement", role="Backend Engineer"),
        _msg(8, "interview", role="Backend Engineer"),
        _msg(32, "rejection", role="Backend Engineer", tone="warm", stage="interview",
             feedback=["interview"], feedback_text="Your answers ran long.",
             reasons=["competition"], feedback_offer=True, strategy=3,
             strategy_title="Ask yourself questions", strategies=[3, 6, 5]),
        _msg(1, "rejection", "Kestrel Freight", "Operations Analyst"),
    )
    first = apps.iloc[0]
    assert first["days_to_first_answer"] == 8
    assert first["days_to_outcome"] == 32
    assert (first["tone"], first["feedback"], first["feedback_text"]) == (
        "warm", ["interview"], "Your answers ran long.")
    assert (first["strategy"], first["strategies"], first["feedback_offer"]) == (3, [3, 6, 5],
                                                                                 True)
    only_rejection = apps.iloc[1]
    assert pd.isna(only_rejection["days_to_first_answer"])  # no acknowledgement to count from
    assert pd.isna(only_rejection["days_to_outcome"])
    assert apps["strategy"].dtype == "Int64"
    assert str(apps["first_date"].dt.tz) == "UTC"


def test_undated_messages_and_empty_tables() -> None:
    row = _msg(0, "rejection", role="Backend Engineer")
    row["date"] = pd.NaT
    apps = _apps(row)
    assert apps.loc[0, "outcome"] == "rejected_at_application"
    empty = applications(pd.DataFrame([_msg(0, "not_job")]))
    assert empty.empty and list(empty.columns) == list(APPLICATION_COLUMNS)


def test_a_table_without_kind_is_a_clear_error() -> None:
    table = pd.DataFrame([_msg(0, "acknowledgement")]).drop(columns=["kind", "role"])
    with pytest.raises(TableError, match="kind, role"):
        applications(table)


# Truth for the sample mailbox: (employer, role) -> (furthest stage, outcome, messages).
SAMPLE_TRUTH = {
    ("Orrin Systems", "Backend Engineer"): ("interview", "rejected_after_interview", 5),
    ("Orrin Systems", "Data Platform Engineer"): ("applied", "rejected_at_application", 2),
    ("Lumen & Hart", "Product Analyst"): ("offer", "offer", 7),
    ("Kestrel Freight", "Operations Analyst"): ("applied", "rejected_at_application", 2),
    ("Marrowgate Health", "Clinical Data Analyst"): ("assessment", "rejected_after_assessment",
                                                     3),
    ("Pinecrest Bank", "Risk Analyst"): ("applied", "no_answer", 1),
    ("Quill & Ember Studios", "Junior Data Scientist"): ("applied", "rejected_at_application",
                                                         2),
    ("Northwind Robotics", "Machine Learning Engineer"): ("interview",
                                                          "rejected_after_interview", 4),
    ("Tessellate", "Analytics Engineer"): ("interview", "open", 2),  # an intro call first
    ("Harbourline Logistics", "Supply Chain Analyst"): ("applied", "rejected_at_application",
                                                        2),
    ("Copperfield Insurance", "BI Developer"): ("interview", "rejected_after_interview", 3),
    ("Fenwick Labs", "Research Analyst"): ("applied", "rejected_at_application", 2),
    ("Saltmarsh Media", "Content Data Analyst"): ("applied", "rejected_at_application", 2),
    ("Brackenridge Council", "Policy Analyst"): ("applied", "rejected_at_application", 1),
    ("Velora Travel", "Pricing Analyst"): ("applied", "open", 1),
}


def test_sample_mailbox_end_to_end() -> None:
    """The sample analysed for real: the model's kinds, our employers, roles and grouping."""
    from rebound_nlp import analyse_mailbox

    table = analyse_mailbox(JOBSEARCH)
    truth = [s.kind for s in load_script().ordered()]
    assert (table["kind"] == truth).mean() >= 0.8
    apps = applications(table, as_of=load_script().EXPORTED)
    found = {(a.employer, a.role): (a.furthest_stage, a.outcome) for a in apps.itertuples()}
    assert set(found) == set(SAMPLE_TRUTH)  # every application, none split or merged
    same = [key for key, (stage, outcome, _) in SAMPLE_TRUTH.items()
            if found[key][1] == outcome]
    assert len(same) >= 13, sorted(set(SAMPLE_TRUTH) - set(same))
    assert found[("Lumen & Hart", "Product Analyst")][1] == "offer"


@pytest.fixture(scope="module")
def sample_apps() -> pd.DataFrame:
    return applications(table_with_true_kinds(), as_of=load_script().EXPORTED)


def test_sample_mailbox_applications(sample_apps: pd.DataFrame) -> None:
    found = {(a.employer, a.role): (a.furthest_stage, a.outcome, a.messages)
             for a in sample_apps.itertuples()}
    assert found == SAMPLE_TRUTH
    assert sample_apps["first_date"].is_monotonic_increasing
    rejected = sample_apps[sample_apps["outcome"].str.startswith("rejected")]
    assert rejected["strategy"].notna().all()
    assert rejected["tone"].notna().all()
    assert sample_apps.loc[sample_apps["outcome"] != "offer", "days_to_first_answer"].gt(0).any()
