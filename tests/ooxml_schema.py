"""Validate every part of an .xlsx package against the ECMA-376 Transitional schemas.

Excel refuses (or "repairs", dropping content) a part that breaks its schema where
LibreOffice and Google Sheets shrug, so the static checks alone cannot tell that a
workbook opens cleanly in Excel. The schemas live outside the repository, in
``../shared/ooxml-schemas`` (``OOXML_SCHEMAS`` overrides the place, for a git
worktree that is not beside ``shared``); ``schema_folder()`` is None without them
and the tests that need them skip.

Each part is found by its content type in ``[Content_Types].xml``, parsed with
lxml, put through the Markup Compatibility rules (ECMA-376 Part 3) and validated
against one schema set compiled once per process from local files only.
``validate_package(parts)`` returns one line per problem,
``xl/worksheets/sheet2.xml: line 14: Element '...': ...``; an empty list means valid.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

# --------------------------------------------------------------------------- where the schemas are

SCHEMAS_ENV = "OOXML_SCHEMAS"


def schema_folder() -> Path | None:
    """The schema folder: beside the repository (``../shared/ooxml-schemas``, as in
    CI), or where ``OOXML_SCHEMAS`` says; None when it is absent."""
    given = os.environ.get(SCHEMAS_ENV)
    folder = Path(given) if given else Path(__file__).resolve().parents[2] / "shared" / "ooxml-schemas"
    return folder if (folder / "ISO-IEC29500-4_2016" / "sml.xsd").is_file() else None


# --------------------------------------------------------------------------- namespaces and parts

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XSD = "http://www.w3.org/2001/XMLSchema"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DML = "http://schemas.openxmlformats.org/drawingml/2006/main"
CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CORE = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
EXTENDED = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"

_OFFICE = "application/vnd.openxmlformats-officedocument."
_SML = _OFFICE + "spreadsheetml."


@dataclass(frozen=True)
class Kind:
    """What a content type holds: the schema file that defines it (relative to the
    schema folder) and the root element a part of that type must have."""

    schema: str
    root: str  # Clark notation, {namespace}local


_ISO = "ISO-IEC29500-4_2016/"
_SML_XSD = _ISO + "sml.xsd"

# Every content type csmetrics writes, and the SpreadsheetML ones an application
# saving the workbook may add. The schema of each is named so that a reader sees
# where the rule comes from; all of them are compiled into one set (``compiled``).
KINDS: dict[str, Kind] = {
    _SML + "sheet.main+xml": Kind(_SML_XSD, f"{{{SML}}}workbook"),
    _SML + "template.main+xml": Kind(_SML_XSD, f"{{{SML}}}workbook"),
    _SML + "worksheet+xml": Kind(_SML_XSD, f"{{{SML}}}worksheet"),
    _SML + "chartsheet+xml": Kind(_SML_XSD, f"{{{SML}}}chartsheet"),
    _SML + "styles+xml": Kind(_SML_XSD, f"{{{SML}}}styleSheet"),
    _SML + "sharedStrings+xml": Kind(_SML_XSD, f"{{{SML}}}sst"),
    _SML + "comments+xml": Kind(_SML_XSD, f"{{{SML}}}comments"),
    _SML + "calcChain+xml": Kind(_SML_XSD, f"{{{SML}}}calcChain"),
    _SML + "table+xml": Kind(_SML_XSD, f"{{{SML}}}table"),
    _OFFICE + "drawing+xml": Kind(_ISO + "dml-spreadsheetDrawing.xsd", f"{{{XDR}}}wsDr"),
    _OFFICE + "drawingml.chart+xml": Kind(_ISO + "dml-chart.xsd", f"{{{CHART}}}chartSpace"),
    _OFFICE + "theme+xml": Kind(_ISO + "dml-main.xsd", f"{{{DML}}}theme"),
    _OFFICE + "extended-properties+xml": Kind(_ISO + "shared-documentPropertiesExtended.xsd",
                                              f"{{{EXTENDED}}}Properties"),
    _OFFICE + "custom-properties+xml": Kind(_ISO + "shared-documentPropertiesCustom.xsd",
                                            f"{{{CUSTOM}}}Properties"),
    "application/vnd.openxmlformats-package.core-properties+xml": Kind(
        "ecma/fouth-edition/opc-coreProperties.local.xsd", f"{{{CORE}}}coreProperties"),
    "application/vnd.openxmlformats-package.relationships+xml": Kind(
        "ecma/fouth-edition/opc-relationships.xsd", f"{{{PACKAGE_RELS}}}Relationships"),
}
CONTENT_TYPES_PART = "[Content_Types].xml"
CONTENT_TYPES_KIND = Kind("ecma/fouth-edition/opc-contentTypes.xsd", f"{{{CONTENT_TYPES}}}Types")

# Parts no XSD covers: VML (legacy drawing for cell notes) is checked for
# well-formedness only, images and printer settings are binary.
WELL_FORMED_ONLY = {"application/vnd.openxmlformats-officedocument.vmlDrawing"}
NOT_XML = {"image/png", "image/jpeg", "image/gif", "image/bmp", "image/tiff", "image/x-emf",
           "image/x-wmf", _SML + "printerSettings"}

# Remote schema locations mapped to local files, so that compiling never reaches
# the network (the shipped opc-coreProperties.xsd imports Dublin Core by URL).
_REMOTE = {
    "http://dublincore.org/schemas/xmls/qdc/2003/04/02/dc.xsd": "dc/dc.xsd",
    "http://dublincore.org/schemas/xmls/qdc/2003/04/02/dcterms.xsd": "dc/dcterms.xsd",
    "http://www.w3.org/2001/xml.xsd": _ISO + "xml.xsd",
}


# --------------------------------------------------------------------------- compiling, once

class _LocalOnly(etree.Resolver):
    """Serves the few remote schema URLs from the folder and refuses any other
    remote one, so that a schema import never turns into a network request."""

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder

    def resolve(self, system_url: str | None, public_id: str | None, context: object) -> object:
        if system_url in _REMOTE:
            return self.resolve_filename(str(self.folder / _REMOTE[system_url]), context)
        if system_url and system_url.startswith(("http:", "https:", "ftp:")):
            raise LookupError(f"schema import reaches the network: {system_url}")
        return None


@dataclass(frozen=True)
class Schemas:
    """The compiled schema set and what it understands, for one schema folder."""

    schema: etree.XMLSchema
    namespaces: frozenset[str]  # understood, in the sense of Markup Compatibility


@functools.cache
def compiled(folder: Path) -> Schemas:
    """Compile every schema the parts need into one set, once per process: a
    driver schema imports them all, so the DrawingML that SpreadsheetML, charts
    and drawings share is compiled once (about 35 ms, against 130 ms apart); the
    root element check of ``Kind`` keeps a part from passing as another kind."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalOnly(folder))
    files = sorted({kind.schema for kind in KINDS.values()} | {CONTENT_TYPES_KIND.schema})
    imports = []
    for name in files:
        path = folder / name
        target = etree.parse(str(path), parser).getroot().get("targetNamespace", "")
        imports.append(f'<xsd:import namespace="{target}" schemaLocation="{path.as_uri()}"/>')
    driver = ('<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
              + "".join(imports) + "</xsd:schema>")
    document = etree.parse(io.BytesIO(driver.encode()), parser,
                           base_url=(folder / "driver.xsd").as_uri())
    return Schemas(etree.XMLSchema(document), frozenset(_imported_namespaces(folder, files)))


