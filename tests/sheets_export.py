"""An imitation of Google Sheets' File › Download › .xlsx, for tests that cannot reach Sheets.

``sheets_export`` rewrites a workbook the way an upload to Sheets followed by a
download does, as far as documented (the project's issue and the threads it cites)
and as seen in Google-made files (``tests/fixtures/google-export-profile.json``,
profiled from roo-rb/roo's fixtures by ``scripts/google_export_profile.py``):

* no document properties at all (no ``docProps/`` part, relationship or content type);
* ``xl/workbook.xml`` holds a bare ``<workbookPr/>``, ``<sheets>`` (each sheet with an
  explicit ``state``), ``<definedNames>`` without the ``_xlnm.*`` names (print areas
  and titles), even when left empty, and a bare ``<calcPr/>``;
* comments become legacy notes: one empty author, plain ``<t xml:space="preserve">``
  text (no runs) ending in ``"\\n\\t-" + author``; the VML shapes stay;
* an internal ``<hyperlink location=...>`` becomes a ``HYPERLINK("#gid=N&range=A1",
  "label")`` formula whose label is the ``display`` attribute (the link itself when
  there is none) and whose cached value is that label;
* data validations lose ``promptTitle``, ``errorTitle`` and ``error`` (``prompt``
  stays), and whole-number rules become decimal ones;
* every worksheet has a drawing (an empty one where it had none), and
  ``[Content_Types].xml`` is the last entry of the zip.

Everything else is kept byte for byte: cell values, formulas and their cached values,
styles and number formats, hidden sheets, ordinary defined names, charts, the VML.
The edits are textual on purpose, so that what is not rewritten stays identical.
"""

from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DRAWING_TYPE = f"{DOC_REL}/drawing"
DRAWING_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
EMPTY_DRAWING = (XML_HEAD + '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/'
                 'spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
                 f' xmlns:r="{DOC_REL}"/>')
# The name Sheets appends to a note whose comment had no author (it would be the
# name of whoever wrote the note in Sheets; csmetrics writes its notes without one).
NOTE_AUTHOR = "Sheets user"
# Worksheet children that come after <drawing> (ECMA-376 CT_Worksheet order).
_AFTER_DRAWING = ("legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
                  "controls", "webPublishItems", "tableParts", "extLst")


def sheets_export(source: Path, target: Path, note_author: str = NOTE_AUTHOR) -> Path:
    """Write ``target`` as Google Sheets would download ``source`` again; return it.

    ``note_author`` is appended to notes whose comment names no author."""
    with zipfile.ZipFile(source) as archive:
        order = archive.namelist()
        parts = {name: archive.read(name) for name in order}
    sheets = _sheet_parts(parts)
    _drop_document_properties(parts)
    parts["xl/workbook.xml"] = workbook_xml(parts["xl/workbook.xml"])
    gids = {name: gid_of(index, name) for index, (name, _) in enumerate(sheets)}
    for _, part in sheets:
        xml = validations_xml(parts[part])
        parts[part] = hyperlinks_xml(xml, gids, _shared_strings(parts))
        for comments in _related(parts, part, "comments"):
            parts[comments] = comments_xml(parts[comments], note_author)
    _add_empty_drawings(parts, [part for _, part in sheets])
    names = [n for n in order if n in parts] + [n for n in parts if n not in order]
    names = [n for n in names if n != "[Content_Types].xml"] + ["[Content_Types].xml"]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(name, parts[name])
    return target


def gid_of(index: int, name: str) -> int:
    """A sheet's id in Sheets' links: 0 for the first sheet, a stable large number for
    the others (Sheets draws them at random; tests want the same one every run)."""
    return 0 if index == 0 else zlib.crc32(name.encode()) & 0x7FFFFFFF or 1


# --------------------------------------------------------------------------- package


def _rels_part(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _target(part: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))


def _related(parts: dict[str, bytes], part: str, kind: str) -> list[str]:
    rels = _rels_part(part)
    if rels not in parts:
        return []
    return [_target(part, r.get("Target", "")) for r in ET.fromstring(parts[rels]).iter(
        f"{{{PKG_REL}}}Relationship") if r.get("Type", "").rsplit("/", 1)[-1] == kind]


