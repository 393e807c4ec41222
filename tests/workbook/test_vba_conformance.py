"""The VBA project perf_xl builds, record by record, against [MS-OVBA] (the section is cited
with each check) and against VBA projects saved by Microsoft Excel, in the manner of
XlsxWriter's comparison tests. Each difference from the Excel-made files is either fixed
(perf_xl/workbook/vba.py ``conform``) or explained here as allowed by the spec.

References (see tests/workbook/reference/README.md):
- XLSXWRITER: XlsxWriter's macro01.xlsm, saved by Excel 2007 (one standard module);
- QUICKSTART: xlwings' quickstart.xlsm, saved by Excel 16 64-bit (stand-alone project);
- XLWINGS_ADDIN: xlwings' add-in, whose _VBA_PROJECT stream is the 7-byte form.

The reader (tests/support/ovba.py) is independent of pyopenvba and of perf_xl.
"""

from __future__ import annotations

import importlib.util
import struct
import uuid
from pathlib import Path

import pytest
from support.ovba import GUID, decrypt, project_key, read_project, vba_bin
from support.samples import sample_department

from perf_xl.workbook.build import build_workbook
from perf_xl.workbook.vba import read_project_id

HERE = Path(__file__).parent
XLWINGS = Path(next(iter(importlib.util.find_spec("xlwings").submodule_search_locations)))
XLSXWRITER = HERE / "reference" / "xlsxwriter-macro01.xlsm"
QUICKSTART = XLWINGS / "quickstart.xlsm"
XLWINGS_ADDIN = XLWINGS / "addin" / "xlwings.xlam"
REFERENCES = (XLSXWRITER, QUICKSTART)
ID = uuid.UUID("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0")

# PROJECTINFORMATION (2.3.4.2.1) in the order the spec requires; PROJECTCOMPATVERSION
# (2.3.4.2.1.2) is optional: Excel 2007 does not write it, Excel 16 does.
INFORMATION = ["PROJECTSYSKIND", "PROJECTCOMPATVERSION", "PROJECTLCID", "PROJECTLCIDINVOKE",
               "PROJECTCODEPAGE", "PROJECTNAME", "PROJECTDOCSTRING", "PROJECTHELPFILEPATH",
               "PROJECTHELPCONTEXT", "PROJECTLIBFLAGS", "PROJECTVERSION", "PROJECTCONSTANTS"]
