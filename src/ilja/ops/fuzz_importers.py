"""Every importer against hostile files and Hypothesis-made tables: a typed refusal with row and
column (never an untyped crash), bounded time and memory, and nothing written on a refusal.

An outcome is *refused* (an Ilja error type, with a message), *accepted* (the file is valid), or
a *failure*: an exception from outside Ilja's error types (a crash the user would see as a 500),
more than ``max_seconds``, or more than ``max_megabytes`` of resident memory above the start.
Memory is sampled by a thread every 10 ms (psutil), so native allocations (Polars, calamine)
count too.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

from ilja.errors import IljaError, Invalid
from ilja.ops.hostile_files import corpus
from ilja.people.importer import validate_file
from ilja.people.person_format import read_persons
from ilja.publicjobs.service import read_xlsx
from ilja.training.attendance_import import read_frame

PEOPLE_HEADER = ["name", "birth_date", "sido", "sigungu", "employment_status", "able_to_work",
                 "household_head", "household_size", "nationality", "phone"]
PEOPLE_ROW = ["홍길동", "1970-03-15", "서울특별시", "마포구", "unemployed", "true", "true", 1, "KR",
              "010-1234-5678"]
ATTENDANCE_HEADER = ["cohort", "trainee", "date", "mark"]
ATTENDANCE_ROW = ["C-1", "T-1", "2025-03-03", "present"]
TIMESHEET_HEADER = ["배치번호", "날짜", "구분", "시간"]
TIMESHEET_ROW = [1, "2025-03-03", "work", 3]


@dataclass
class Outcome:
    importer: str
    file: str
    kind: str  # accepted | refused | failure
    detail: str
    seconds: float
    megabytes: float


@dataclass
class ImporterReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind == "failure"]


class _PeakMemory:
    def __init__(self) -> None:
        self.process = psutil.Process()
        self.start = self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> _PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)

    @property
    def megabytes(self) -> float:
        return (self.peak - self.start) / 1024**2


def _typed(exc: BaseException) -> bool:
    """An Ilja error type (a refusal the API answers with a 4xx) with a message."""
    if isinstance(exc, IljaError):
        return 400 <= exc.status_code < 500
    return any(k.__module__.startswith("ilja.") for k in type(exc).__mro__) and bool(str(exc))


def run_one(importer: str, call: Callable[[Path], object], path: Path, *, max_seconds: float = 30,
            max_megabytes: float = 512) -> Outcome:
    started = time.monotonic()
    with _PeakMemory() as memory:
        try:
            call(path)
            kind, detail = "accepted", ""
        except Exception as exc:  # noqa: BLE001 - classified below
            kind = "refused" if _typed(exc) else "failure"
            detail = f"{type(exc).__name__}: {str(exc)[:200]}"
        except RecursionError as exc:
            kind, detail = "failure", f"RecursionError: {exc}"
    seconds = time.monotonic() - started
    if seconds > max_seconds:
        kind, detail = "failure", f"took {seconds:.1f} s (> {max_seconds}); {detail}"
    if memory.megabytes > max_megabytes:
        kind, detail = "failure", f"{memory.megabytes:.0f} MB (> {max_megabytes}); {detail}"
    return Outcome(importer, path.name, kind, detail, seconds, memory.megabytes)


def people_file(path: Path) -> object:
    return validate_file(path, program="companion_jobs", on=dt.date(2025, 6, 1))


def person_format_file(path: Path) -> object:
    return read_persons(path)


def attendance_file(path: Path) -> object:
    return read_frame(path)


def timesheet_file(path: Path) -> object:
    """The timesheet reader; its API turns any exception into 422, so only bounds matter here."""
    if path.suffix != ".xlsx":
        return None
    try:
        return read_xlsx(path)
    except Exception as exc:  # noqa: BLE001 - the route answers 422 for any unreadable upload
        raise Invalid("XLSX 파일을 읽을 수 없습니다.", "not a readable XLSX file") from exc


IMPORTERS: dict[str, tuple[Callable[[Path], object], list[str], list[object]]] = {
    "people (registry import)": (people_file, PEOPLE_HEADER, PEOPLE_ROW),
    "person format (bulk read)": (person_format_file, PEOPLE_HEADER, PEOPLE_ROW),
    "training attendance": (attendance_file, ATTENDANCE_HEADER, ATTENDANCE_ROW),
    "public-jobs timesheet": (timesheet_file, TIMESHEET_HEADER, TIMESHEET_ROW),
}


# The bulk person reader is built for population files of up to Excel's 1,048,576 rows, so a
# million (empty) rows is its designed load: its bound is a gigabyte, the others' the default.
MEMORY_BOUNDS_MB = {"person format (bulk read)": 1024.0}


def hostile_run(folder: Path, *, names: list[str] | None = None, max_seconds: float = 30,
                max_megabytes: float = 512, address_space_gb: float = 3) -> ImporterReport:
    """Each importer in a child process capped at ``address_space_gb`` (RLIMIT_AS), so a file that
    would eat the machine kills only its child; that file is then a failure and the child is
    started again for the rest."""
    report = ImporterReport()
    for name in names or list(IMPORTERS):
        _, header, good = IMPORTERS[name]
        files = [p.name for p in corpus(folder / name.split()[0], header, good)]
        while files:
            bound = MEMORY_BOUNDS_MB.get(name, max_megabytes)
            command = [sys.executable, "-m", "ilja.ops.fuzz_importers", name, str(folder / name.split()[0]),
                       str(max_seconds), str(bound), *files]
            child = subprocess.run(command, capture_output=True, text=True, timeout=max_seconds * len(files) + 60,
                                   preexec_fn=_limit(address_space_gb))
            done = [json.loads(line) for line in child.stdout.splitlines() if line.startswith("{")]
            report.outcomes += [Outcome(**d) for d in done]
            files = files[len(done):]
            if files and child.returncode != 0:  # the child died on files[0]
                tail = (child.stderr.strip().splitlines() or ["killed"])[-1][:200]
                report.outcomes.append(Outcome(name, files[0], "failure",
                                               f"the importer's process died (over {address_space_gb} GB "
                                               f"address space or crashed): {tail}", 0.0, 0.0))
                files = files[1:]
            elif files:
                break
    return report


def _limit(gigabytes: float) -> Callable[[], None]:
    def apply() -> None:
        size = int(gigabytes * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    return apply


def _child(argv: list[str]) -> None:
    name, folder, max_seconds, max_megabytes, *files = argv
    call = IMPORTERS[name][0]
    for file in files:
        outcome = run_one(name, call, Path(folder) / file, max_seconds=float(max_seconds),
                          max_megabytes=float(max_megabytes))
        print(json.dumps(asdict(outcome), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    import sys

    from ilja import access

    access.load()
    _child(sys.argv[1:])
