"""Rendering through headless LibreOffice: previews (and, later, reports)."""
