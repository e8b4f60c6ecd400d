"""Zendesk's ticket CSV export (and ticket_metrics JSON, flattened with dots).

Quirks: an unsolved ticket may carry ``Solved at`` = ``1900-01-01 00:00:00``; some
exports hold first reply times within business hours only (no calendar column and no
first-reply timestamp), which leaves calendar first-reply figures blank.
"""

from .base import Source

SOURCE = Source(
    name="zendesk",
    fields={
        # ticket_metrics JSON has its own "id" beside "ticket_id": the ticket's comes first
        "id": ("Ticket ID", "Id"),
        "created": ("Created at", "Created", "created_at"),
        "updated": ("Updated at", "Updated", "updated_at"),
        "solved": ("Solved at", "Solved", "solved_at"),
        "status": ("Status",),
        "channel": ("Via", "Channel", "via.channel"),
        "category": ("Ticket type", "Type"),
        "agent": ("Assignee", "Assignee name"),
        "replies": ("Replies", "replies"),
        "reopens": ("Reopens", "reopens"),
        "csat": ("Satisfaction Score", "Satisfaction rating", "satisfaction_rating.score"),
        "frt_calendar": ("First reply time in minutes", "reply_time_in_minutes.calendar"),
        "frt_business": ("First reply time in minutes within business hours",
                         "reply_time_in_minutes.business"),
        "resolution_calendar": ("Full resolution time in minutes",
                                "full_resolution_time_in_minutes.calendar"),
        "resolution_business": ("Full resolution time in minutes within business hours",
                                "full_resolution_time_in_minutes.business"),
    },
    units={"frt_calendar": "minutes", "frt_business": "minutes", "resolution_calendar": "minutes",
           "resolution_business": "minutes"},
    markers=("Id", "Solved at", "Via", "Ticket type", "Satisfaction Score", "Reopens", "Replies",
             "First reply time in minutes", "First reply time in minutes within business hours",
             "Full resolution time in minutes", "reply_time_in_minutes.calendar",
             "full_resolution_time_in_minutes.calendar", "Requester", "Group"),
    required=("Created at",),
    not_solved=("1900-01-01 00:00:00", "1900-01-01", "1900-01-01T00:00:00Z"),
)
