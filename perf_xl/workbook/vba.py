"""The workbook's VBA project, made from text: the project's own modules in ``macros/``
plus the xlwings module of the installed xlwings package (its ``XLWINGS_VERSION`` must
match the Python side, so it is never copied into this repository).

pyopenvba writes the project (document modules named after the sheets' code names, then the
standard modules); ``conform`` then brings its bytes to the letter of [MS-OVBA] where
pyopenvba's template does not (this is the one place that touches them; see its docstring);
XlsxWriter embeds the resulting vbaProject.bin. tests/workbook/test_vba_conformance.py holds
every record against the spec and against Excel-made projects.
"""

from __future__ import annotations

import importlib.util
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import WorkbookError
from ..resources import macros_dir

if TYPE_CHECKING:  # (uuid, hashlib, tempfile: only a build needs them, not an update)
    import uuid

WORKBOOK_CODE_NAME = "ThisWorkbook"


@dataclass(frozen=True)
class Module:
    name: str
    source: str  # CRLF line ends, as the VBA editor stores them


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def _module_name(source: str, fallback: str) -> str:
    first = source.split("\n", 1)[0]
    if first.startswith("Attribute VB_Name"):
        return first.split("=", 1)[1].strip().strip('"')
    return fallback


def xlwings_bas_path() -> Path:
    """xlwings.bas of the installed xlwings, found without importing xlwings."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise WorkbookError("未安装 xlwings：生成工作簿需要其 VBA 模块（pip install xlwings）")
    path = Path(next(iter(spec.submodule_search_locations))) / "xlwings.bas"
    if not path.is_file():
        raise WorkbookError(f"xlwings 安装不完整：找不到 {path}")
    return path


def project_modules(macros: Path | None = None) -> list[Module]:
    """The standard modules the workbook must hold: macros/*.bas (sorted) and xlwings."""
    folder = macros or macros_dir()
    modules = []
    for path in sorted(folder.glob("*.bas")):
        text = path.read_bytes().decode("ascii")  # VBA code page: keep macros ASCII
        modules.append(Module(_module_name(text, path.stem), _crlf(text)))
    xlwings_text = xlwings_bas_path().read_bytes().decode("ascii")
    modules.append(Module("xlwings", _crlf(xlwings_text)))
    return modules


def vba_project_bin(sheet_code_names: list[str], modules: list[Module],
                    project_id: uuid.UUID | None = None) -> bytes:
    """vbaProject.bin for a workbook whose sheets have ``sheet_code_names`` (in order).

    ``project_id`` is the project's ID (a new random one when not given); the bytes depend
    only on the arguments."""
    import tempfile

    import pyopenvba
    import xlsxwriter
    from pyopenvba.vba import VBAModuleKind

    with tempfile.TemporaryDirectory(prefix="perfxl-vba-") as tmp:
        skeleton = Path(tmp) / "skeleton.xlsm"
        book = xlsxwriter.Workbook(str(skeleton))
        book.set_vba_name(WORKBOOK_CODE_NAME)
        for i, code_name in enumerate(sheet_code_names):
            book.add_worksheet(f"S{i}").set_vba_name(code_name)
        book.close()
        with pyopenvba.ExcelFile(str(skeleton)) as xf:
            project = xf.add_vba_project()
            for module in modules:
                project.add_module(module.name, module.source, kind=VBAModuleKind.standard)
            out = Path(tmp) / "with-vba.xlsm"
            xf.save(str(out))
            problems = xf.validate()
        if problems:
            raise WorkbookError("VBA 工程生成失败：" + "；".join(problems))
        with zipfile.ZipFile(out) as z:
            raw = z.read("xl/vbaProject.bin")
    import uuid

    return conform(raw, project_id or uuid.uuid4())



# -- [MS-OVBA] conformance of pyopenvba's output ----------------------------------------------
# The 7-byte _VBA_PROJECT stream (2.3.4.1): Reserved1 0x61CC, Version 0xFFFF ("MUST be 0xFFFF
# on write"), Reserved2 0x00, Reserved3 0x0001, and no PerformanceCache ("MUST NOT be present
# on write"). Version 0xFFFF makes every Office version compile the modules from source.
VBA_PROJECT_STREAM = bytes.fromhex("CC61FFFF000100")
COOKIE_ON_WRITE = 0xFFFF  # PROJECTCOOKIE / MODULECOOKIE: "MUST be 0xFFFF on write" (2.3.4.2.3)
_PROJECTVERSION = 0x0009  # Id, Reserved(4) = 4, VersionMajor(4), VersionMinor(2): 6 bytes, not 4
_DIR_TERMINATOR = 0x0010


def conform(vba_bin: bytes, project_id: uuid.UUID) -> bytes:
    """pyopenvba's vbaProject.bin made conformant to [MS-OVBA] (what pyopenvba 6.5's blank
    template gets wrong, each fixed here rather than in a fork):

    - ``_VBA_PROJECT`` (2.3.4.1): its Version 0x00B5 and 2,537 bytes of zeroed
      PerformanceCache become the 7-byte stream ``VBA_PROJECT_STREAM``;
    - the module streams (2.3.4.3): the template's stale PerformanceCache in front of the
      ThisWorkbook/Sheet1 source is dropped and MODULEOFFSET.TextOffset set to 0, so no
      compiled state from another project is left;
    - the dir stream (2.3.4.2): the 4 stray bytes pyopenvba writes after the Terminator's
      Reserved field are dropped; PROJECTCOOKIE and every MODULECOOKIE become 0xFFFF;
    - the PROJECT stream (2.3.1): ``ID`` (2.3.1.2) is ``project_id`` instead of the
      template's fixed GUID, and CMG/DPB/GC (2.3.1.15–17), whose Data Encryption key is the
      checksum of that ID (2.4.3.2), are encrypted again for it: not protected, no
      password, visible — the values pyopenvba wrote.
    """
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import compress, decompress

    cfb = CFB.from_bytes(vba_bin)
    dir_stream, offsets = _conform_dir(decompress(cfb.get_stream_in_storage("VBA", "dir")))
    cfb.write_stream_in_storage("VBA", "dir", compress(dir_stream))
    for stream_name, offset in offsets.items():
        if offset:
            module = cfb.get_stream_in_storage("VBA", stream_name)
            cfb.write_stream_in_storage("VBA", stream_name, module[offset:])
    cfb.write_stream_in_storage("VBA", "_VBA_PROJECT", VBA_PROJECT_STREAM)
    project = cfb.get_stream("PROJECT").decode("cp1252")
    cfb.write_stream("PROJECT", _conform_project(project, project_id).encode("cp1252"))
    return cfb.to_bytes()


def _conform_dir(data: bytes) -> tuple[bytes, dict[str, int]]:
    """The dir stream with cookies 0xFFFF, TextOffsets 0 and nothing after its Terminator;
    and each module stream's old TextOffset."""
    out = bytearray()
    offsets: dict[str, int] = {}
    stream_name = ""
    pos = 0
    while True:
        if pos + 6 > len(data):
            raise WorkbookError("VBA 工程生成失败：dir 流没有结束记录")
        rid, size = struct.unpack_from("<HI", data, pos)
        if rid == _PROJECTVERSION:
            out += data[pos:pos + 12]
            pos += 12
            continue
        body = data[pos + 6:pos + 6 + size]
        pos += 6 + size
        if rid in (0x0013, 0x002C):  # PROJECTCOOKIE, MODULECOOKIE
            body = struct.pack("<H", COOKIE_ON_WRITE)
        elif rid == 0x001A:  # MODULESTREAMNAME
            stream_name = body.decode("cp1252")
        elif rid == 0x0031:  # MODULEOFFSET
            offsets[stream_name] = struct.unpack("<I", body)[0]
            body = struct.pack("<I", 0)
        out += struct.pack("<HI", rid, len(body)) + body
        if rid == _DIR_TERMINATOR:
            return bytes(out), offsets


def _conform_project(text: str, project_id: uuid.UUID) -> str:
    clsid = "{" + str(project_id).upper() + "}"
    values = {"ID": clsid, "CMG": encrypt(b"\0\0\0\0", clsid, salt="CMG"),
              "DPB": encrypt(b"\0", clsid, salt="DPB"), "GC": encrypt(b"\xff", clsid, salt="GC")}
    for key, value in values.items():
        text, n = re.subn(rf'(?m)^{key}="[^"\r\n]*"', f'{key}="{value}"', text, count=1)
        if n != 1:
            raise WorkbookError(f"VBA 工程生成失败：PROJECT 流中没有 {key}")
    return text


def encrypt(data: bytes, project_clsid: str, *, salt: str) -> str:
    """Data Encryption ([MS-OVBA] 2.4.3.2) of ``data`` for the project ``project_clsid``
    ("{…}"), as upper-case hex. The spec leaves Seed and the IgnoredEnc bytes free; they are
    taken from a hash of the ID and ``salt``, so a given ID always gives the same text."""
    import hashlib

    free = hashlib.sha256(f"{project_clsid}/{salt}".encode("ascii")).digest()
    seed, version = free[0], 2
    key = sum(project_clsid.encode("ascii")) & 0xFF
    version_enc, key_enc = seed ^ version, seed ^ key
    out = bytearray([seed, version_enc, key_enc])
    unencrypted1, encrypted1, encrypted2 = key, key_enc, version_enc
    ignored = free[1:1 + (seed & 6) // 2]
    for byte in ignored + struct.pack("<I", len(data)) + data:
        byte_enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(byte_enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte_enc, byte
    return out.hex().upper()


def read_project_id(path: str | Path) -> uuid.UUID | None:
    """The project ID (PROJECT stream ``ID``) of a workbook's VBA project, if it has one."""
    from pyopenvba.cfb import CFB

    with zipfile.ZipFile(path) as z:
        if "xl/vbaProject.bin" not in z.namelist():
            return None
        text = CFB.from_bytes(z.read("xl/vbaProject.bin")).get_stream("PROJECT").decode("cp1252")
    found = re.search(r'(?m)^ID="\{([0-9A-Fa-f-]{36})\}"', text)
    import uuid

    return uuid.UUID(found.group(1)) if found else None