def _imported_namespaces(folder: Path, files: list[str]) -> set[str]:
    """The target namespaces of the schemas and of all they import: what an
    application validating with them understands (Markup Compatibility)."""
    namespaces, seen = {XML_NS}, set()
    pending = [(folder / name).resolve() for name in files]
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        root = etree.parse(str(path)).getroot()
        namespaces.add(root.get("targetNamespace", ""))
        for child in root.iterfind(f"{{{XSD}}}import"):
            location = child.get("schemaLocation")
            if location in _REMOTE:
                pending.append(folder / _REMOTE[location])
            elif location:
                pending.append((path.parent / location).resolve())
    return namespaces - {""}


# --------------------------------------------------------------------------- markup compatibility

def _prefixes(element: etree._Element, value: str) -> tuple[set[str], list[str]]:
    """The namespaces of a whitespace-separated prefix list, and the prefixes
    that are not declared (an error by ECMA-376 Part 3 §7.2)."""
    namespaces, undeclared = set(), []
    for prefix in value.split():
        namespace = element.nsmap.get(prefix)
        if namespace is None:
            undeclared.append(prefix)
        else:
            namespaces.add(namespace)
    return namespaces, undeclared


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def apply_markup_compatibility(root: etree._Element, understood: frozenset[str]) -> list[str]:
    """Process the tree as an application that understands ``understood`` would
    (ECMA-376 Part 3): choose within ``mc:AlternateContent`` (the first Choice
    whose Requires are understood, else the Fallback), drop ignorable elements
    and attributes of namespaces not understood (keeping the content of those
    listed in ``mc:ProcessContent``), and drop the mc attributes. Returns the
    problems found on the way, as ``line N: message``."""
    problems: list[str] = []

    def visit(element: etree._Element, ignorable: frozenset[str], process: frozenset[str]) -> None:
        attrib = element.attrib
        if attrib.get(f"{{{MC}}}Ignorable") is not None:
            found, undeclared = _prefixes(element, attrib[f"{{{MC}}}Ignorable"])
            problems.extend(f"line {element.sourceline}: mc:Ignorable names undeclared prefix "
                            f"{p!r}" for p in undeclared)
            ignorable = ignorable | (found - understood)
        if attrib.get(f"{{{MC}}}ProcessContent") is not None:
            names = attrib[f"{{{MC}}}ProcessContent"].split()
            process = process | {f"{{{element.nsmap.get(n.split(':')[0], '')}}}{n.split(':')[-1]}"
                                 for n in names}
        if attrib.get(f"{{{MC}}}MustUnderstand") is not None:
            found, undeclared = _prefixes(element, attrib[f"{{{MC}}}MustUnderstand"])
            problems.extend(f"line {element.sourceline}: mc:MustUnderstand names a namespace "
                            f"not understood: {n}" for n in sorted(found - understood))
            problems.extend(f"line {element.sourceline}: mc:MustUnderstand names undeclared "
                            f"prefix {p!r}" for p in undeclared)
        for name in list(attrib):
            namespace = _namespace(name)
            if namespace == MC or namespace in ignorable:
                del attrib[name]
        changed = True
        while changed:  # until no chosen or unwrapped content brings in more to resolve
            changed = False
            for child in list(element):
                if not isinstance(child.tag, str):
                    continue  # comments and processing instructions
                if child.tag == f"{{{MC}}}AlternateContent":
                    _replace(child, _choose(child, understood, problems))
                    changed = True
                elif _namespace(child.tag) in ignorable:
                    _replace(child, list(child) if child.tag in process else [])
                    changed = True
        for child in element:
            if isinstance(child.tag, str):
                visit(child, ignorable, process)

    visit(root, frozenset(), frozenset())
    return problems


