"""An independent reader of a VBA project (vbaProject.bin) record by record, written from
[MS-OVBA] for the comparison tests: olefile for the compound file, oletools for the
decompression (2.4.1), and this module for the records. It shares no code with pyopenvba
or perf_xl/workbook/vba.py, so a test can hold one against the other.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import olefile
from oletools.olevba import decompress_stream


@dataclass
class Record:
    """One dir-stream record (2.3.4.2): its Id, its name in the spec and its fields."""
    id: int
    name: str
    fields: dict[str, object]


@dataclass
class Project:
    vba_project: bytes  # the _VBA_PROJECT stream (2.3.4.1)
    project: str  # the PROJECT stream text (2.3.1)
    records: list[Record]
    streams: dict[str, bytes]  # path ("VBA/dir", "PROJECTwm", …) -> bytes
    modules: dict[str, str] = field(default_factory=dict)  # module name -> source

    def project_lines(self) -> list[str]:
        return self.project.split("\r\n")

    def project_items(self) -> list[tuple[str, str]]:
        """The key=value lines of the ProjectProperties part, in order."""
        out = []
        for line in self.project_lines():
            if line.startswith("["):
                break
            if "=" in line:
                key, _, value = line.partition("=")
                out.append((key, value))
        return out

    def records_named(self, name: str) -> list[Record]:
        return [r for r in self.records if r.name == name]

    def record(self, name: str) -> Record:
        [rec] = self.records_named(name)
        return rec


def vba_bin(path: str | Path) -> bytes:
    """The vbaProject.bin of an .xlsm/.xlam, or the bytes of a .bin file."""
    path = Path(path)
    if path.suffix.lower() == ".bin":
        return path.read_bytes()
    with zipfile.ZipFile(path) as z:
        return z.read("xl/vbaProject.bin")


def read_project(data: bytes) -> Project:
    ole = olefile.OleFileIO(io.BytesIO(data))
    streams = {"/".join(p): ole.openstream(p).read() for p in ole.listdir(streams=True)}
    records = parse_dir(decompress_stream(bytearray(streams["VBA/dir"])))
    project = Project(streams["VBA/_VBA_PROJECT"], streams["PROJECT"].decode("cp1252"),
                      records, streams)
    name = None
    for rec in records:
        if rec.name == "MODULENAME":
            name = rec.fields["name"]
        elif rec.name == "MODULESTREAMNAME":
            stream_name = rec.fields["name"]
        elif rec.name == "MODULEOFFSET":
            raw = streams[f"VBA/{stream_name}"]
            text = decompress_stream(bytearray(raw[rec.fields["TextOffset"]:]))
            project.modules[str(name)] = text.decode("cp1252")
    return project


# -- the dir stream (2.3.4.2) --------------------------------------------------------------
# Records whose body is one fixed-size field: Id -> (name, field, struct format).
_FIXED = {
    0x0001: ("PROJECTSYSKIND", "SysKind", "<I"),
    0x004A: ("PROJECTCOMPATVERSION", "CompatVersion", "<I"),
    0x0002: ("PROJECTLCID", "Lcid", "<I"),
    0x0014: ("PROJECTLCIDINVOKE", "LcidInvoke", "<I"),
    0x0003: ("PROJECTCODEPAGE", "CodePage", "<H"),
    0x0007: ("PROJECTHELPCONTEXT", "HelpContext", "<I"),
    0x0008: ("PROJECTLIBFLAGS", "ProjectLibFlags", "<I"),
    0x0013: ("PROJECTCOOKIE", "Cookie", "<H"),
    0x0031: ("MODULEOFFSET", "TextOffset", "<I"),
    0x001E: ("MODULEHELPCONTEXT", "HelpContext", "<I"),
    0x002C: ("MODULECOOKIE", "Cookie", "<H"),
    0x000F: ("PROJECTMODULES", "Count", "<H"),
}
# Records with a text and a Unicode twin: Id -> (name, Reserved id of the twin).
_TEXT_PAIRS = {
    0x0005: ("PROJECTDOCSTRING", 0x0040),
    0x0006: ("PROJECTHELPFILEPATH", 0x003D),
    0x000C: ("PROJECTCONSTANTS", 0x003C),
    0x0016: ("REFERENCENAME", 0x003E),
    0x001A: ("MODULESTREAMNAME", 0x0032),
    0x001C: ("MODULEDOCSTRING", 0x0048),
}
# Records with a 4-byte Reserved field: Id -> name.
_RESERVED = {0x0021: "MODULETYPE(procedural)", 0x0022: "MODULETYPE(document/class)",
             0x0025: "MODULEREADONLY", 0x0028: "MODULEPRIVATE", 0x002B: "MODULE Terminator",
             0x0010: "dir Terminator"}


def parse_dir(data: bytes) -> list[Record]:
    out: list[Record] = []
    pos = 0

    def take(n: int) -> bytes:
        nonlocal pos
        chunk = data[pos:pos + n]
        if len(chunk) != n:
            raise ValueError(f"dir stream ends inside a record at {pos}")
        pos += n
        return chunk

    def u16() -> int:
        return struct.unpack("<H", take(2))[0]

    def u32() -> int:
        return struct.unpack("<I", take(4))[0]

    while pos < len(data):
        rid = u16()
        if rid in _FIXED:
            name, fname, fmt = _FIXED[rid]
            size = u32()
            out.append(Record(rid, name, {"Size": size, fname: struct.unpack(fmt, take(size))[0]}))
        elif rid in _TEXT_PAIRS:
            name, twin = _TEXT_PAIRS[rid]
            text = take(u32())
            reserved = u16()
            if reserved != twin:
                raise ValueError(f"{name}: Reserved 0x{reserved:04X}, expected 0x{twin:04X}")
            unicode = take(u32())
            out.append(Record(rid, name, {"name": text.decode("cp1252"), "Reserved": reserved,
                                          "unicode": unicode.decode("utf-16-le")}))
        elif rid in (0x0004, 0x0019):
            text = take(u32())
            out.append(Record(rid, "PROJECTNAME" if rid == 4 else "MODULENAME",
                              {"name": text.decode("cp1252")}))
        elif rid == 0x0047:
            out.append(Record(rid, "MODULENAMEUNICODE", {"name": take(u32()).decode("utf-16-le")}))
        elif rid == 0x0009:
            reserved = u32()
            out.append(Record(rid, "PROJECTVERSION", {"Reserved": reserved,
                                                      "VersionMajor": u32(), "VersionMinor": u16()}))
        elif rid == 0x000D:
            size = u32()
            libid = take(u32()).decode("cp1252")
            out.append(Record(rid, "REFERENCEREGISTERED", {
                "Size": size, "Libid": libid, "Reserved1": u32(), "Reserved2": u16()}))
        elif rid == 0x000E:
            size = u32()
            absolute = take(u32()).decode("cp1252")
            relative = take(u32()).decode("cp1252")
            out.append(Record(rid, "REFERENCEPROJECT", {
                "Size": size, "LibidAbsolute": absolute, "LibidRelative": relative,
                "MajorVersion": u32(), "MinorVersion": u16()}))
        elif rid == 0x0033:
            out.append(Record(rid, "REFERENCEORIGINAL",
                              {"LibidOriginal": take(u32()).decode("cp1252")}))
        elif rid == 0x002F:
            fields: dict[str, object] = {"SizeTwiddled": u32(),
                                         "LibidTwiddled": take(u32()).decode("cp1252"),
                                         "Reserved1": u32(), "Reserved2": u16()}
            reserved3 = u16()
            if reserved3 == 0x0016:  # NameRecordExtended
                fields["NameExtended"] = take(u32()).decode("cp1252")
                if u16() != 0x003E:
                    raise ValueError("REFERENCECONTROL: NameRecordExtended without 0x003E")
                fields["NameExtendedUnicode"] = take(u32()).decode("utf-16-le")
                reserved3 = u16()
            fields.update({"Reserved3": reserved3, "SizeExtended": u32(),
                           "LibidExtended": take(u32()).decode("cp1252"), "Reserved4": u32(),
                           "Reserved5": u16(), "OriginalTypeLib": take(16).hex(),
                           "Cookie": u32()})
            out.append(Record(rid, "REFERENCECONTROL", fields))
        elif rid in _RESERVED:
            out.append(Record(rid, _RESERVED[rid], {"Reserved": u32()}))
        else:
            raise ValueError(f"unknown dir record 0x{rid:04X} at {pos - 2}")
    return out


# -- the PROJECT stream's obfuscated values (2.4.3) -----------------------------------------
@dataclass
class Decrypted:
    seed: int
    version: int
    project_key: int
    ignored_length: int
    data: bytes


def decrypt(hex_text: str) -> Decrypted:
    """Data Decryption (2.4.3.3) of a CMG / DPB / GC value."""
    enc = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = enc[0], enc[1], enc[2]
    version, key = seed ^ version_enc, seed ^ key_enc
    unencrypted1, encrypted1, encrypted2 = key, key_enc, version_enc
    ignored_length = (seed & 6) // 2
    out = []
    for byte_enc in enc[3:]:
        byte = byte_enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte_enc, byte
    rest = bytes(out[ignored_length:])
    length = struct.unpack("<I", rest[:4])[0]
    if len(rest) - 4 != length:
        raise ValueError(f"{hex_text}: DataLength {length}, {len(rest) - 4} bytes follow")
    return Decrypted(seed, version, key, ignored_length, rest[4:])


def project_key(project_clsid: str) -> int:
    """The ProjKey of 2.4.3.2: the 8-bit sum of the bytes of ProjectId.ProjectCLSID."""
    return sum(project_clsid.encode("ascii")) & 0xFF


GUID = re.compile(r"^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$")