def _sheet_parts(parts: dict[str, bytes]) -> list[tuple[str, str]]:
    """(sheet name, worksheet part) in the workbook's order."""
    rels = {r.get("Id"): _target("xl/workbook.xml", r.get("Target", "")) for r in ET.fromstring(
        parts[_rels_part("xl/workbook.xml")]).iter(f"{{{PKG_REL}}}Relationship")}
    return [(s.get("name", ""), rels[s.get(f"{{{DOC_REL}}}id")])
            for s in ET.fromstring(parts["xl/workbook.xml"]).iter(f"{{{MAIN}}}sheet")]


def _shared_strings(parts: dict[str, bytes]) -> list[str]:
    if "xl/sharedStrings.xml" not in parts:
        return []
    return ["".join(t.text or "" for t in si.iter(f"{{{MAIN}}}t"))
            for si in ET.fromstring(parts["xl/sharedStrings.xml"]).iter(f"{{{MAIN}}}si")]


def _drop_document_properties(parts: dict[str, bytes]) -> None:
    """Sheets keeps no document properties: core, app and custom go, with their
    relationships and content types."""
    for name in [n for n in parts if n.startswith("docProps/")]:
        del parts[name]
    parts["_rels/.rels"] = re.sub(rb'<Relationship [^>]*Target="/?docProps/[^"]*"[^>]*/>', b"",
                                  parts["_rels/.rels"])
    parts["[Content_Types].xml"] = re.sub(rb'<Override [^>]*PartName="/docProps/[^"]*"[^>]*/>', b"",
                                          parts["[Content_Types].xml"])


def _add_empty_drawings(parts: dict[str, bytes], sheets: list[str]) -> None:
    """Sheets gives every worksheet a drawing part, empty where there is nothing to draw."""
    taken = {int(m[1]) for n in parts if (m := re.fullmatch(r"xl/drawings/drawing(\d+)\.xml", n))}
    number = max(taken, default=0)
    for part in sheets:
        if re.search(rb"<drawing\s", parts[part]):
            continue
        number += 1
        drawing = f"xl/drawings/drawing{number}.xml"
        parts[drawing] = EMPTY_DRAWING.encode()
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", f'<Override PartName="/{drawing}" ContentType="{DRAWING_CONTENT_TYPE}"/>'
            "</Types>".encode())
        rels = _rels_part(part)
        xml = parts.get(rels, (XML_HEAD + f'<Relationships xmlns="{PKG_REL}"></Relationships>').encode())
        ids = {int(i) for i in re.findall(rb'Id="rId(\d+)"', xml)}
        rid = f"rId{max(ids, default=0) + 1}"
        target = posixpath.relpath(drawing, posixpath.dirname(part))
        parts[rels] = xml.replace(b"</Relationships>", f'<Relationship Id="{rid}" Type="{DRAWING_TYPE}" '
                                  f'Target="{target}"/></Relationships>'.encode())
        parts[part] = _insert_drawing(parts[part], rid)


def _insert_drawing(xml: bytes, rid: str) -> bytes:
    element = f'<drawing r:id="{rid}"/>'.encode()
    if b'xmlns:r="' not in xml[:xml.find(b">", xml.find(b"<worksheet"))]:
        element = f'<drawing xmlns:r="{DOC_REL}" r:id="{rid}"/>'.encode()
    later = re.search(rb"<(?:" + "|".join(_AFTER_DRAWING).encode() + rb")[\s/>]", xml)
    at = later.start() if later else xml.rindex(b"</worksheet>")
    return xml[:at] + element + xml[at:]


# --------------------------------------------------------------------------- workbook


def workbook_xml(xml: bytes) -> bytes:
    """Bare ``workbookPr`` and ``calcPr``, no ``fileVersion`` or ``bookViews``, explicit
    sheet states, and ``definedNames`` without ``_xlnm.*`` names (kept even empty)."""
    xml = re.sub(rb"<fileVersion\b[^>]*/>", b"", xml)
    xml = re.sub(rb"<bookViews>.*?</bookViews>|<bookViews/>", b"", xml, flags=re.S)
    xml = re.sub(rb"<workbookPr\b([^>]*?)/?>(?:</workbookPr>)?", _bare_workbook_pr, xml, count=1)
    xml = re.sub(rb"<calcPr\b[^>]*?(?:/>|>.*?</calcPr>)", b"<calcPr/>", xml, count=1, flags=re.S)
    xml = re.sub(rb'<definedName name="_xlnm\.[^"]*"[^>]*>[^<]*</definedName>', b"", xml)
    xml = re.sub(rb"<definedNames>\s*</definedNames>", b"<definedNames/>", xml)
    if b"<definedNames" not in xml:
        xml = xml.replace(b"</sheets>", b"</sheets><definedNames/>", 1)
    return re.sub(rb"<sheet (?![^>]*\bstate=)", b'<sheet state="visible" ', xml)