def _choose(alternate: etree._Element, understood: frozenset[str],
            problems: list[str]) -> list[etree._Element]:
    """The content an application understanding ``understood`` takes from an
    ``mc:AlternateContent``: the first understood Choice, else the Fallback."""
    for branch in alternate:
        if branch.tag == f"{{{MC}}}Choice":
            required, undeclared = _prefixes(branch, branch.get("Requires", ""))
            if undeclared:
                problems.append(f"line {branch.sourceline}: mc:Choice Requires undeclared "
                                f"prefix(es) {undeclared}")
            if required <= understood and not undeclared:
                return list(branch)
        elif branch.tag == f"{{{MC}}}Fallback":
            return list(branch)
        elif isinstance(branch.tag, str):
            problems.append(f"line {branch.sourceline}: {branch.tag} inside mc:AlternateContent")
    return []


def _replace(element: etree._Element, children: list[etree._Element]) -> None:
    """Put ``children`` where ``element`` was: the chosen content takes its place."""
    parent = element.getparent()
    assert parent is not None, "the root element is never replaced"
    index = parent.index(element)
    parent.remove(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)


# --------------------------------------------------------------------------- the package

def content_types(parts: Mapping[str, bytes]) -> tuple[dict[str, str], list[str]]:
    """Each part's content type (Override, else Default by extension), and the
    problems of the mapping itself: parts without a type, overrides of no part."""
    problems: list[str] = []
    try:
        root = _parse(parts[CONTENT_TYPES_PART])
    except etree.XMLSyntaxError as error:
        return {}, [f"{CONTENT_TYPES_PART}: line {error.lineno}: not well-formed: {error.msg}"]
    defaults = {d.get("Extension", "").lower(): d.get("ContentType", "")
                for d in root.iterfind(f"{{{CONTENT_TYPES}}}Default")}
    overrides = {o.get("PartName", "").lstrip("/"): o.get("ContentType", "")
                 for o in root.iterfind(f"{{{CONTENT_TYPES}}}Override")}
    types = {}
    for name in parts:
        if name == CONTENT_TYPES_PART or name.endswith("/"):
            continue
        if name in overrides:
            types[name] = overrides[name]
        elif (extension := _extension(name)) in defaults:
            types[name] = defaults[extension]
        else:
            problems.append(f"{name}: no content type in {CONTENT_TYPES_PART}")
    problems.extend(f"{CONTENT_TYPES_PART}: Override for /{name}, which is not in the package"
                    for name in sorted(set(overrides) - set(parts)))
    return types, problems


