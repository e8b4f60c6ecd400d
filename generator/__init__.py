"""csmetrics: a customer-service metrics workbook, correct by construction."""

__version__ = "0.1.0"
