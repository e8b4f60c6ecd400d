"""Any CSV, Excel sheet or JSON-lines file, through ``[import.columns]``: every
field is named there, so the mapping is empty and never recognised by ``auto``."""

from .base import Source

SOURCE = Source(name="generic", fields={}, markers=())
