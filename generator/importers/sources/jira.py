"""Jira Service Management issues (CSV export of all fields).

Quirks: dates like ``05/Mar/24 2:15 PM``; the SLA fields are clocks of the time
left, ``hh:mm``, negative when breached: they say whether Jira's own goal was met,
not how long the first reply took, so they are reported in the summary and never
used as durations.
"""

from .base import Source

SOURCE = Source(
    name="jira",
    fields={
        "id": ("Issue key", "Issue id"),
        "created": ("Created",),
        "updated": ("Updated",),
        "solved": ("Resolved",),
        "status": ("Status",),
        "channel": ("Custom field (Source)", "Custom field (Channel)"),
        "category": ("Custom field (Request Type)", "Custom field (Customer Request Type)",
                     "Issue Type"),
        "agent": ("Assignee",),
        "csat": ("Satisfaction rating", "Custom field (Satisfaction)", "Custom field (Satisfaction rating)"),
        "frt_sla_clock": ("Custom field (Time to first response)",),
        "resolution_sla_clock": ("Custom field (Time to resolution)",),
    },
    markers=("Issue key", "Issue id", "Issue Type", "Custom field (Request Type)",
             "Custom field (Time to first response)", "Custom field (Time to resolution)",
             "Resolved", "Reporter", "Summary", "Project key"),
    required=("Issue key", "Created"),
    notes=("Jira's SLA clocks are the time left to its own goals: they are reported here, not "
           "used as durations",),
)