def _bare_workbook_pr(match: re.Match[bytes]) -> bytes:
    # The 1904 date system changes what every date cell means: that one is kept.
    keep = re.search(rb'\sdate1904="(?:1|true)"', match[1])
    return b"<workbookPr" + (keep[0] if keep else b"") + b"/>"


# --------------------------------------------------------------------------- worksheets


def validations_xml(xml: bytes) -> bytes:
    """Only the prompt survives of a rule's texts; whole-number rules become decimal."""

    def rule(match: re.Match[bytes]) -> bytes:
        tag = re.sub(rb'\s(?:promptTitle|errorTitle|error)="[^"]*"', b"", match[0])
        return tag.replace(b' type="whole"', b' type="decimal"')

    return re.sub(rb"<dataValidation\s[^>]*>", rule, xml)


def hyperlinks_xml(xml: bytes, gids: dict[str, int], strings: list[str]) -> bytes:
    """Each internal link becomes a HYPERLINK formula in its cell, cached as its label."""
    links = re.findall(rb"<hyperlink\s[^>]*?/>", xml)
    for link in links:
        attributes = {k.decode(): html.unescape(v.decode())
                      for k, v in re.findall(rb'([\w:]+)="([^"]*)"', link)}
        if "location" not in attributes:
            continue  # an external link (r:id) is none of this imitation's business
        sheet, _, cells = attributes["location"].rpartition("!")
        sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
        address = f"#gid={gids[sheet]}" + (f"&range={cells.replace('$', '')}" if cells else "")
        label = attributes.get("display", address)
        xml = _formula_cell(xml, attributes["ref"], f'HYPERLINK("{_quoted(address)}","{_quoted(label)}")',
                            label)
        xml = xml.replace(link, b"", 1)
    return re.sub(rb"<hyperlinks>\s*</hyperlinks>", b"", xml)


def _quoted(text: str) -> str:
    return text.replace('"', '""')


def _formula_cell(xml: bytes, ref: str, formula: str, value: str) -> bytes:
    cell = re.compile(rb'<c r="' + ref.encode() + rb'"(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</c>)', re.S)
    match = cell.search(xml)
    if match is None:
        raise ValueError(f"no cell {ref} to hold the link")
    style = re.search(rb'\ss="\d+"', match["attrs"])
    new = (f'<c r="{ref}"'.encode() + (style[0] if style else b"") + b' t="str"><f>'
           + html.escape(formula, quote=False).encode() + b"</f><v>"
           + html.escape(value, quote=False).encode() + b"</v></c>")
    return xml[:match.start()] + new + xml[match.end():]


def comments_xml(xml: bytes, note_author: str = NOTE_AUTHOR) -> bytes:
    """Comments as Sheets writes its notes: one empty author, plain text ending in
    ``"\\n\\t-" + author``."""
    root = ET.fromstring(xml)
    authors = [a.text or "" for a in root.iter(f"{{{MAIN}}}author")]
    notes = []
    for comment in root.iter(f"{{{MAIN}}}comment"):
        author_id = int(comment.get("authorId", "0"))
        author = (authors[author_id] if author_id < len(authors) else "") or note_author
        text = "".join(t.text or "" for t in comment.iter(f"{{{MAIN}}}t")) + "\n\t-" + author
        notes.append(f'<comment authorId="0" ref="{comment.get("ref", "A1")}"><text>'
                     f'<t xml:space="preserve">{html.escape(text, quote=False)}</t></text></comment>')
    return (XML_HEAD + f'<comments xmlns="{MAIN}"><authors><author></author></authors><commentList>'
            + "".join(notes) + "</commentList></comments>").encode()
