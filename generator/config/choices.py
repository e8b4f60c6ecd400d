"""What a configuration may say, as plain constants: languages, currencies,
ranges, sheet keys and text lengths.

The command line builds its options from these, so this module imports nothing:
``csmetrics --help`` stays instant and every layer checks the same limits.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh-CN", "ru", "af")  # one folder each under templates/
CURRENCY_CODES = ("USD", "EUR", "GBP", "CNY", "RUB", "ZAR")
SHEET_KEYS = ("start", "tracker", "volume", "agents", "formulas")  # [sheets], in workbook order
PRESETS = ("support", "success", "full")  # which metrics (model.selection says which)
SETTINGS_SHEET = "csmetrics_settings"  # hidden, the same in every language (xlsx.contract)

YEAR_RANGE = (1900, 9990)  # the first tracked year (its last month must be in 9999 at most)
YEARS_RANGE = (1, 10)  # fiscal years per workbook
MONTH_RANGE = (1, 12)

MAX_COMPANY, MAX_TITLE = 100, 60  # characters
MAX_NAME = 60  # a category or channel name
MAX_NAMES = 50  # categories, and channels, per workbook (each one a chart series)
MAX_AGENTS = 200  # rows of the Agents sheet
MAX_SHEET = 31  # Excel's limit on a sheet name, in UTF-16 code units (an emoji is 2)
