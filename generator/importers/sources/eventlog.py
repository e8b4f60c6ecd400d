"""An event log: one row per event of a ticket (process-mining exports such as
``Case ID, Activity, Resource, Complete Timestamp``).

The configuration names the activities that mark creation (default: the case's
first event), first reply (``first_reply_activities``) and solution
(``solved_activities``). A ticket is solved at its last solving event unless a
later event (other than another solving one) reopened it; each solving event
followed by other work is a reopen; replies are the first-reply activities'
events; the agent is the resource of the last solving event (else of the last
reply).
"""

from .base import Source

SOURCE = Source(
    name="eventlog",
    fields={
        "id": ("Case ID", "case_id", "CaseID", "Case", "case:concept:name"),
        "activity": ("Activity", "concept:name", "Event", "Activity name"),
        "timestamp": ("Complete Timestamp", "Timestamp", "time:timestamp", "Event time",
                      "Start Timestamp"),
        "agent": ("Resource", "org:resource", "User"),
        "channel": ("channel", "Channel"),
        "category": ("category", "Category"),
    },
    markers=("Case ID", "Activity", "Complete Timestamp", "Resource", "case:concept:name",
             "concept:name", "time:timestamp", "org:resource"),
    events=True,
)