def _extension(name: str) -> str:
    """The extension of a part name as OPC reads it: after the last dot of the
    last segment (``_rels/.rels`` has ``rels``, which ``splitext`` would miss)."""
    segment = name.rsplit("/", 1)[-1]
    return segment.rsplit(".", 1)[1].lower() if "." in segment else ""


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(data, parser)


def part_problems(data: bytes, kind: Kind, schemas: Schemas) -> list[str]:
    """Problems of one XML part (``line N: message``): syntax, Markup
    Compatibility, root element, then the schema."""
    try:
        root = _parse(data)
    except etree.XMLSyntaxError as error:
        return [f"line {error.lineno}: not well-formed: {error.msg}"]
    problems = apply_markup_compatibility(root, schemas.namespaces) if MC.encode() in data else []
    if b"xml:space" in data and _namespace(root.tag) == SML:
        _allow_xml_space(root)
    if root.tag != kind.root:
        return [*problems, f"root element {_short(root.tag)}: a part of this content type must be "
                           f"{_short(kind.root)} ({kind.schema})"]
    if not schemas.schema.validate(root):
        problems += [f"line {entry.line}: {_short(entry.message)} "
                     f"(at {_readable_path(root, entry.path)})"
                     for entry in schemas.schema.error_log]
    return problems


# SpreadsheetML elements holding text (ST_Xstring) on which the Open XML SDK's
# schema declares xml:space (its XstringType and CellFormula) and on which Excel
# itself writes xml:space="preserve" for text with edge spaces; the ISO XSD omits
# the attribute (``ST_Xstring`` is a bare simple type), which would fail every
# workbook holding " 12 ". Only there, and only with its two legal values, is it
# taken out before validating; anywhere else it is still reported.
XML_SPACE_ALLOWED = frozenset(f"{{{SML}}}{name}" for name in (
    "t", "v", "f", "oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader",
    "firstFooter"))
_XML_SPACE = f"{{{XML_NS}}}space"


def _allow_xml_space(root: etree._Element) -> None:
    for element in root.iter(*XML_SPACE_ALLOWED):
        if element.get(_XML_SPACE) in ("preserve", "default"):
            del element.attrib[_XML_SPACE]


def check_part(data: bytes, content_type: str, schemas: Schemas) -> list[str]:
    """The problems of one part by its content type. A type not known here is a
    problem, so that a new kind of part cannot go unchecked."""
    if content_type == CONTENT_TYPES_PART:
        return part_problems(data, CONTENT_TYPES_KIND, schemas)
    if content_type in KINDS:
        return part_problems(data, KINDS[content_type], schemas)
    if content_type in WELL_FORMED_ONLY:
        try:
            _parse(data)
        except etree.XMLSyntaxError as error:
            return [f"line {error.lineno}: not well-formed: {error.msg}"]
        return []
    if content_type in NOT_XML:
        return []
    return [f"content type {content_type} has no schema here (add it to ooxml_schema.KINDS, "
            f"or to WELL_FORMED_ONLY or NOT_XML when no XSD covers it)"]


# Problems by (content type, digest of the content): what the session check
# remembers, so that a part written again by another test is not validated again.
Seen = dict[tuple[str, bytes], list[str]]


def validate_package(parts: Mapping[str, bytes], folder: Path | None = None,
                     seen: Seen | None = None) -> list[str]:
    """Every problem of a package given as ``part name -> bytes``, one line each
    (``xl/worksheets/sheet2.xml: line 14: Element ...``); empty when it is valid.
    With ``seen``, parts whose content was checked before are not checked again."""
    folder = folder or schema_folder()
    if folder is None:
        raise FileNotFoundError(f"no OOXML schemas: set {SCHEMAS_ENV} or put them in ../shared")
    schemas = compiled(folder)
    if CONTENT_TYPES_PART not in parts:
        return [f"{CONTENT_TYPES_PART}: missing, so no part has a content type"]
    types, problems = content_types(parts)
    if problems and not types:
        return problems  # [Content_Types].xml is not even well-formed
    # the content types part has none of its own: its name stands for it
    for name, content_type in {CONTENT_TYPES_PART: CONTENT_TYPES_PART, **types}.items():
        data = parts[name]
        key = (content_type, hashlib.blake2b(data, digest_size=16).digest())
        if seen is not None and key in seen:
            found = seen[key]
        else:
            found = check_part(data, content_type, schemas)
            if seen is not None:
                seen[key] = found
        problems += [f"{name}: {problem}" for problem in found]
    return problems


