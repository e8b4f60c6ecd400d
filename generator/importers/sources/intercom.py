"""Intercom conversations (export and API statistics, flattened), and its report
exports ("Conversation started at", ...).

Quirks: ``time_to_admin_reply`` is in seconds with business hours subtracted (a
business-hours first reply); timestamps may be Unix seconds.
"""

from .base import Source

SOURCE = Source(
    name="intercom",
    fields={
        "id": ("id", "Conversation ID", "conversation_id"),
        "created": ("created_at", "Conversation started at", "Started at"),
        "updated": ("updated_at", "Conversation last updated at"),
        "first_reply": ("first_admin_reply_at", "statistics.first_admin_reply_at",
                        "Conversation first replied at", "First response at"),
        "solved": ("last_close_at", "statistics.last_close_at", "Conversation last closed at",
                   "Last closed at"),
        "closed": ("first_close_at", "statistics.first_close_at", "Conversation first closed at"),
        "status": ("state", "Conversation state", "Status"),
        "channel": ("source.type", "Channel", "source_type", "Conversation started via"),
        "category": ("Topic", "topics", "Conversation topic"),
        "agent": ("admin_assignee_name", "Assignee", "Teammate assigned", "admin_assignee_id"),
        "replies": ("count_admin_replies", "statistics.count_conversation_parts_admin",
                    "Teammate replies"),
        "reopens": ("count_reopens", "statistics.count_reopens", "Reopens"),
        "csat": ("conversation_rating.rating", "Conversation rating", "rating"),
        "frt_business": ("time_to_admin_reply", "statistics.time_to_admin_reply"),
        "resolution_business": ("time_to_last_close", "statistics.time_to_last_close"),
    },
    units={"frt_business": "seconds", "resolution_business": "seconds"},
    markers=("first_admin_reply_at", "first_close_at", "last_close_at", "time_to_admin_reply",
             "count_reopens", "statistics.first_admin_reply_at", "Conversation started at",
             "Conversation first replied at", "Conversation last closed at"),
)
