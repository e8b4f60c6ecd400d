"""Write the texts an older csmetrics writes into its workbooks, for regeneration
to tell them from text a team typed (``generator/xlsx/legacy.py``).

Run it with the *older* csmetrics installed, e.g. for layout 1 (csmetrics 0.1.0):

    git worktree add /tmp/csmetrics-0.1.0 <commit of 0.1.0>
    cd /tmp/csmetrics-0.1.0 && python3 -m venv .venv && .venv/bin/pip install -e .
    .venv/bin/python /path/to/scripts/legacy_texts.py 1 /path/to/generator/xlsx/legacy

Texts that depend on the configuration are written with markers for the company,
the title and the currency symbol, which the reader fills in with the workbook's
own; digits (years, survey scales) are normalised to "#".
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from csmetrics import __version__
from csmetrics.config import settings
from csmetrics.config.choices import LANGUAGES
from csmetrics.config.resolve import resolve
from csmetrics.model.scales import Scales
from csmetrics.xlsx.writer import written_texts

COMPANY, TITLE, CURRENCY = "\u2063company\u2063", "\u2063title\u2063", "\u2063currency\u2063"
PLACEHOLDERS = {COMPANY: "{company}", TITLE: "{title}", CURRENCY: "{currency}"}


def normalised(text: str) -> str:
    for marker, placeholder in PLACEHOLDERS.items():
        text = text.replace(marker, placeholder)
    return re.sub(r"\d", "#", text)


def main() -> None:
    layout, folder = int(sys.argv[1]), Path(sys.argv[2])
    settings.CURRENCIES["XXX"] = settings.Currency("XXX", CURRENCY, f'"{CURRENCY}"#,##0.00')
    texts: dict[str, list[str]] = {}
    for language in LANGUAGES:
        found: set[str] = set()
        for start_month in (1, 7):
            for years in (1, 2):
                for scales in (Scales(), Scales(7, 6, 7, 5), Scales(10, 9, 5, 4)):
                    config = settings.Config(language=language, company=COMPANY, title=TITLE,
                                             currency="XXX", start_month=start_month, years=years,
                                             scales=scales)
                    found |= {normalised(t) for t in written_texts(resolve(config))}
        texts[language] = sorted(found)
    out = folder / f"layout-{layout}-texts.json"
    out.write_text(json.dumps({"layout": layout, "csmetrics": __version__, "texts": texts},
                              ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {out}: {sum(len(v) for v in texts.values())} texts")


if __name__ == "__main__":
    main()
