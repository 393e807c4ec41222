"""Many departments' files into one bureau summary (``perf-xl consolidate``).

    result = consolidate(["收件/"], exclude=["汇总.xlsx"])
    result.write("汇总.xlsx")      # the bureau file, with 文件清单 (read and skipped files)

Inputs are master workbooks (.xlsm/.xlsx), 绩效文本 (.txt/.md), model JSON and .docx, named
one by one or found in folders (recursively, in natural name order). Each is read with
:func:`perf_xl.sources.load` (workbooks through python-calamine) and validated; a file that
cannot be read — damaged, truncated, renamed, unrelated, an unsupported type — is skipped
with its reason in Chinese and never stops the run. Files whose name starts with "." or
"~$" (hidden files, Office lock files) are ignored silently.

Reading is CPU-bound (unzip, XML, rules): with enough files it runs in a process pool,
one worker per available core.

Exit status (the command's, see :attr:`Consolidation.exit_code`), consistent with
``perf-xl validate``: 0 = everything was read and no error-severity finding; 1 = the
summary was made but needs attention (an error-severity finding in some input, or a file
skipped); 2 = nothing could be read.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import PerfXLError
from .model import Department
from .summary import Summary, Summing, summarize, unit_label
from .vocabulary import ERROR

if TYPE_CHECKING:
    from .rules import RuleConfig

Progress = Callable[[int, int, str], None]  # (done, total, file just finished)

IGNORED_NAMES = ("Thumbs.db", "desktop.ini")
KIND_LABELS = {"workbook": "主工作簿", "text": "绩效文本", "json": "模型 JSON", "docx": "Word 文档"}
MIN_FILES_FOR_POOL = 6  # below this the pool's start-up costs more than it saves


@dataclass
class Input:
    """One file that was read."""

    path: Path
    name: str  # as shown: relative to the folder it was found in, or as given
    department: Department
    kind: str  # workbook | text | json | docx
    findings: list[dict[str, Any]]
    remarks: list[str] = field(default_factory=list)  # e.g. sheets left out (PT502)
    # summarize(department, findings), made where the file was read (a worker): the bureau
    # file's rows and the 文件清单 figures both come from it.
    summary: Summary | None = field(default=None, repr=False, compare=False)

    def own_summary(self) -> Summary:
        if self.summary is None:
            # Counted by unit_index, as the consolidation counts it (summary.Summing.add),
            # so that the consolidation can take these counts over.
            self.summary = summarize(self.department, [{**f, "unit_index": 0} for f in self.findings])
        return self.summary


@dataclass
class Skipped:
    """One file that could not be read, and why (Chinese)."""

    path: Path
    name: str
    reason: str


@dataclass
class Consolidation:
    entries: list[Input | Skipped]  # every file, in input order
    summary: Summary
    findings: list[dict[str, Any]]  # every input's findings, with unit_index, unit_code, source
    notes: list[str]
    seconds: float = 0.0
    output: Path | None = None  # the bureau workbook, when one was written

    @property
    def inputs(self) -> list[Input]:
        return [e for e in self.entries if isinstance(e, Input)]

    @property
    def skipped(self) -> list[Skipped]:
        return [e for e in self.entries if isinstance(e, Skipped)]

    @property
    def departments(self) -> list[Department]:
        return [e.department for e in self.inputs]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.get("severity") == ERROR)

    @property
    def incomplete(self) -> list[Input]:
        """Inputs whose figures leave out a project sheet or a row (see their remarks)."""
        return [e for e in self.inputs if any(r.startswith("合计不完整") for r in e.remarks)]

    @property
    def exit_code(self) -> int:
        return 1 if self.errors or self.skipped or self.incomplete else 0

    def file_rows(self) -> list[dict[str, Any]]:
        """Rows of the 文件清单 sheet (keys of perf_xl.sinks.bureau.FILE_COLUMNS)."""
        from .sinks.bureau import FILE_READ, FILE_SKIPPED

        rows = []
        unit_index = {id(e): i for i, e in enumerate(self.inputs)}
        for e in self.entries:
            if isinstance(e, Skipped):
                rows.append({"文件": e.name, "状态": FILE_SKIPPED, "说明": e.reason})
                continue
            rows.append({
                "文件": e.name, "状态": FILE_READ, "类型": KIND_LABELS.get(e.kind, e.kind),
                "单位": unit_label(e.department, unit_index[id(e)]),
                **_file_figures(e.own_summary()),
                "说明": "；".join(e.remarks),
            })
        return rows

    def lifecycle(self) -> dict[str, Any] | None:
        """Projects by light, average self-evaluation score and grades, per unit and funding
        line, when the workbooks carry monitoring or self-evaluation (perf_xl.lifecycle)."""
        from .lifecycle.summary import lifecycle_summary

        depts = self.departments
        return lifecycle_summary(depts, [unit_label(d, i) for i, d in enumerate(depts)])

    def write(self, path: str | Path, *, pdf: bool = False) -> Path:
        """The bureau summary workbook (and PDF): perf_xl.sinks.bureau with a 文件清单 sheet."""
        from .sinks.bureau import write_bureau_file

        return write_bureau_file(self.departments, self.findings, path, pdf=pdf,
                                 files=self.file_rows(), notes=self.notes)


# -- finding the files ---------------------------------------------------------------------------
def _natural(text: str) -> list[Any]:
    return [int(t) if t.isdigit() else t.casefold() for t in re.split(r"(\d+)", text)]


def _ignored(path: Path) -> bool:
    return path.name.startswith((".", "~$")) or path.name in IGNORED_NAMES


class Found(tuple):
    """(path, name shown) of one file to consolidate; ``reason`` (Chinese) when it is listed
    but not read: a symbolic link leaving the folder, a dangling link, an unreadable entry."""

    reason: str | None

    def __new__(cls, path: Path, name: str, reason: str | None = None) -> Found:
        self = super().__new__(cls, (path, name))
        self.reason = reason
        return self


def collect(args: Iterable[str | Path], exclude: Iterable[str | Path] = ()) -> list[Found]:
    """The files to consolidate, as (path, name shown): each file named, and every file in
    each folder named (recursively, natural order). A named path that does not exist is
    kept: reading it reports it as skipped. ``exclude``: files never taken (the output).
    In a folder, symbolic links are not followed out of it, links inside it are not
    counted twice, and dangling links and unreadable entries are listed with a reason."""
    excluded = {_key(Path(p)) for p in exclude}
    found: list[Found] = []
    seen: set[str] = set()
    for arg in args:
        root = Path(arg)
        items = _scan_folder(root) if root.is_dir() else [Found(root, str(arg))]
        for item in items:
            if item.reason is not None:  # listed, never read: not a duplicate of anything
                found.append(item)
                continue
            key = _key(item[0])
            if key in excluded or key in seen:
                continue
            seen.add(key)
            found.append(item)
    return found


def _scan_folder(root: Path) -> list[Found]:
    real_root = os.path.realpath(root)
    items: list[Found] = []

    def listed(path: Path, reason: str | None = None) -> None:
        items.append(Found(path, path.relative_to(root).as_posix(), reason))

    def unreadable(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else root
        with contextlib.suppress(ValueError):
            listed(where, f"无法读取文件夹（{exc.strerror or exc}），其中的文件未计入")

    for folder, dirs, files in os.walk(root, onerror=unreadable, followlinks=False):
        base = Path(folder)
        rel_parts = base.relative_to(root).parts
        if any(part.startswith(".") for part in rel_parts):
            dirs[:] = []
            continue
        for d in list(dirs):
            link = base / d
            if link.is_symlink() and not d.startswith("."):
                reason = _link_reason(link, real_root, folder=True)
                listed(link, reason)
        for name in files:
            path = base / name
            if _ignored(path):
                continue
            if path.is_symlink():
                reason = _link_reason(path, real_root, folder=False)
                listed(path, reason)
                continue
            try:
                st = os.stat(path)
            except OSError as exc:
                listed(path, f"无法读取（{exc.strerror or exc}）")
                continue
            if not stat.S_ISREG(st.st_mode):
                listed(path, "不是普通文件（管道、设备或套接字），未读取")
            elif not os.access(path, os.R_OK):
                listed(path, "没有读取权限，未计入")
            else:
                listed(path)
    items.sort(key=lambda f: _natural(f[1]))
    return items


def _link_reason(link: Path, real_root: str, *, folder: bool) -> str:
    """Why a symbolic link in the folder is listed but not read: it leaves the folder, dangles,
    or points inside it (what it points at is read where it is)."""
    target = os.path.realpath(link)
    shown = os.readlink(link)
    if not os.path.exists(target):
        return f"符号链接指向的文件不存在（{shown}），未计入"
    inside = os.path.commonpath([real_root, target]) == real_root
    if not inside:
        return f"符号链接指向汇总文件夹之外（{shown}），为免把其他单位的文件计入，未读取"
    where = "文件夹" if folder else "文件"
    return f"指向汇总文件夹内{where}的符号链接（{shown}），已按原位置计入，不重复计算"


def _key(path: Path) -> str:
    try:
        return os.path.normcase(str(path.resolve()))
    except OSError:
        return os.path.normcase(str(path.absolute()))


# -- reading one file -------------------------------------------------------------------------
def read_one(path: Path, name: str, config: RuleConfig | None = None) -> Input | Skipped:
    """Read and validate one file; never raises for a bad file."""
    from .operations import findings_of
    from .sources import load
    from .workbook.read import ReadResult

    try:
        loaded = load(path)
    except PerfXLError as exc:
        return Skipped(path, name, reason_of(exc))
    except Exception as exc:  # a reader's own bug must not stop the bureau's run
        return Skipped(path, name, f"读取时发生意外错误（{type(exc).__name__}：{exc}）")
    from .workbook.read import incomplete_note

    remarks = []
    incomplete = incomplete_note(loaded.problems)
    if incomplete:
        remarks.append(incomplete.removeprefix("注意："))
    if not loaded.department.projects:
        remarks.append("文件中没有项目")
    try:
        findings = [f.to_dict() for f in findings_of(ReadResult(loaded.department, loaded.problems), config)]
    except Exception as exc:  # keep the figures even if a rule trips over this input
        findings = []
        remarks.append(f"校验时发生意外错误（{type(exc).__name__}：{exc}），本文件未校验")
    entry = Input(path, name, loaded.department, loaded.kind, findings, remarks)
    with contextlib.suppress(Exception):  # (made again, and failing there, by the caller)
        entry.own_summary()
    return entry


def reason_of(exc: PerfXLError) -> str:
    """The message with its place inside the file (line, sheet, cell), without the path."""
    return exc.describe(with_path=False)


def _read_job(job: tuple[int, Path, str, Any]) -> tuple[int, Input | Skipped]:
    index, path, name, config = job
    return index, read_one(path, name, config)


# -- many files -------------------------------------------------------------------------------
def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # type: ignore[attr-defined]
    except AttributeError:
        return os.cpu_count() or 1


def consolidate(inputs: Iterable[str | Path], *, exclude: Iterable[str | Path] = (),
                config: RuleConfig | None = None, jobs: int | None = None,
                progress: Progress | None = None, output: str | Path | None = None) -> Consolidation:
    """Read every file named or found in the folders named (see :func:`collect`), validate
    it and sum it all up. ``jobs``: worker processes (None: one per core when there are
    enough files; 1: all in this process). ``progress(done, total, name)`` after each file.
    ``output``: also write the bureau workbook there (see :func:`consolidate_files`)."""
    excluded = [*exclude, *((output,) if output is not None else ())]
    return consolidate_files(collect(inputs, excluded), config=config, jobs=jobs, progress=progress,
                             output=output)


def consolidate_files(files: Sequence[tuple[Path, str]], *, config: RuleConfig | None = None,
                      jobs: int | None = None, progress: Progress | None = None,
                      output: str | Path | None = None) -> Consolidation:
    """:func:`consolidate` over (path, name shown) pairs, as :func:`collect` gives them.

    With ``output`` the bureau workbook (perf_xl.sinks.bureau, with 文件清单) is written
    while the files are read: each department's rows go in as soon as it and every file
    before it are read, so the writing overlaps the reading. The file is replaced
    atomically, and not at all when nothing could be read (``Consolidation.output`` None)."""
    with _no_cyclic_gc():
        return _consolidate_files(list(files), config, jobs, progress, output)


@contextlib.contextmanager
def _no_cyclic_gc():
    """The collector off while consolidating: the run allocates hundreds of thousands of
    objects that refcounting frees (no cycles), and full collections over the growing heap
    cost ~10% of the time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _consolidate_files(files: list[tuple[Path, str]], config: RuleConfig | None, jobs: int | None,
                       progress: Progress | None, output: str | Path | None) -> Consolidation:
    start = time.perf_counter()
    if output is None:
        gathered = _InOrder(None)
        return _combine(_read_all(files, config, jobs, progress, gathered), time.perf_counter() - start, gathered)
    from .atomic import atomic_target
    from .sinks.bureau import BureauBook, check_target

    target = check_target(output)
    try:
        with atomic_target(target) as tmp:
            book = BureauBook(tmp, multi=True, with_files=True, with_source=True)
            try:
                gathered = _InOrder(book)
                entries = _read_all(files, config, jobs, progress, gathered)
                result = _combine(entries, 0.0, gathered)
                if not result.inputs:
                    raise _NothingRead(result)
                book.finish(result.departments, result.summary, files=result.file_rows(), notes=result.notes)
            except BaseException:
                book.discard()
                raise
    except _NothingRead as nothing:
        nothing.result.seconds = time.perf_counter() - start
        return nothing.result
    result.output = target
    result.seconds = time.perf_counter() - start
    return result


