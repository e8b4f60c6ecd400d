"""HubSpot tickets (export with internal property names, or their labels).

Quirks: durations are milliseconds; ``hs_time_to_first_response_in_operating_hours``
is the business-hours first reply; timestamps may be Unix milliseconds.
"""

from .base import Source

SOURCE = Source(
    name="hubspot",
    fields={
        "id": ("hs_object_id", "Ticket ID", "id"),
        "created": ("createdate", "Create date"),
        "updated": ("hs_lastmodifieddate", "Last modified date"),
        "solved": ("closed_date", "Close date"),
        "first_reply": ("first_agent_reply_date", "First agent reply date"),
        "status": ("hs_pipeline_stage", "Ticket status"),
        "channel": ("source_type", "Source"),
        "category": ("hs_ticket_category", "Category"),
        "agent": ("hubspot_owner_id", "Ticket owner"),
        "csat": ("hs_feedback_last_ces_rating", "hs_feedback_last_csat_rating", "CSAT rating"),
        "frt_calendar": ("time_to_first_agent_reply", "Time to first agent reply"),
        "frt_business": ("hs_time_to_first_response_in_operating_hours",
                         "Time to first response (operating hours)"),
        "resolution_calendar": ("time_to_close", "Time to close"),
        "resolution_business": ("hs_time_to_close_in_operating_hours",
                                "Time to close (operating hours)"),
    },
    units={"frt_calendar": "milliseconds", "frt_business": "milliseconds",
           "resolution_calendar": "milliseconds", "resolution_business": "milliseconds"},
    markers=("createdate", "closed_date", "first_agent_reply_date", "time_to_first_agent_reply",
             "time_to_close", "hs_time_to_first_response_in_operating_hours", "hs_ticket_category",
             "source_type", "hubspot_owner_id", "hs_pipeline_stage"),
    required=("createdate",),
)
