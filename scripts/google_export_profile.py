"""Write a JSON profile of what xlsx files downloaded from Google Sheets look like.

No Google Sheets can be reached from the test machines, so ``tests/sheets_export.py``
imitates its File › Download › .xlsx. This script reads real Google-made files (the
ones roo-rb/roo keeps as test fixtures) and records the structural facts the
imitation must reproduce, so that ``tests/test_sheets_export.py`` can hold the
imitation to them without the project carrying anyone else's files. Read the files
from disk, or straight out of a git repository (``--git-dir``, ``--commit``)::

    python scripts/google_export_profile.py --git-dir /work/.mirror/roo-rb+roo/repo \\
        --commit 20d424f8bf96f20929a8bbf4184e059cfd029531 \\
        test/files/comments-google.xlsx test/files/boolean-from-google-sheets.xlsx \\
        --out tests/fixtures/google-export-profile.json

``facts`` are what every given file agrees on (the test checks each of them);
``observations`` are per file, for reference; ``documented`` are the behaviours no
fixture shows, each with where it is written down.
"""

from __future__ import annotations

import argparse
import io
import json
import posixpath
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"

# What no fixture shows, as the project's issue and the threads it cites describe it.
DOCUMENTED: dict[str, dict[str, Any]] = {
    "internal_hyperlinks": {
        "hyperlink_elements_with_location": 0,
        "formula_pattern": (r'^HYPERLINK\("#gid=\d+(&range=[A-Z]{1,3}\d+(:[A-Z]{1,3}\d+)?)?",'
                            r'"(?:[^"]|"")*"\)$'),
        "label": "the <hyperlink> display attribute; without one, the link text itself",
        "sources": ["https://github.com/SheetJS/sheetjs/pull/2791 (Sheets turns "
                    "<hyperlink ref=\"E2\" location=\"'Sheet1'!A3\"/> into "
                    "=HYPERLINK(\"#gid=1368866318&range=A3\",\"#gid=1368866318&range=A3\"))"],
    },
    "defined_names": {
        "dropped_prefix": "_xlnm.",
        "kept": "every other defined name",
        "sources": ["csmetrics issue (Google Sheets docs; PhpSpreadsheet, excelize threads)"],
    },
    "data_validation": {
        "dropped_attributes": ["promptTitle", "errorTitle", "error"],
        "kept_attributes": ["prompt"],
        "absent_types": ["whole"],
        "whole_becomes": "decimal",
        "sources": ["csmetrics issue (Sheets rules have one help text, reject or warn, "
                    "and no whole-number criterion)"],
    },
}


# --------------------------------------------------------------------------- reading