class _NothingRead(Exception):
    def __init__(self, result: Consolidation) -> None:
        super().__init__("nothing read")
        self.result = result


class _InOrder:
    """Takes the entries in input order, whatever order they are read in: sums each input
    up as it comes (summary.Summing), gathers its findings (with unit_index, unit_code and
    source) and hands it to the bureau workbook, when one is written. So what is left after
    the last file is read is the tables, not the figures."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.pending: dict[int, Input | Skipped] = {}
        self.next = 0
        self.summing = Summing()
        self.findings: list[dict[str, Any]] = []

    def __call__(self, index: int, entry: Input | Skipped) -> None:
        self.pending[index] = entry
        while self.next in self.pending:
            e = self.pending.pop(self.next)
            self.next += 1
            if isinstance(e, Input):
                unit = len(self.summing.depts)
                mine = [{**f, "unit_index": unit, "unit_code": e.department.unit_code, "source": e.name}
                        for f in e.findings]
                self.summing.add(e.department, mine, e.own_summary())
                self.findings += mine
                if self.book is not None:
                    self.book.add_department(e.department, e.findings, e.name, summary=e.own_summary())


def _read_all(files: list[tuple[Path, str]], config: Any, jobs: int | None, progress: Progress | None,
              sink: Callable[[int, Input | Skipped], None] | None) -> list[Input | Skipped]:
    if jobs is None:
        jobs = available_cores() if len(files) >= MIN_FILES_FOR_POOL else 1
    jobs = max(1, min(jobs, len(files) or 1))
    results: list[Input | Skipped | None] = [None] * len(files)
    done = 0

    def arrived(index: int, entry: Input | Skipped) -> None:
        nonlocal done
        results[index] = entry
        done += 1
        if sink is not None:
            sink(index, entry)
        if progress:
            progress(done, len(files), files[index][1])

    for i, item in enumerate(files):  # listed with a reason, never read
        reason = getattr(item, "reason", None)
        if reason:
            arrived(i, Skipped(item[0], item[1], reason))
    if jobs > 1:
        _read_pool([f for f in files if not getattr(f, "reason", None)], config, jobs, arrived,
                   [i for i, f in enumerate(files) if not getattr(f, "reason", None)])
    for i, (path, name) in enumerate(files):  # serially: all files, or those a broken pool left
        if results[i] is None:
            arrived(i, read_one(path, name, config))
    return [r for r in results if r is not None]


def _read_pool(files: list[tuple[Path, str]], config: Any, jobs: int,
               arrived: Callable[[int, Input | Skipped], None], indexes: list[int]) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    # Load the readers and rules before the workers fork, so they start with them.
    from . import operations, sources  # noqa: F401
    from .importers import text  # noqa: F401
    from .rules import load_rules
    from .workbook import read  # noqa: F401

    load_rules()
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") and "fork" in methods
                                          else None)
    # Objects alive at the fork go to the permanent generation: the workers' collector
    # then leaves them alone instead of touching (and so copying) every inherited page.
    gc.freeze()
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=gc.disable)
    try:
        futures = [pool.submit(_read_job, (i, path, name, config))
                   for i, (path, name) in zip(indexes, files, strict=True)]
        for future in as_completed(futures):
            try:
                index, entry = future.result()
            except BrokenProcessPool:
                break  # a worker died (out of memory?): the rest is read in this process
            arrived(index, entry)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


def _combine(entries: list[Input | Skipped], seconds: float, gathered: _InOrder) -> Consolidation:
    inputs = [e for e in entries if isinstance(e, Input)]
    summary = gathered.summing.result()
    return Consolidation(entries, summary, gathered.findings, _notes(entries, inputs), seconds)


def _notes(entries: list[Input | Skipped], inputs: list[Input]) -> list[str]:
    notes = []
    by_code: dict[str, list[Input]] = {}
    for e in inputs:
        code = e.department.unit_code.strip()
        if code:
            by_code.setdefault(code, []).append(e)
    for code, group in by_code.items():
        if len(group) > 1:
            notes.append(f"单位编码 {code} 出现在 {len(group)} 个文件中（"
                         + "、".join(e.name for e in group[:5]) + ("等" if len(group) > 5 else "")
                         + "），均已计入：请确认是否重复报送")
    skipped = [e for e in entries if isinstance(e, Skipped)]
    if skipped:
        notes.append(f"另有 {len(skipped)} 个文件无法读取，未计入汇总（原因见「文件清单」）："
                     + "、".join(e.name for e in skipped[:10]) + ("等" if len(skipped) > 10 else ""))
    return notes


def _file_figures(s: Summary) -> dict[str, Any]:
    """A file's 项目数, 预算数 and findings by severity (department-wide ones too): its summary's."""
    return {"项目数": s.total["项目数"], "预算数": s.total["预算数"], **s.findings_by_severity}
