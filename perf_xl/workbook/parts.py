"""A workbook package edited part by part: parse only the parts that change, copy the rest.

A .xlsx/.xlsm file is a zip of XML parts tied together by relationships (OPC). Editing it
the way Excel-grade tools do means: open the zip, parse the few parts an update changes
(one sheet's XML, its comments and VML, styles.xml, sharedStrings.xml …), write them back,
and copy every other member as it is — the same compressed bytes, in the same order.
``Package`` does exactly that.

Hostile input: the package is checked first (safety.check_workbook_file: size limits, no
DTD); every CRC is verified before anything is written; XML is parsed by lxml with entity
resolution, network access and huge trees switched off.
"""

from __future__ import annotations

import copy
import io
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from lxml import etree

try:  # ISA-L's deflate and inflate: the same streams as zlib's, several times as fast
    from isal import isal_zlib as _zlib
except ImportError:  # (a platform without its wheel: zlib, slower)
    _zlib = zlib

from ..atomic import atomic_target
from ..errors import WorkbookError
from .safety import check_workbook_file, read_regular_file

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
M = f"{{{NS_MAIN}}}"
R_ID = f"{{{NS_R}}}id"

REL_OFFICE = NS_R + "/officeDocument"
REL_WORKSHEET = NS_R + "/worksheet"
REL_STYLES = NS_R + "/styles"
REL_SST = NS_R + "/sharedStrings"
REL_CALC_CHAIN = NS_R + "/calcChain"
REL_COMMENTS = NS_R + "/comments"
REL_VML = NS_R + "/vmlDrawing"
REL_DRAWING = NS_R + "/drawing"
REL_CHART = NS_R + "/chart"

CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CT_SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"

# No entities, no DTD, no network, no trees past libxml2's default limits.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          load_dtd=False, dtd_validation=False)
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# Deflate level of the parts an update writes: level 1 is three times as fast as zlib's
# default 6 for a project sheet and makes it about a quarter larger (every other member
# keeps its own compressed bytes); ISA-L's level 1 is five times as fast again, as small.
_LEVEL = 1
_DATA_DESCRIPTOR = 0x08
# Parts at least this large are deflated (on ``put``) and inflated (``prefetch``) by a worker
# thread while the caller goes on: zlib releases the GIL, so on a machine with a second core
# the (de)compression of a thousand project sheets overlaps with the Python work around it.
_BACKGROUND_SIZE = 16 * 1024
_WORKERS: ThreadPoolExecutor | None = None


def _workers() -> ThreadPoolExecutor:
    global _WORKERS
    if _WORKERS is None:
        _WORKERS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="perf_xl-zip")
    return _WORKERS


def _end_workers() -> None:
    """The worker thread ended, once every job given to it is done (a process with no other
    thread left exits without freeing its objects one by one: cli.run); the next job
    starts another."""
    global _WORKERS
    if _WORKERS is not None:
        _WORKERS.shutdown(wait=True)
        _WORKERS = None