# One MODULE record (2.3.4.2.3.2) as Excel writes it (MODULEREADONLY/MODULEPRIVATE optional).
MODULE = ["MODULENAME", "MODULENAMEUNICODE", "MODULESTREAMNAME", "MODULEDOCSTRING", "MODULEOFFSET",
          "MODULEHELPCONTEXT", "MODULECOOKIE", "MODULETYPE", "MODULE Terminator"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("vba") / "book.xlsm"
    build_workbook(sample_department(), path, project_id=ID)
    return path


@pytest.fixture(scope="module")
def ours(built):
    return read_project(vba_bin(built))


@pytest.fixture(scope="module", params=REFERENCES, ids=lambda p: p.name)
def excel(request):
    return read_project(vba_bin(request.param))


def _section(project, first: str, last: str) -> list:
    names = [r.name for r in project.records]
    return project.records[names.index(first):names.index(last) + 1]


def _modules(project) -> list[list]:
    """The dir stream's MODULE records, each as its list of records."""
    out, current = [], None
    for rec in project.records:
        if rec.name == "MODULENAME":
            current = []
            out.append(current)
        if current is not None:
            current.append(rec)
        if rec.name == "MODULE Terminator":
            current = None
    return out


def _kind(name: str) -> str:
    return "MODULETYPE" if name.startswith("MODULETYPE") else name


# -- _VBA_PROJECT (2.3.4.1) ---------------------------------------------------------------
def test_vba_project_stream_is_the_seven_byte_form(ours, excel):
    """Reserved1 MUST be 0x61CC; Version MUST be 0xFFFF on write; Reserved2 MUST be 0x00;
    Reserved3 undefined (Excel and the xlwings add-in write 0x0001); PerformanceCache MUST
    NOT be present on write. Excel itself writes its own version (0x0085 Excel 2007, 0x00B5
    Excel 16) and a compiled cache: that is Office using its cache, which a writer that is
    not the VBA engine must not imitate (a real version would make Office trust the bytes)."""
    assert ours.vba_project == bytes.fromhex("CC61FFFF000100")
    assert ours.vba_project == read_project(vba_bin(XLWINGS_ADDIN)).vba_project
    assert excel.vba_project[:2] == ours.vba_project[:2] == b"\xcc\x61"
    assert excel.vba_project[4:5] == ours.vba_project[4:5] == b"\x00"
    assert struct.unpack("<H", excel.vba_project[2:4])[0] in (0x0085, 0x00B5)  # as explained


# -- dir stream: PROJECTINFORMATION (2.3.4.2.1) ------------------------------------------------
def test_information_records_in_spec_order_as_excel_writes_them(ours, excel):
    mine = [r.name for r in _section(ours, "PROJECTSYSKIND", "PROJECTCONSTANTS")]
    theirs = [r.name for r in _section(excel, "PROJECTSYSKIND", "PROJECTCONSTANTS")]
    assert mine == INFORMATION
    assert [n for n in mine if n in theirs] == theirs
    assert set(mine) - set(theirs) <= {"PROJECTCOMPATVERSION"}  # optional (2.3.4.2.1.2)


def test_information_record_values(ours, excel):
    r = ours.record
    # 2.3.4.2.1.1: 0 Win16, 1 Win32, 2 Mac, 3 Win64. Ours says 64-bit like Excel 16's
    # quickstart; Excel 2007's says Win32. Either is valid: the project compiles from source.
    assert r("PROJECTSYSKIND").fields["SysKind"] == 3
    assert excel.record("PROJECTSYSKIND").fields["SysKind"] in (1, 3)
    assert r("PROJECTLCID").fields["Lcid"] == 0x0409  # 2.3.4.2.1.3: MUST be 0x00000409
    assert r("PROJECTLCIDINVOKE").fields["LcidInvoke"] == 0x0409  # 2.3.4.2.1.4: MUST be 0x409
    for name, key in (("PROJECTLCID", "Lcid"), ("PROJECTLCIDINVOKE", "LcidInvoke"),
                      ("PROJECTCODEPAGE", "CodePage"), ("PROJECTHELPCONTEXT", "HelpContext"),
                      ("PROJECTLIBFLAGS", "ProjectLibFlags")):
        assert r(name).fields[key] == excel.record(name).fields[key], name
    assert r("PROJECTCODEPAGE").fields["CodePage"] == 1252  # .bas files are kept ASCII
    assert r("PROJECTLIBFLAGS").fields["ProjectLibFlags"] == 0  # 2.3.4.2.1.10: MUST be 0
    assert r("PROJECTNAME").fields["name"] == excel.record("PROJECTNAME").fields["name"]
    for name in ("PROJECTDOCSTRING", "PROJECTHELPFILEPATH", "PROJECTCONSTANTS"):
        # Each text has its Unicode twin (Reserved 0x0040 / 0x003D / 0x003C, checked by the
        # reader); 2.3.4.2.1.8: HelpFile2 MUST equal HelpFile1. All empty, as Excel writes.
        assert r(name).fields["name"] == r(name).fields["unicode"] == ""
        assert excel.record(name).fields["name"] == ""
    version = r("PROJECTVERSION").fields
    assert version["Reserved"] == 4 == excel.record("PROJECTVERSION").fields["Reserved"]  # MUST


def test_compat_version_matches_excel_16(ours):
    quick = read_project(vba_bin(QUICKSTART))
    assert ours.record("PROJECTCOMPATVERSION").fields["Size"] == 4  # 2.3.4.2.1.2: MUST be 4
    assert quick.record("PROJECTCOMPATVERSION").fields["Size"] == 4


# -- dir stream: PROJECTREFERENCES (2.3.4.2.2) -------------------------------------------------
def test_references_are_excels_stdole_and_office(ours):
    """The two references every Excel-made project has (XlsxWriter's reference has exactly
    these). The path inside the Libid differs (OFFICE12 vs OFFICE16, system32 vs System32):
    2.1.1.8 LibidReference: the GUID and version identify the library, the path is a hint."""
    ref = read_project(vba_bin(XLSXWRITER))

    def refs(project):
        return [(r.name, r.fields.get("name") or r.fields["Libid"].split("#")[0])
                for r in _section(project, "REFERENCENAME", "PROJECTMODULES")[:-1]]

    assert refs(ours) == refs(ref)
    for rec in ours.records_named("REFERENCEREGISTERED"):
        f = rec.fields
        assert f["Reserved1"] == 0 and f["Reserved2"] == 0  # 2.3.4.2.2.5: MUST be 0
        assert f["Size"] == 4 + len(f["Libid"]) + 4 + 2  # 2.3.4.2.2.5: Size of what follows
    for rec in ours.records_named("REFERENCENAME"):
        assert rec.fields["name"] == rec.fields["unicode"]  # 2.3.4.2.2.2


# -- dir stream: PROJECTMODULES (2.3.4.2.3) ----------------------------------------------------
def test_module_count_matches_records_and_project_stream(ours, excel):
    for project in (ours, excel):
        modules = _modules(project)
        assert project.record("PROJECTMODULES").fields["Count"] == len(modules)
        listed = [v.split("/")[0] for k, v in project.project_items()
                  if k in ("Module", "Document", "Class")]
        names = [m[0].fields["name"] for m in modules]
        assert sorted(listed) == sorted(names)


def test_cookies_are_0xffff_on_write(ours, excel):
    """2.3.4.2.3.1 PROJECTCOOKIE and 2.3.4.2.3.2.7 MODULECOOKIE: "MUST be ignored on read.
    MUST be 0xFFFF on write." Excel writes its own numbers (it is the reader that ignores
    them); pyopenvba wrote 0 for modules it added — fixed."""
    assert ours.record("PROJECTCOOKIE").fields["Cookie"] == 0xFFFF
    assert {m[6].fields["Cookie"] for m in _modules(ours)} == {0xFFFF}
    assert excel.record("PROJECTCOOKIE").fields["Size"] == 2 == ours.record("PROJECTCOOKIE").fields["Size"]


def test_each_module_record_as_excel_writes_it(ours, excel):
    documents = {v.split("/")[0] for k, v in ours.project_items() if k == "Document"}
    standard = {v for k, v in ours.project_items() if k == "Module"}
    theirs = {tuple(_kind(r.name) for r in m) for m in _modules(excel)}
    assert theirs == {tuple(MODULE)}
    for module in _modules(ours):
        assert [_kind(r.name) for r in module] == MODULE
        f = {_kind(r.name): r for r in module}
        name = f["MODULENAME"].fields["name"]
        # 2.3.4.2.3.2.1–3: the name, its Unicode form and the stream name agree.
        assert f["MODULENAMEUNICODE"].fields["name"] == name
        assert f["MODULESTREAMNAME"].fields["name"] == f["MODULESTREAMNAME"].fields["unicode"] == name
        assert f["MODULEDOCSTRING"].fields["name"] == ""
        assert f["MODULEHELPCONTEXT"].fields["HelpContext"] == 0
        # 2.3.4.2.3.2.8: 0x0021 procedural module, 0x0022 document/class module.
        assert f["MODULETYPE"].name == ("MODULETYPE(procedural)" if name in standard
                                        else "MODULETYPE(document/class)"), name
        assert name in standard | documents
        assert f["MODULETYPE"].fields["Reserved"] == 0 == f["MODULE Terminator"].fields["Reserved"]


def test_module_streams_have_no_performance_cache(ours, excel):
    """2.3.4.3: a module stream is PerformanceCache (TextOffset bytes, MUST be ignored on
    read) then the compressed source. Excel keeps its compiled p-code there; ours starts
    with the source (TextOffset 0, as in the xlwings add-in's module Main), so no compiled
    state from pyopenvba's template survives — fixed for ThisWorkbook and Sheet1."""
    for module in _modules(ours):
        offset = module[4].fields["TextOffset"]
        assert offset == 0
        stream = ours.streams[f"VBA/{module[2].fields['name']}"]
        assert stream[0] == 0x01  # 2.4.1.1.1 CompressedContainer SignatureByte
    assert all(m[4].fields["TextOffset"] > 0 for m in _modules(excel))  # Excel's cache
    addin = read_project(vba_bin(XLWINGS_ADDIN))
    assert 0 in {m[4].fields["TextOffset"] for m in _modules(addin)}


def test_dir_stream_ends_at_its_terminator(ours, excel):
    """2.3.4.2: Terminator 0x0010 then Reserved (4 bytes) MUST be 0 — nothing after it.
    pyopenvba wrote 4 more zero bytes; fixed. (The reader refuses any trailing byte.)"""
    for project in (ours, excel):
        assert project.records[-1].name == "dir Terminator"
        assert project.records[-1].fields["Reserved"] == 0


# -- PROJECT stream (2.3.1) --------------------------------------------------------------------
def test_project_stream_properties_in_excels_order(ours, excel):
    """2.3.1.1 ProjectProperties: ID first, the module lines, then Name, HelpContextID,
    VersionCompatible32, CMG, DPB, GC; then [Host Extender Info] and [Workspace]."""
    def shape(project):
        keys = [k for k, _v in project.project_items()]
        return [k for k in keys if k not in ("Module", "Document", "Class", "BaseClass")]

    assert shape(ours) == shape(excel) == ["ID", "Name", "HelpContextID", "VersionCompatible32",
                                           "CMG", "DPB", "GC"]
    mine, theirs = dict(ours.project_items()), dict(excel.project_items())
    for key in ("Name", "HelpContextID", "VersionCompatible32"):
        assert mine[key] == theirs[key], key
    host = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
    for project in (ours, excel):  # 2.3.1.18 HostExtenders: the VBE extender, as Excel writes it
        lines = project.project_lines()
        assert lines[lines.index("[Host Extender Info]") + 1] == host
        assert "[Workspace]" in lines  # 2.3.1.19 ProjectWorkspace (optional; Excel writes it)
    for _key, value in ours.project_items():
        if _key == "Document":  # 2.3.1.4: DocTlibVer MUST be &H00000000 (ignored on read)
            assert value.endswith("/&H00000000")
    assert ours.project.endswith("\r\n")


def test_project_id_is_the_builds_own(ours, built):
    """2.3.1.2 ProjectId: a GUID, written by the build (not the template's fixed one)."""
    value = dict(ours.project_items())["ID"]
    assert value == '"{' + str(ID).upper() + '}"'
    assert GUID.match(value.strip('"'))
    assert read_project_id(built) == ID


def test_each_build_gets_a_fresh_id_and_a_given_id_is_reproducible(tmp_path, built):
    a, b, c = (tmp_path / n for n in ("a.xlsm", "b.xlsm", "c.xlsm"))
    build_workbook(sample_department(), a)
    build_workbook(sample_department(), b)
    assert read_project_id(a) != read_project_id(b)
    assert None not in (read_project_id(a), read_project_id(b))
    build_workbook(sample_department(), c, project_id=ID)
    assert vba_bin(c) == vba_bin(built)


def test_protection_values_decrypt_for_the_project_id(ours, excel):
    """2.3.1.15–17 CMG/DPB/GC are Data Encryption (2.4.3) of: protection state 4 zero bytes
    (not protected), password 0x00 with Length 1 (no password), visibility 0xFF (visible) —
    exactly what Excel writes for an unprotected project. 2.4.3.2: Version MUST be 2 and
    ProjKey is the checksum of the ProjectCLSID, so a new ID needs them encrypted again."""
    expected = {"CMG": b"\x00\x00\x00\x00", "DPB": b"\x00", "GC": b"\xff"}
    for project in (ours, excel):
        items = dict(project.project_items())
        key = project_key(items["ID"].strip('"'))
        for name, data in expected.items():
            value = items[name].strip('"')
            assert value == value.upper()
            d = decrypt(value)
            assert (d.version, d.project_key, d.data) == (2, key, data), name


# -- PROJECTwm (2.3.3) and the module sources ---------------------------------------------------
def test_projectwm_names_every_module(ours, excel):
    """2.3.3.1 NameMap: MBCS name, 0x00, UTF-16 name, 0x0000 for each module; then 0x0000."""
    for project in (ours, excel):
        raw = project.streams["PROJECTwm"]
        assert raw.endswith(b"\x00\x00")
        names, pos = [], 0
        while raw[pos:pos + 2] != b"\x00\x00":
            end = raw.index(b"\x00", pos)
            mbcs = raw[pos:end].decode("cp1252")
            uend = end + 1
            while raw[uend:uend + 2] != b"\x00\x00":
                uend += 2
            assert raw[end + 1:uend].decode("utf-16-le") == mbcs
            names.append(mbcs)
            pos = uend + 2
        assert pos == len(raw) - 2
        assert sorted(names) == sorted(m[0].fields["name"] for m in _modules(project))


def test_document_modules_read_as_excels(ours):
    """ThisWorkbook and every sheet's module carry exactly the attributes Excel writes."""
    ref = read_project(vba_bin(XLSXWRITER))
    assert ours.modules["ThisWorkbook"] == ref.modules["ThisWorkbook"]
    sheet = ref.modules["Sheet1"]
    for module in _modules(ours):
        name = module[0].fields["name"]
        if name.startswith("Sheet"):
            assert ours.modules[name] == sheet.replace('"Sheet1"', f'"{name}"')


def test_standard_modules_read_back_as_their_source(ours):
    from perf_xl.workbook.vba import project_modules

    for module in project_modules():
        assert ours.modules[module.name] == module.source


def test_storage_holds_what_excel_needs_and_nothing_stale(ours, excel):
    """2.2: PROJECT, PROJECTwm, VBA/_VBA_PROJECT, VBA/dir and one stream per module. Excel
    also keeps __SRP_* streams (its compiled-state caches, not part of the spec's required
    storage) — a writer that compiles nothing has none."""
    required = {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"}
    module_streams = {f"VBA/{m[2].fields['name']}" for m in _modules(ours)}
    assert set(ours.streams) == required | module_streams
    assert required <= set(excel.streams)
    assert {s for s in excel.streams if s not in required and not s.startswith("VBA/__SRP_")} == {
        f"VBA/{m[2].fields['name']}" for m in _modules(excel)}