def read_package(data: bytes) -> tuple[list[str], dict[str, bytes], list[dict[str, Any]]]:
    """The part names in zip order, their bytes, and each entry's zip header facts."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        parts = {info.filename: archive.read(info.filename) for info in infos}
    entries = [{"name": i.filename, "compression": "deflate" if i.compress_type == 8 else "stored",
                "date_time": list(i.date_time)} for i in infos]
    return [i.filename for i in infos], parts, entries


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def rels_of(parts: dict[str, bytes], part: str) -> list[dict[str, str]]:
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in parts:
        return []
    found = []
    for rel in ET.fromstring(parts[rels]).iter(f"{{{PKG_REL}}}Relationship"):
        target = rel.get("Target", "")
        resolved = target[1:] if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        found.append({"id": rel.get("Id", ""), "type": rel.get("Type", "").rsplit("/", 1)[-1],
                      "target": resolved})
    return found


def namespaces(xml: bytes) -> list[str]:
    """The prefixes the root element declares (ElementTree drops them)."""
    head = xml.split(b">", 2)[1] if xml.startswith(b"<?xml") else xml.split(b">", 1)[0]
    return sorted(p.decode() or "(default)" for p in re.findall(rb"xmlns:?([A-Za-z0-9]*)=", head))


def comment_facts(xml: bytes) -> dict[str, Any]:
    root = ET.fromstring(xml)
    authors = [a.text or "" for a in root.iter(f"{{{MAIN}}}author")]
    comments = []
    for comment in root.iter(f"{{{MAIN}}}comment"):
        text = comment.find(f"{{{MAIN}}}text")
        children = [local(c.tag) for c in text] if text is not None else []
        body = "".join(t.text or "" for t in comment.iter(f"{{{MAIN}}}t"))
        suffix = re.search(r"\n\t-([^\n]*)$", body)
        comments.append({"ref": comment.get("ref"), "author_id": comment.get("authorId"),
                         "text_children": children,
                         "preserve_space": any(t.get("{http://www.w3.org/XML/1998/namespace}space")
                                               == "preserve" for t in comment.iter(f"{{{MAIN}}}t")),
                         "author_suffix": None if suffix is None else "\\n\\t-<author>"})
    return {"authors": authors, "comments": comments,
            "comment_attribute_order": re.findall(r'(\w+)="', _start_tag(xml, b"<comment "))}


def _start_tag(xml: bytes, prefix: bytes) -> str:
    start = xml.find(prefix)
    return "" if start < 0 else xml[start:xml.find(b">", start)].decode()


def vml_facts(xml: bytes) -> dict[str, Any]:
    text = xml.decode()
    return {"object_types": sorted(set(re.findall(r'ObjectType="(\w+)"', text))),
            "shape_ids": re.findall(r'<v:shape id="([^"]+)"', text),
            "hidden": "visibility:hidden" in text}


def sheet_facts(parts: dict[str, bytes], part: str) -> dict[str, Any]:
    xml = parts[part]
    root = ET.fromstring(xml)
    cells = list(root.iter(f"{{{MAIN}}}c"))
    formulas = [c.find(f"{{{MAIN}}}f").text or "" for c in cells if c.find(f"{{{MAIN}}}f") is not None]
    rels = rels_of(parts, part)
    drawings = [r for r in rels if r["type"] == "drawing"]
    return {
        "root_namespaces": namespaces(xml),
        "children": [local(c.tag) for c in root],
        "cell_types": sorted({c.get("t", "n") for c in cells}),
        "formulas": len(formulas),
        "hyperlink_formulas": [f for f in formulas if f.upper().startswith("HYPERLINK(")],
        "hyperlink_elements": [dict(h.attrib) for h in root.iter(f"{{{MAIN}}}hyperlink")],
        "data_validations": [dict(d.attrib) for d in root.iter(f"{{{MAIN}}}dataValidation")],
        "relationships": [{"id": r["id"], "type": r["type"]} for r in rels],
        "drawings_empty": [len(ET.fromstring(parts[d["target"]])) == 0 for d in drawings
                           if d["target"] in parts],
    }


def profile_file(name: str, data: bytes) -> dict[str, Any]:
    """Everything this profile records about one Google-made file."""
    order, parts, entries = read_package(data)
    types = ET.fromstring(parts["[Content_Types].xml"])
    workbook_xml = parts["xl/workbook.xml"]
    workbook = ET.fromstring(workbook_xml)
    sst = parts.get("xl/sharedStrings.xml")
    strings = [] if sst is None else ["".join(t.text or "" for t in si.iter(f"{{{MAIN}}}t"))
                                      for si in ET.fromstring(sst).iter(f"{{{MAIN}}}si")]
    workbook_rels = rels_of(parts, "xl/workbook.xml")
    by_id = {r["id"]: r["target"] for r in workbook_rels}
    sheets = []
    for sheet in workbook.iter(f"{{{MAIN}}}sheet"):
        part = by_id.get(sheet.get(f"{{{DOC_REL}}}id", ""), "")
        sheets.append({"attributes": list(sheet.attrib),
                       "state": sheet.get("state"),
                       "part": part,
                       **(sheet_facts(parts, part) if part in parts else {})})
    comments = {p: comment_facts(parts[p]) for p in order if re.fullmatch(r"xl/comments\d*\.xml", p)}
    vml = {p: vml_facts(parts[p]) for p in order if p.endswith(".vml")}
    styles = ET.fromstring(parts["xl/styles.xml"])
    first_font = styles.find(f"{{{MAIN}}}fonts/{{{MAIN}}}font")
    calc = workbook.find(f"{{{MAIN}}}calcPr")
    names = workbook.find(f"{{{MAIN}}}definedNames")
    return {
        "file": name,
        "zip_order": order,
        "zip_entries_compression": sorted({e["compression"] for e in entries}),
        "zip_entries_same_time": len({tuple(e["date_time"]) for e in entries}) == 1,
        "docprops_parts": [p for p in order if p.startswith("docProps/")],
        "root_relationship_types": [r["type"] for r in rels_of(parts, "")] if "_rels/.rels" in parts
        else [],
        "content_types": {
            "defaults": {d.get("Extension"): d.get("ContentType")
                         for d in types.iter(f"{{{CONTENT_TYPES}}}Default")},
            "overrides": {o.get("PartName"): o.get("ContentType")
                          for o in types.iter(f"{{{CONTENT_TYPES}}}Override")},
        },
        "workbook": {
            "root_namespaces": namespaces(workbook_xml),
            "children": [local(c.tag) for c in workbook],
            "workbookPr": _attributes(workbook, "workbookPr"),
            "calcPr": None if calc is None else dict(calc.attrib),
            "definedNames_element": names is not None,
            "defined_names": [] if names is None else [d.get("name") for d in names],
            "sheet_attribute_order": [s["attributes"] for s in sheets],
        },
        "workbook_relationships": [{"id": r["id"], "type": r["type"]} for r in workbook_rels],
        "sheets": sheets,
        "comments": comments,
        "vml": vml,
        "shared_strings": None if sst is None else {"count_attributes": sorted(
            ET.fromstring(sst).attrib), "strings": len(strings)},
        "styles": {"children": [local(c.tag) for c in styles],
                   "default_font": None if first_font is None else
                   {local(c.tag): c.get("val") for c in first_font}},
        "theme": [p for p in order if p.startswith("xl/theme/")],
    }


def _attributes(root: ET.Element, child: str) -> dict[str, str] | None:
    found = root.find(f"{{{MAIN}}}{child}")
    return None if found is None else dict(found.attrib)


# --------------------------------------------------------------------------- facts


def common_facts(files: list[dict[str, Any]]) -> dict[str, Any]:
    """What every profiled file agrees on, with the files that show it."""
    names = [f["file"] for f in files]

    def agreed(values: list[Any]) -> bool:
        return all(v == values[0] for v in values)

    facts: dict[str, Any] = {}

    def record(key: str, values: list[Any], seen: list[str] = names) -> None:
        if values and agreed(values):
            facts[key] = {"value": values[0], "seen_in": seen}

    record("docprops_parts", [f["docprops_parts"] for f in files])
    record("root_relationship_types", [f["root_relationship_types"] for f in files])
    record("content_types_last_in_zip", [f["zip_order"][-1] == "[Content_Types].xml" for f in files])
    record("docprops_content_types", [sorted(p for p in f["content_types"]["overrides"]
                                             if p.startswith("/docProps/")) for f in files])
    record("workbook_children", [f["workbook"]["children"] for f in files])
    record("workbookPr_attributes", [f["workbook"]["workbookPr"] for f in files])
    record("calcPr_attributes", [f["workbook"]["calcPr"] for f in files])
    record("definedNames_element_present", [f["workbook"]["definedNames_element"] for f in files])
    record("sheet_state_explicit", [all(s["state"] is not None for s in f["sheets"]) for f in files])
    record("every_sheet_has_a_drawing", [all(any(r["type"] == "drawing" for r in s["relationships"])
                                             for s in f["sheets"]) for f in files])
    with_comments = [f for f in files if f["comments"]]
    seen = [f["file"] for f in with_comments]
    record("comment_authors", [sorted({a for c in f["comments"].values() for a in c["authors"]})
                               for f in with_comments], seen)
    record("comment_text_children", [[list(t) for t in sorted({tuple(x["text_children"])
                                                               for c in f["comments"].values()
                                                               for x in c["comments"]})]
                                      for f in with_comments], seen)
    record("comment_text_preserves_space", [all(x["preserve_space"] for c in f["comments"].values()
                                                for x in c["comments"]) for f in with_comments], seen)
    record("comment_author_suffix", [sorted({x["author_suffix"] for c in f["comments"].values()
                                             for x in c["comments"]}) for f in with_comments], seen)
    record("comment_vml_object_types", [sorted({t for v in f["vml"].values() for t in v["object_types"]})
                                        for f in with_comments], seen)
    record("comment_sheet_relationship_types",
           [sorted({r["type"] for s in f["sheets"] if any(r["type"] == "comments"
                                                           for r in s["relationships"])
                    for r in s["relationships"]}) for f in with_comments], seen)
    return facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="xlsx files (paths in the repository with --git-dir)")
    parser.add_argument("--git-dir", type=Path, help="read the files from this git directory")
    parser.add_argument("--commit", default="HEAD", help="the commit to read them at (with --git-dir)")
    parser.add_argument("--repository", help="the repository's name, for the record")
    parser.add_argument("--out", type=Path, help="write the profile here (default: standard output)")
    args = parser.parse_args(argv)

    files, source = [], {}
    for name in args.files:
        if args.git_dir:
            git = ["git", "--git-dir", str(args.git_dir)]
            commit = subprocess.run([*git, "rev-parse", args.commit], check=True, capture_output=True,
                                    text=True).stdout.strip()
            data = subprocess.run([*git, "show", f"{commit}:{name}"], check=True,
                                  capture_output=True).stdout
            added = subprocess.run([*git, "log", "--diff-filter=A", "--format=%H %ad %s",
                                    "--date=short", commit, "--", name], check=True,
                                   capture_output=True, text=True).stdout.strip()
            source[name] = {"read_at_commit": commit, "added_by": added}
        else:
            data = Path(name).read_bytes()
            source[name] = {"path": name}
        files.append(profile_file(name, data))

    profile = {
        "about": ("Structural facts of xlsx files downloaded from Google Sheets, written by "
                  "scripts/google_export_profile.py; tests/test_sheets_export.py checks "
                  "tests/sheets_export.py against 'facts' and 'documented'."),
        "source": {"repository": args.repository, "files": source},
        "facts": common_facts(files),
        "documented": DOCUMENTED,
        "observations": files,
    }
    text = json.dumps(profile, indent=1, ensure_ascii=False) + "\n"
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