def read_parts(source: Path | bytes) -> dict[str, bytes]:
    """The parts of an .xlsx file (a path, or the file's bytes)."""
    with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
        return {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}


def validate_xlsx(source: Path | bytes, folder: Path | None = None) -> list[str]:
    """Every schema problem of an .xlsx file; empty when it is valid."""
    return validate_package(read_parts(source), folder)


# Conventional prefixes, to keep messages readable ({namespace}name is long).
_PREFIXES = {SML: "x", DML: "a", CHART: "c", XDR: "xdr", CONTENT_TYPES: "ct", PACKAGE_RELS: "rel",
             CORE: "cp", EXTENDED: "ep", CUSTOM: "op", MC: "mc",
             "http://schemas.openxmlformats.org/officeDocument/2006/relationships": "r",
             "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes": "vt",
             "http://purl.org/dc/elements/1.1/": "dc", "http://purl.org/dc/terms/": "dcterms"}


def _short(message: str) -> str:
    for namespace, prefix in _PREFIXES.items():
        message = message.replace(f"{{{namespace}}}", f"{prefix}:")
    return message


def _readable_path(root: etree._Element, path: str | None) -> str:
    """The failing element as local names, with the cell or row it belongs to
    (``/worksheet/sheetData/row[r=14]/c[r=B14]``): libxml2 gives ``/*/*[6]/*[3]``
    for unprefixed elements, and every part is on one line."""
    try:
        found = root.getroottree().xpath(path or "", namespaces={
            prefix: namespace for prefix, namespace in root.nsmap.items() if prefix})
    except etree.XPathError:
        return str(path)
    if not found or not isinstance(found[0], etree._Element):
        return str(path)
    steps = []
    for element in [found[0], *found[0].iterancestors()]:
        local = etree.QName(element).localname
        if element.get("r") is not None:
            local += f"[r={element.get('r')}]"
        elif (parent := element.getparent()) is not None and len(same := parent.findall(element.tag)) > 1:
            local += f"[{same.index(element) + 1}]"
        steps.append(local)
    return "/" + "/".join(reversed(steps))


# --------------------------------------------------------------------------- the session check

OUTSIDE = "(outside any test)"


class SessionCheck:
    """Validates every csmetrics workbook a test run writes, each distinct part
    content once (``Seen``): the variants of the suite share most parts, so the
    check costs little beyond the first workbook. Problems are kept for the test
    running (``begin``/``take``) and for the run's summary (``found``)."""

    def __init__(self, folder: Path, marker: bytes):
        self.folder = folder
        self.marker = marker  # in docProps/custom.xml of a workbook csmetrics wrote
        self.seen: Seen = {}
        self.test = OUTSIDE
        self.pending: list[str] = []  # found since the test phase began, not yet handed over
        self.found: list[tuple[str, str]] = []  # (test, problem) handed over, for the summary
        self.workbooks = 0
        self.seconds = 0.0

    def begin(self, test: str) -> None:
        self.end()  # what came before (collection, a finalizer) was outside any test
        self.test = test

    def take(self) -> list[str]:
        """The problems found since ``begin``, handed over (and forgotten): a test
        of the check takes those it caused on purpose."""
        taken, self.pending = self.pending, []
        return taken

    def end(self) -> list[str]:
        """The problems of the test phase that ends, recorded for the summary."""
        problems = self.take()
        self.found += [(self.test, problem) for problem in problems]
        self.test = OUTSIDE
        return problems

    @property
    def outside(self) -> list[str]:
        """Problems of workbooks written outside any test phase."""
        return [problem for test, problem in self.found if test == OUTSIDE]

    def written(self, source: Path | bytes) -> None:
        """Check a workbook just written (its path or its bytes); files that
        csmetrics did not write (no marker) are left alone."""
        started = time.perf_counter()
        try:
            parts = read_parts(source)
        except (OSError, zipfile.BadZipFile) as error:
            problems = [f"the workbook written cannot be read back: {error}"]
        else:
            if self.marker not in parts.get("docProps/custom.xml", b""):
                return
            self.workbooks += 1
            problems = validate_package(parts, self.folder, self.seen)
        self.pending += problems
        self.seconds += time.perf_counter() - started
