"""The xlsx workbook: its contract (names, properties, layout version), layouts,
styles, the writer with one module per sheet, and the reader of filled workbooks."""