def _deflate(data: bytes) -> tuple[int, bytes]:
    """(CRC-32, raw deflate stream) of a member's bytes at ``_LEVEL``."""
    c = _zlib.compressobj(_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return _zlib.crc32(data), c.compress(data) + c.flush()


def parse_xml(data: bytes, name: str = "") -> etree._Element:
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise WorkbookError(f"工作簿已损坏：{name} 不是有效的 XML（{exc}）") from None
    if root is None:
        raise WorkbookError(f"工作簿已损坏：{name} 是空的")
    return root


_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def xml_bytes(root: etree._Element, declaration: bool = True) -> bytes:
    return (_DECLARATION if declaration else b"") + etree.tostring(root, encoding="UTF-8")


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve(source_part: str, target: str) -> str:
    """The part name a relationship target of ``source_part`` points at."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def relative(source_part: str, part: str) -> str:
    return posixpath.relpath(part, posixpath.dirname(source_part) or ".")


class Rels:
    """The relationships of one part (created empty when the part has none)."""

    def __init__(self, pkg: Package, part: str) -> None:
        self.pkg, self.part, self.name = pkg, part, rels_name(part)
        if pkg.exists(self.name):
            self.root = pkg.xml(self.name)
        else:
            self.root = etree.Element(f"{{{NS_PKG}}}Relationships", nsmap={None: NS_PKG})

    def __iter__(self) -> Iterator[etree._Element]:
        return iter(self.root.findall(f"{{{NS_PKG}}}Relationship"))

    def target(self, rid: str) -> str | None:
        for rel in self:
            if rel.get("Id") == rid and rel.get("TargetMode") != "External":
                return resolve(self.part, rel.get("Target", ""))
        return None

    def targets(self) -> dict[str, str]:
        """Id -> part of every internal relationship."""
        return {rel.get("Id", ""): resolve(self.part, rel.get("Target", "")) for rel in self
                if rel.get("TargetMode") != "External"}

    def of_type(self, rel_type: str) -> list[tuple[str, str]]:
        """(id, part) of every internal relationship of a type."""
        return [(rel.get("Id", ""), resolve(self.part, rel.get("Target", ""))) for rel in self
                if rel.get("Type") == rel_type and rel.get("TargetMode") != "External"]

    def add(self, rel_type: str, part: str) -> str:
        ids = {rel.get("Id") for rel in self}
        n = 1
        while f"rId{n}" in ids:
            n += 1
        rid = f"rId{n}"
        etree.SubElement(self.root, f"{{{NS_PKG}}}Relationship", Id=rid, Type=rel_type,
                         Target=relative(self.part, part))
        self.pkg.put_xml(self.name, self.root)
        return rid

    def remove(self, rid: str) -> None:
        for rel in self:
            if rel.get("Id") == rid:
                self.root.remove(rel)
        if len(self.root):
            self.pkg.put_xml(self.name, self.root)
        elif self.pkg.exists(self.name):
            self.pkg.remove(self.name)


class Package:
    """The zip members of a workbook; ``save`` writes changed parts and copies the rest."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.data = read_regular_file(self.path, WorkbookError)  # (a FIFO is never opened)
        self.kind = check_workbook_file(self.path, self.data)
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(self.data))
        except Exception as exc:
            raise WorkbookError(f"工作簿已损坏，无法解压：{exc}", path=str(self.path)) from None
        self._infos = {i.filename: i for i in self._zip.infolist()}
        self._order = [i.filename for i in self._zip.infolist()]
        self._new: dict[str, bytes] = {}
        self._trees: dict[str, etree._Element] = {}
        self._dirty: set[str] = set()
        self._removed: set[str] = set()
        self._added: list[str] = []
        self._bare: set[str] = set()  # parts written without an XML declaration
        # Members inflated once and kept: a sheet read for its formulas is the sheet edited.
        self._inflated: dict[str, bytes] = {}
        self._verified: set[str] = set()  # CRC checked (zipfile checks it on every read)
        self._deflating: dict[str, tuple[bytes, Future]] = {}  # name -> (data, its deflate)
        self._inflating: dict[str, Future] = {}  # name -> its inflate (``prefetch``)
        self._free: dict[str, int] = {}
        # Every CRC is checked before anything is written: the worksheets (nearly all of the
        # bytes) when they are read or, at the latest, by ``save``; every other member now.
        self.verify(n for n in self._order if not _is_worksheet(n))
        # The worksheets are nearly always read next (for their formulas, then edited):
        # inflated meanwhile, while the caller reads the values (calamine) or the model.
        self.prefetch(self.worksheets())

    def verify(self, names: Iterable[str] | None = None) -> None:
        """Inflate the members not yet checked and compare their CRCs (a damaged member is a
        WorkbookError naming it)."""
        for name in self._order if names is None else names:
            if name in self._inflating:
                self.original(name)  # (being inflated: checked there)
            if name in self._verified or name not in self._infos:
                continue
            self._inflate(name)

    def _inflate(self, name: str) -> bytes:
        info = self._infos[name]
        try:
            data = self._inflate_raw(info)
            if data is None:  # (an unusual member: zipfile reads it, and checks it)
                data = self._zip.read(name)
            elif len(data) != info.file_size or _zlib.crc32(data) != info.CRC:
                raise zipfile.BadZipFile("CRC 或长度不符")
        except Exception as exc:
            raise WorkbookError(f"工作簿已损坏：{name} 无法解压或校验失败（{exc}）",
                                path=str(self.path)) from None
        self._verified.add(name)
        return data

    def _inflate_raw(self, info: zipfile.ZipInfo) -> bytes | None:
        """A stored or deflated member inflated straight from the file's bytes (what
        zipfile.read does, without the cost of opening the member); None for any other."""
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
            return None
        raw = self._raw(info)
        if info.compress_type == zipfile.ZIP_STORED:
            return bytes(raw)
        d = _zlib.decompressobj(-zlib.MAX_WBITS)
        data = d.decompress(raw, info.file_size + 1)
        if not d.eof:
            raise zipfile.BadZipFile("压缩数据不完整")
        return data

    def _raw(self, info: zipfile.ZipInfo) -> memoryview:
        """The member's compressed bytes, found through its local header."""
        head = self.data[info.header_offset:info.header_offset + 30]
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise WorkbookError(f"工作簿已损坏：{info.filename} 的文件头无效", path=str(self.path))
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        start = info.header_offset + 30 + name_len + extra_len
        return memoryview(self.data)[start:start + info.compress_size]

    def original(self, name: str) -> bytes:
        """The member as the file holds it, inflated (kept for the worksheets, which are
        read for their formulas and then edited)."""
        data = self._inflated.get(name)
        if data is None:
            pending = self._inflating.pop(name, None)
            data = pending.result() if pending is not None else self._inflate(name)
            if _is_worksheet(name):
                self._inflated[name] = data
        return data

    def prefetch(self, names: Iterable[str]) -> None:
        """Start inflating these members (the large ones) in a worker thread: ``original``
        takes the result, or the error, when it gets there."""
        for name in names:
            info = self._infos.get(name)
            if (info is not None and name not in self._inflated and name not in self._inflating
                    and info.file_size >= _BACKGROUND_SIZE):
                self._inflating[name] = _workers().submit(self._inflate, name)

    def worksheets(self) -> list[str]:
        return [n for n in self._order if _is_worksheet(n)]

    # -- members -------------------------------------------------------------------------------
    def exists(self, name: str) -> bool:
        return name not in self._removed and (
            name in self._infos or name in self._new or name in self._dirty)

    def names(self) -> list[str]:
        return [n for n in self._order + self._added if self.exists(n)]

    def read(self, name: str) -> bytes:
        if name in self._dirty:
            # A part keeps what it had: VML drawings come without an XML declaration.
            bare = name in self._bare or (name not in self._infos and name.endswith(".vml"))
            return xml_bytes(self._trees[name], declaration=not bare)
        if name in self._new:
            return self._new[name]
        if name in self._removed or name not in self._infos:
            raise WorkbookError(f"工作簿已损坏：缺少 {name}", path=str(self.path))
        return self.original(name)

    def xml(self, name: str) -> etree._Element:
        """The parsed part (parsed once; changes to it are saved after ``put_xml``)."""
        if name not in self._trees:
            data = self.read(name)
            if data.lstrip()[:5] != b"<?xml":
                self._bare.add(name)
            self._trees[name] = parse_xml(data, name)
        return self._trees[name]

    def put_xml(self, name: str, root: etree._Element) -> None:
        self._trees[name] = root
        self._dirty.add(name)
        self._new.pop(name, None)
        self._track(name)

    def put(self, name: str, data: bytes) -> None:
        self._new[name] = data
        self._dirty.discard(name)
        self._trees.pop(name, None)
        self._track(name)
        if len(data) >= _BACKGROUND_SIZE:  # deflated meanwhile (see _BACKGROUND_SIZE)
            self._deflating[name] = (data, _workers().submit(_deflate, data))
        else:
            self._deflating.pop(name, None)

    def _track(self, name: str) -> None:
        self._removed.discard(name)
        if name not in self._infos and name not in self._added:
            self._added.append(name)

    def remove(self, name: str) -> None:
        self._removed.add(name)
        self._new.pop(name, None)
        self._dirty.discard(name)
        self._trees.pop(name, None)
        if name in self._added:
            self._added.remove(name)
        ct = self.content_types()
        for o in ct.findall(f"{{{NS_CT}}}Override"):
            if o.get("PartName") == "/" + name:
                ct.remove(o)
                self.put_xml("[Content_Types].xml", ct)

    def changed(self) -> list[str]:
        """Members that will not be copied as they are (written, added or removed)."""
        edited = {n for n in set(self._new) | self._dirty
                  if n not in self._infos or not self._same(n, self.read(n))}
        return sorted(edited | (self._removed & set(self._infos)))

    def free_name(self, pattern: str) -> str:
        """The first unused part name of a numbered pattern such as "xl/comments{}.xml"."""
        n = self._free.get(pattern, 1)
        while self.exists(pattern.format(n)):
            n += 1
        self._free[pattern] = n  # (names are only ever taken after this one)
        return pattern.format(n)

    # -- content types -----------------------------------------------------------------------
    def content_types(self) -> etree._Element:
        return self.xml("[Content_Types].xml")

    def add_part(self, name: str, root_or_data: etree._Element | bytes, content_type: str) -> None:
        """A new part, declared in [Content_Types].xml (an Override, or the extension's
        Default when that is what the type needs)."""
        if isinstance(root_or_data, bytes):
            self.put(name, root_or_data)
        else:
            self.put_xml(name, root_or_data)
        ct = self.content_types()
        ext = name.rsplit(".", 1)[-1].lower()
        for d in ct.findall(f"{{{NS_CT}}}Default"):
            if (d.get("Extension") or "").lower() == ext and d.get("ContentType") == content_type:
                return
        if ext == "vml":  # VML parts are declared by extension, as Excel does
            etree.SubElement(ct, f"{{{NS_CT}}}Default", Extension="vml", ContentType=content_type)
            ct.insert(0, ct[-1])
        else:
            etree.SubElement(ct, f"{{{NS_CT}}}Override", PartName="/" + name,
                             ContentType=content_type)
        self.put_xml("[Content_Types].xml", ct)

    # -- writing -------------------------------------------------------------------------------
    def save(self, target: str | Path | None = None) -> None:
        """Write the package atomically: changed parts deflated, every other member
        copied as the same compressed bytes, all in the original order, new parts last."""
        target = Path(target) if target is not None else self.path
        plan: list[tuple[str, bytes | None]] = []
        for name in self._order:
            if name in self._removed:
                continue
            data = self.read(name) if name in self._new or name in self._dirty else None
            if data is not None and self._same(name, data):
                data = None  # changed and changed back: the original bytes
            plan.append((name, data))
        # Nothing is written before every member that is copied has passed its CRC check.
        self.verify(name for name, data in plan if data is None)
        with (atomic_target(target) as tmp, open(tmp, "wb") as fh,
              zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out):
            for name, data in plan:
                info = self._infos[name]
                if data is None:
                    self._copy_raw(out, info)
                else:
                    self._write_new(out, name, data, info.date_time, info.external_attr)
            for name in self._added:
                self._write_new(out, name, self.read(name), _FIXED_TIME, 0o600 << 16)
        self._deflating.clear()
        if not self._inflating:
            _end_workers()

    def _same(self, name: str, data: bytes) -> bool:
        """``data`` is what the file holds for the member (CRC and size first)."""
        info = self._infos.get(name)
        if info is None or len(data) != info.file_size:
            return False
        deflated = self._deflated(name, data, wait=False)
        if (deflated[0] if deflated is not None else _zlib.crc32(data)) != info.CRC:
            return False
        return data == self.original(name)

    def _deflated(self, name: str, data: bytes, wait: bool = True) -> tuple[int, bytes] | None:
        """(CRC, deflated bytes) of ``data`` from the worker, if it deflated these bytes
        (and, unless ``wait``, is done)."""
        pending = self._deflating.get(name)
        if pending is None or pending[0] is not data or not (wait or pending[1].done()):
            return None
        return pending[1].result()

    def _write_new(self, out: zipfile.ZipFile, name: str, data: bytes, when, attr: int) -> None:
        """A member deflated at ``_LEVEL``, with the header and directory entry zipfile's
        ``writestr`` writes (on a seekable file); the worker's deflate when there is one."""
        info = zipfile.ZipInfo(name, date_time=when)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = attr or 0o600 << 16
        crc, raw = self._deflated(name, data) or _deflate(data)
        info.file_size, info.compress_size, info.CRC = len(data), len(raw), crc
        info.header_offset = out.fp.tell()
        out.fp.write(info.FileHeader(info.file_size * 1.05 > zipfile.ZIP64_LIMIT))
        out.fp.write(raw)
        out.filelist.append(info)
        out.NameToInfo[name] = info
        out.start_dir = out.fp.tell()
        out._didModify = True

    def _copy_raw(self, out: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        """The member's compressed bytes as they are (no inflate, no deflate)."""
        raw = self._raw(info)
        clone = copy.copy(info)
        clone.flag_bits &= ~_DATA_DESCRIPTOR  # sizes and CRC go into the local header
        clone.header_offset = out.fp.tell()
        out.fp.write(clone.FileHeader())
        out.fp.write(raw)
        out.filelist.append(clone)
        out.NameToInfo[clone.filename] = clone
        out.start_dir = out.fp.tell()
        out._didModify = True
