"""An application's deadline: due `sla_days` working days after it was last submitted, while the office holds it.

One place for the rule: the review queue (submit) shows it, and the deadlines job (issue) marks and reports it.
"""

import datetime as dt
from typing import Any

from functions.shared.applications import ApplicationRecord, Status
from functions.shared.clock import JAKARTA
from functions.shared.working_days import add_working_days, sla_days_of

# The clock runs while the office has the file; while it is RETURNED it waits on the applicant, and once decided
# it has stopped.
CLOCK_RUNNING = (Status.SUBMITTED, Status.IN_REVIEW, Status.SURVEY_SCHEDULED, Status.SURVEYED)


def last_submitted_on(record: ApplicationRecord) -> dt.date:
    """Return the Jakarta day the application was last submitted (a returned one restarts its clock)."""
    at = next((h.at for h in reversed(record.history) if h.status == Status.SUBMITTED), record.submitted_at)
    return dt.datetime.fromisoformat(at).astimezone(JAKARTA).date()


def deadline(record: ApplicationRecord, service: dict[str, Any] | None, today: dt.date) -> dict[str, Any]:
    """Return ``{sla_days, due_date, age_days, overdue}`` of one application on `today`."""
    received = last_submitted_on(record)
    sla_days = sla_days_of(service)
    due = add_working_days(received, sla_days)
    return {
        "sla_days": sla_days,
        "due_date": due.isoformat(),
        "age_days": (today - received).days,
        "overdue": record.status in CLOCK_RUNNING and today > due,
    }
