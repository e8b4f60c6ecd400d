"""ServiceNow incidents (list export).

Quirks: ``?`` means empty; an export of the incident's history holds several rows
per incident, and the last row of each is the incident. No reply counts.
"""

from .base import Source

SOURCE = Source(
    name="servicenow",
    fields={
        "id": ("number", "Number"),
        "created": ("opened_at", "Opened"),
        "updated": ("sys_updated_on", "Updated"),
        "solved": ("resolved_at", "Resolved"),
        "closed": ("closed_at", "Closed"),
        "status": ("incident_state", "state", "State"),
        "channel": ("contact_type", "Channel"),
        "category": ("category", "Category"),
        "agent": ("assigned_to", "Assigned to"),
        "reopens": ("reopen_count", "Reopen count"),
    },
    markers=("number", "opened_at", "resolved_at", "closed_at", "contact_type", "assigned_to",
             "reopen_count", "made_sla", "incident_state", "sys_updated_on"),
    required=("number", "opened_at"),
    null_values=("?",),
    keep_last_row=True,
)
