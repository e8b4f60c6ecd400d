"""The template text keys of the catalog's inputs and KPIs."""

from __future__ import annotations


def input_label_key(input_id: str) -> str:
    return f"inp_{input_id}"


def input_help_key(input_id: str) -> str:
    return f"inp_{input_id}_help"


def kpi_label_key(kpi_id: str) -> str:
    return f"kpi_{kpi_id}"
