"""Freshdesk's ticket export CSV.

Quirks: ``First response time (in hrs)`` and ``Resolution time (in hrs)`` are
business-hours durations written ``HH:MM:SS``, not decimal hours; ``Initial response
time`` is the first reply's timestamp. ``Closed time`` stands in for a blank
``Resolved time``. The export has no reopen count.
"""

from .base import Source

SOURCE = Source(
    name="freshdesk",
    fields={
        "id": ("Ticket ID", "Ticket Id", "id"),
        "created": ("Created time", "Created at"),
        "updated": ("Last update time", "Last updated time", "Updated time"),
        "solved": ("Resolved time", "Resolved at"),
        "closed": ("Closed time", "Closed at"),
        "first_reply": ("Initial response time",),
        "status": ("Status",),
        "channel": ("Source",),
        "category": ("Type",),
        "agent": ("Agent",),
        "replies": ("Agent interactions",),
        "csat": ("Survey results", "Survey result"),
        "frt_business": ("First response time (in hrs)", "First response time"),
        "resolution_business": ("Resolution time (in hrs)", "Resolution time"),
    },
    units={"frt_business": "hms", "resolution_business": "hms"},
    markers=("Ticket ID", "Created time", "Resolved time", "Closed time", "Initial response time",
             "First response time (in hrs)", "Resolution time (in hrs)", "Agent interactions",
             "Customer interactions", "Resolution status", "First response status", "Survey results"),
    required=("Created time",),
)
