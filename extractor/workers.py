"""Worker processes that extract one PDF at a time, and the executors that drive them.

A worker is a child interpreter (running `worker_main`) that loads the spaCy
pipeline once and then extracts the files it is sent, one at a time, over a socket pair.
Running each file in a separate process is what isolates a batch from its bad inputs: a
file that raises becomes a `failed` outcome; one that hangs past the timeout, or dies
(out of memory, a crash in C code), costs only its worker, which is killed and replaced.

Two executors feed workers: `LocalExecutor` (N workers on this machine) and
`DaskExecutor` (each thread of each Dask worker owns one such worker process, so the same
isolation holds on a cluster). Both pull tasks lazily and yield outcomes as they finish,
so memory stays bounded whatever the number of files. Workers are started with
`subprocess`, not `multiprocessing`: Dask worker processes are daemonic, and daemonic
processes may not start multiprocessing children.

Test hook: when the environment variable EXTRACTOR_TEST_HOOKS holds a JSON object mapping
file-name patterns to actions, a worker given a matching file first performs the action:
"hang" (sleeps forever), "raise" (raises RuntimeError), "die" (kills itself with SIGKILL,
as the kernel's out-of-memory killer would), "memory" (allocates until MemoryError; only
under --max-memory) or "sleep:SECONDS". Example: EXTRACTOR_TEST_HOOKS='{"*hang*": "hang"}'.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import fnmatch
import importlib
import itertools
import json
import logging
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeVar

from extractor import errors
from extractor.errors import ClusterError, ExtractorError, MemoryLimitError, WorkerStartError

if TYPE_CHECKING:  # the parent does not import spaCy: extraction is imported in the worker
    from extractor.extract import PageProgress

logger = logging.getLogger(__name__)

TEST_HOOKS_ENV = "EXTRACTOR_TEST_HOOKS"

# Short, stable codes for the manifest's error_code, by error class.
ERROR_CODES: dict[type[ExtractorError], str] = {
    errors.InputFileError: "bad_input",
    errors.PdfFormatError: "corrupt_pdf",
    errors.EncryptedPdfError: "encrypted",
    errors.NoTextLayerError: "no_text_layer",
    errors.SchemaValidationError: "invalid_output",
    errors.ModelNotFoundError: "no_model",
}
# A worker divides its work between processes, not threads: BLAS threads on top of N
# worker processes would only fight for the same cores. One malloc arena: a worker's second
# thread (the orphan watch) would otherwise reserve 64 MB of address space of its own, which
# --max-memory counts.
WORKER_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MALLOC_ARENA_MAX": "1",
}
# A worker is replaced after this many files. spaCy's string store keeps every new string
# it meets, so a worker that read thousands of different papers would keep growing; a
# fresh one every few hundred files costs a pipeline load (about a second) per hundreds
# of files, and keeps memory flat over collections of any size.
FILES_PER_WORKER = 200
# A worker is replaced, too, after a file that leaves it holding this many MB more than it
# held once its pipelines were loaded (the lemmatizers' caches and the string store grow
# with every new word). A pipeline loaded for a file (French takes 200 MB) is not growth:
# the worker keeps it for the next file of that language instead of loading it again.
MAX_GROWTH_MB = 150
# What a worker process runs. Not `-m extractor.workers`: that would make this module
# __main__, and the Outcomes it pickles would not unpickle in the parent.
WORKER_COMMAND = "import sys; from extractor.workers import worker_main; worker_main(sys.argv[1:])"
# How often a worker checks that the process that started it is still alive.
ORPHAN_CHECK_SECONDS = 1.0
# How long to try to reach a Dask scheduler.
DASK_CONNECT_SECONDS = 30
# Parsed once when a worker starts (see worker_main).
WARM_UP_TEXT = "The council spent £1.2m on the new service in 2009, a report says."
# Chunk the "memory" test hook allocates at a time.
HOOK_ALLOCATION_BYTES = 64 << 20
# Shortest time between two reports of a worker's progress through its file (spaCy hands
# back a batch of pages at once; a display cannot show more than a few changes a second).
PAGES_REPORT_SECONDS = 0.25

Status = Literal["ok", "failed", "timeout"]
K = TypeVar("K")
K_contra = TypeVar("K_contra", contravariant=True)


@dataclass(frozen=True)
class WorkerConfig:
    """How to run workers: which pipeline, the per-file timeout, the memory limit, and after
    how many files, or how much growth of its resident memory, a worker is replaced by a
    fresh one."""

    # The trained pipelines: a package name or path for English, or language -> name.
    model: str | dict[str, str] | None = None
    timeout: float | None = None
    max_memory_mb: int | None = None
    files_per_worker: int = FILES_PER_WORKER
    max_growth_mb: int = MAX_GROWTH_MB


@dataclass(frozen=True)
class Task:
    """One file for a worker: the absolute path it opens (shared with the client on Dask)."""

    path: str
    max_pages: int | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of one task; `json_text` is the output document when status is ok."""

    status: Status
    seconds: float
    json_text: str | None = None
    pages: int | None = None
    warnings: tuple[str, ...] = ()
    error_code: str | None = None
    error_message: str | None = None
    traceback: str | None = None
    peak_rss_kb: int | None = None
    worker_pid: int | None = field(default=None, compare=False)
    # The worker ends after this file (after a MemoryError, say, or its quota of files).
    retire_worker: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class PagesDone:
    """A worker's word on its current file: `done` of its `total` pages are done (a page
    counts half once read, whole once parsed: extractor.extract.PageProgress)."""

    done: float
    total: int


class WorkerEvents(Protocol[K_contra]):
    """Told what the workers of an executor are doing, between outcomes."""

    def starting(self) -> None:
        """Workers are being started (each loads the spaCy pipeline)."""

    def ready(self) -> None:
        """A worker has loaded its pipeline."""

    def pages_done(self, key: K_contra, pages: PagesDone) -> None:
        """The worker on the task of `key` is this far through its file."""


# ---------------------------------------------------------------- inside the worker process


def run_task(task: Task, nlp: Any, progress: PageProgress | None = None) -> Outcome:
    """Extract one file with a loaded pipeline; never raises for a problem with the file.
    `progress` is told how far it is."""
    from extractor.extract import extract

    start = time.perf_counter()
    try:
        _run_test_hook(task.path)
        result = extract(task.path, nlp=nlp, max_pages=task.max_pages, progress=progress)
        text = result.to_json()
        pages = len(result.pages)
        codes = tuple(dict.fromkeys(w.code for w in result.warnings))
        del result
        return Outcome(
            "ok",
            _since(start),
            text,
            pages,
            codes,
            peak_rss_kb=_peak_rss_kb(),
            worker_pid=os.getpid(),
        )
    except ExtractorError as e:
        # The message is in a reader's words; what pypdf said stays for the debug log.
        original = traceback.format_exc() if e.__cause__ is not None else None
        return _failure(start, ERROR_CODES.get(type(e), "error"), e.problem, original)
    except MemoryError:
        return _failure(start, "out_of_memory", "ran out of memory", retire=True)
    except RecursionError:
        return _failure(start, "internal", "RecursionError: nested too deeply", retire=True)
    except Exception as e:
        return _failure(start, "internal", f"{type(e).__name__}: {e}", traceback.format_exc())


def _failure(
    start: float, code: str, message: str, trace: str | None = None, retire: bool = False
) -> Outcome:
    return Outcome(
        "failed",
        _since(start),
        error_code=code,
        error_message=message,
        traceback=trace,
        peak_rss_kb=_peak_rss_kb(),
        worker_pid=os.getpid(),
        retire_worker=retire,
    )


def _since(start: float) -> float:
    return round(time.perf_counter() - start, 3)


def _peak_address_space_kb() -> int:
    """The most address space this process has held (VmPeak): what RLIMIT_AS, and so
    --max-memory, limits. Where /proc is missing, the peak resident size stands in."""
    peak = _process_status_kb("VmPeak")
    return peak if peak is not None else _peak_rss_kb()


def _rss_kb() -> int:
    """The resident size of this process now (VmRSS); 0 where /proc is missing."""
    return _process_status_kb("VmRSS") or 0


def _process_status_kb(name: str) -> int | None:
    """A size in KB from /proc/self/status (VmPeak, VmRSS...), or None without /proc."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{name}:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def _release_free_memory() -> None:
    """Give the memory freed by the last file back to the system (glibc keeps it otherwise),
    so that the resident size says what the worker holds."""
    with contextlib.suppress(OSError, AttributeError):  # AttributeError: not glibc
        ctypes.CDLL(None).malloc_trim(0)


def _peak_rss_kb() -> int:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS, where workers are rarely measured).
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _run_test_hook(path: str) -> None:
    """Perform the EXTRACTOR_TEST_HOOKS action for `path`, if any (see the module docstring)."""
    spec = os.environ.get(TEST_HOOKS_ENV)
    if not spec:
        return
    hooks: dict[str, str] = json.loads(spec)
    name = os.path.basename(path)
    action = next((a for pattern, a in hooks.items() if fnmatch.fnmatch(name, pattern)), None)
    if action is None:
        return
    logger.warning("test hook %r on %s", action, name)
    if action == "hang":
        while True:
            time.sleep(3600)
    elif action == "raise":
        raise RuntimeError(f"test hook raised on {name}")
    elif action == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "memory":
        if resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY:
            raise RuntimeError("the 'memory' test hook needs a memory limit (--max-memory)")
        hoard = []
        while True:
            hoard.append(bytearray(HOOK_ALLOCATION_BYTES))
    elif action.startswith("sleep:"):
        time.sleep(float(action.split(":", 1)[1]))
    else:
        raise ValueError(f"unknown test hook action {action!r}")


def _exit_when_orphaned() -> None:
    """Exit when the parent dies (kill -9 leaves no one to stop a worker stuck in a file)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(ORPHAN_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()


class _PagesReporter:
    """Sends the parent how far the current file is, at most every PAGES_REPORT_SECONDS."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._last = 0.0

    def __call__(self, done: float, total: int) -> None:
        now = time.monotonic()
        if now - self._last >= PAGES_REPORT_SECONDS:
            self._last = now
            self.conn.send(PagesDone(done, total))


def worker_main(argv: list[str]) -> None:
    """The worker process: load the pipeline, report ready, then extract until told to stop."""
    fd, config = int(argv[0]), WorkerConfig(**json.loads(argv[1]))
    # Ctrl-C reaches the whole process group; the parent decides what to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_when_orphaned()
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    conn = Connection(fd)
    if config.max_memory_mb:
        limit = config.max_memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        from extractor.nlp.pipeline import Pipelines

        # Built once per worker: English now, other languages the first time a page needs one.
        nlp = Pipelines(config.model)
        # The first parse allocates the math library's buffers: do it now, so that the
        # worker's measured need includes them and a limit too low shows at the start.
        nlp.english(WARM_UP_TEXT)
    except ExtractorError as e:
        _report_fatal(conn, type(e).__name__, e.problem)
        return
    except MemoryError:
        _report_fatal(conn, "WorkerStartError", "out of memory loading the pipeline")
        return
    except Exception as e:  # under a memory limit, imports fail in many ways
        _report_fatal(conn, "WorkerStartError", f"cannot load the pipeline ({type(e).__name__})")
        return
    conn.send(("ready", os.getpid(), _peak_address_space_kb()))
    loaded_kb = _rss_kb()
    reporter = _PagesReporter(conn)
    for done in itertools.count(1):
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        languages = nlp.loaded
        outcome = run_task(task, nlp, reporter)
        _release_free_memory()
        if nlp.loaded != languages:
            loaded_kb = _rss_kb()
        grown = _rss_kb() - loaded_kb > config.max_growth_mb << 10
        if done >= config.files_per_worker or grown:
            outcome = dataclasses.replace(outcome, retire_worker=True)
        conn.send(outcome)
        if outcome.retire_worker:
            return


def _report_fatal(conn: Connection, error_class: str, problem: str) -> None:
    """Tell the parent why this worker cannot start; with no memory left even for that,
    exit without a word (the parent sees the worker die, and measures what it needs)."""
    try:
        conn.send(("fatal", error_class, problem))
    except BaseException:
        os._exit(1)


# ---------------------------------------------------------------- the parent's side


class WorkerProcess:
    """The parent's handle on one worker process: start, send a task, collect, kill."""

    def __init__(self, config: WorkerConfig) -> None:
        self.config = config
        self.task: Task | None = None
        self.deadline: float | None = None
        self.started = 0.0
        self.ready = False
        # Address space (KB) the worker held once its pipeline was loaded.
        self.loaded_kb: int | None = None
        self._popen: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None

    @property
    def connection(self) -> Connection:
        """The socket the worker answers on (for `multiprocessing.connection.wait`)."""
        assert self._conn is not None
        return self._conn

    @property
    def alive(self) -> bool:
        """Whether a worker process has been started and not yet stopped."""
        return self._popen is not None

    def start(self) -> None:
        """Start the process; it reports `ready` once its pipeline is loaded.

        Its standard error is shown only under debug logging: what reaches it is the noise
        of C libraries that run out of memory ("libblis: malloc() returned NULL"), which the
        outcome (out_of_memory, worker_died) already says in one line."""
        ours, theirs = socket.socketpair()
        settings = json.dumps(dataclasses.asdict(self.config))
        env = {**WORKER_ENV, **os.environ}
        self._popen = subprocess.Popen(
            [sys.executable, "-c", WORKER_COMMAND, str(theirs.fileno()), settings],
            pass_fds=[theirs.fileno()],
            env=env,
            stdin=subprocess.DEVNULL,
            stderr=None if logger.isEnabledFor(logging.DEBUG) else subprocess.DEVNULL,
        )
        theirs.close()
        self._conn = Connection(ours.detach())
        self.ready = False
        self.task = None
        self.deadline = None

    def take_ready_message(self) -> None:
        """Read the worker's first message: ready, or why it could not start (raised).

        Under a memory limit, a worker that cannot start may simply have too little room
        to load the pipeline (which then fails in many ways, even as a missing package):
        a worker is started without the limit to measure the need, and MemoryLimitError
        raised with it (or that worker's own error, if it cannot start either)."""
        try:
            message = self.connection.recv()
        except (EOFError, OSError):
            code = self._reap()
            error: ExtractorError = WorkerStartError(
                f"a worker process died while starting ({code})"
            )
        else:
            if message[0] == "ready":
                self.ready = True
                self.loaded_kb = message[2]
                return
            self._reap()
            error = getattr(errors, message[1], WorkerStartError)(message[2])
        limit = self.config.max_memory_mb
        if limit:
            # A worker without the limit starts (or raises the real problem): the limit is
            # what stopped this one.
            need = pipeline_memory_need_mb(self.config)
            raise MemoryLimitError(
                f"too little for a worker to load the spaCy pipeline, which needs {need} MB "
                "(measured just now); give more than that, with room for the files",
                f"--max-memory {limit}",
            ) from error
        raise error

    def submit(self, task: Task) -> None:
        """Send a task to an idle, ready worker and start its clock."""
        self.task = task
        self.started = time.monotonic()
        self.deadline = self.started + self.config.timeout if self.config.timeout else None
        with contextlib.suppress(OSError):
            # A worker that died while idle: `collect` will find its socket closed.
            self.connection.send(task)

    def collect(self) -> Outcome | PagesDone:
        """Read the worker's next word on the current task: how far it is, or its outcome
        (a dead worker gives a `failed` outcome)."""
        try:
            outcome: Outcome | PagesDone = self.connection.recv()
            if isinstance(outcome, PagesDone):
                return outcome
        except (EOFError, OSError):
            how = self._reap()
            outcome = Outcome(
                "failed",
                round(time.monotonic() - self.started, 3),
                error_code="worker_died",
                error_message=f"the worker process died ({how}); out of memory, or a crash",
            )
        else:
            if outcome.retire_worker:
                self._reap()
        self.task = None
        self.deadline = None
        return outcome

    def kill_for_timeout(self) -> Outcome:
        """Kill a worker whose task overran the timeout and report the task as timed out."""
        self.kill()
        self.task = None
        self.deadline = None
        return Outcome(
            "timeout",
            float(self.config.timeout or 0),
            error_code="timeout",
            error_message=f"no result after {self.config.timeout:g} s; the worker was killed",
        )

    def run(self, task: Task) -> Outcome:
        """Run one task to its end, blocking (starting or replacing the process as needed)."""
        if self._popen is not None and self._popen.poll() is not None:
            self._reap()  # died while idle
        if not self.alive:
            self.start()
        if not self.ready:
            self.take_ready_message()
        self.submit(task)
        while self.connection.poll(self.time_left()):
            message = self.collect()
            if isinstance(message, Outcome):
                return message
        return self.kill_for_timeout()

    def time_left(self) -> float | None:
        """Seconds until the current task's deadline (None: no deadline)."""
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - time.monotonic())

    def stop(self) -> None:
        """Ask the worker to finish and wait for it; kill it if it does not."""
        if self._popen is None:
            return
        try:
            self.connection.send(None)
            self._popen.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def kill(self) -> None:
        """Kill the process (if running) and release its socket."""
        if self._popen is not None and self._popen.poll() is None:
            self._popen.kill()
        self._reap()

    def _reap(self) -> str:
        how = "not started"
        if self._popen is not None:
            code = self._popen.wait()
            how = _describe_exit(code)
            self._popen = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self.ready = False
        return how


def pipeline_memory_need_mb(config: WorkerConfig) -> int:
    """Measure the address space a worker needs to load the pipeline of `config`: start
    one without a memory limit and read its peak once it is ready (a second or two)."""
    probe = WorkerProcess(dataclasses.replace(config, max_memory_mb=None))
    probe.start()
    try:
        probe.take_ready_message()
    finally:
        probe.stop()
    return -(-(probe.loaded_kb or 0) // 1024)


def _describe_exit(code: int) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"killed by {name}"
    return f"exit code {code}"


class LocalExecutor:
    """Run tasks on `jobs` worker processes on this machine."""

    def __init__(self, jobs: int, config: WorkerConfig) -> None:
        self.jobs = jobs
        self.config = config

    def map_unordered(
        self, tasks: Iterable[tuple[K, Task]], events: WorkerEvents[K] | None = None
    ) -> Generator[tuple[K, Outcome], None, None]:
        """Yield (key, outcome) for each task as it finishes; tasks are pulled only as
        workers become free, so the iterable may be endless. `events` hears of workers
        starting and ready, and of their progress through their files."""
        pending = iter(tasks)
        first = next(pending, None)
        if first is None:  # nothing to do (every file up to date, say): start no worker
            return
        if events is not None:
            events.starting()
        pool = _Pool(self.jobs, self.config, itertools.chain([first], pending), events)
        try:
            yield from pool.run()
        finally:
            pool.close()


class _Pool(Generic[K]):
    """The workers of one `LocalExecutor.map_unordered` call and the tasks they hold."""

    def __init__(
        self,
        jobs: int,
        config: WorkerConfig,
        tasks: Iterator[tuple[K, Task]],
        events: WorkerEvents[K] | None,
    ) -> None:
        self.workers = [WorkerProcess(config) for _ in range(jobs)]
        self.tasks = tasks
        self.events = events
        self.keys: dict[int, K] = {}
        self.exhausted = False

    def run(self) -> Iterator[tuple[K, Outcome]]:
        """Keep every worker busy until the tasks run out; yield outcomes as they come."""
        for worker in self.workers:
            worker.start()
        while True:
            self._hand_out()
            busy = [w for w in self.workers if w.task is not None]
            starting = [w for w in self.workers if w.alive and not w.ready]
            if not busy and self.exhausted:
                return
            ready = wait([w.connection for w in busy + starting], timeout=_next_deadline(busy))
            self._take_ready(starting, ready)
            yield from self._collect(busy, ready)

    def close(self) -> None:
        """Stop the idle workers and kill the busy ones."""
        for worker in self.workers:
            if worker.task is None:
                worker.stop()
            else:
                worker.kill()

    def _hand_out(self) -> None:
        """Replace dead workers (while tasks remain) and give each idle, ready one a task."""
        for worker in self.workers:
            if not worker.alive and not self.exhausted:
                worker.start()
            if self.exhausted or not worker.ready or worker.task is not None:
                continue
            item = next(self.tasks, None)
            if item is None:
                self.exhausted = True
                continue
            self.keys[id(worker)] = item[0]
            worker.submit(item[1])

    def _take_ready(self, starting: list[WorkerProcess], ready: list[Any]) -> None:
        for worker in starting:
            if worker.connection in ready:
                worker.take_ready_message()
                if self.events is not None:
                    self.events.ready()

    def _collect(self, busy: list[WorkerProcess], ready: list[Any]) -> Iterator[tuple[K, Outcome]]:
        """Yield the outcomes of the busy workers that have one, and of those past their
        deadline (killed); pass on what the others say of their progress."""
        for worker in busy:
            if worker.connection in ready:
                message = worker.collect()
                if isinstance(message, Outcome):
                    yield self.keys.pop(id(worker)), message
                    continue
                if self.events is not None:
                    self.events.pages_done(self.keys[id(worker)], message)
            if worker.deadline is not None and time.monotonic() >= worker.deadline:
                yield self.keys.pop(id(worker)), worker.kill_for_timeout()


def _next_deadline(busy: list[WorkerProcess]) -> float | None:
    deadlines = [w.deadline for w in busy if w.deadline is not None]
    if not deadlines:
        return None
    return max(0.0, min(deadlines) - time.monotonic())


_dask_workers = threading.local()


def run_on_dask_worker(task: Task, config: WorkerConfig) -> Outcome:
    """The function Dask runs: extract one file in this thread's own worker process."""
    worker: WorkerProcess | None = getattr(_dask_workers, "worker", None)
    if worker is None or worker.config != config:
        if worker is not None:
            worker.stop()
        worker = WorkerProcess(config)
        _dask_workers.worker = worker
    return worker.run(task)


class DaskExecutor:
    """Run tasks on an existing Dask distributed cluster; outcomes come back to the client.

    Workers open the files themselves, so the paths sent must be valid on every worker
    (a shared file system mounted at the same place). At most `IN_FLIGHT_PER_THREAD` tasks
    per worker thread are submitted at a time, which bounds the memory of both sides.
    """

    IN_FLIGHT_PER_THREAD = 2

    def __init__(self, scheduler: str, config: WorkerConfig) -> None:
        self.scheduler = scheduler
        self.config = config

    def map_unordered(
        self, tasks: Iterable[tuple[K, Task]], events: WorkerEvents[K] | None = None
    ) -> Generator[tuple[K, Outcome], None, None]:
        """Yield (key, outcome) for each task as it finishes on the cluster. Of `events`,
        only `starting` is told: the workers' progress through a file stays on the cluster."""
        try:
            # Untyped: bound as Any so that mypy --strict accepts the calls.
            distributed: Any = importlib.import_module("distributed")
        except ImportError as e:
            raise ClusterError("--dask-scheduler needs Dask: pip install 'extractor[dask]'") from e
        try:
            client = distributed.Client(self.scheduler, timeout=DASK_CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError) as e:
            raise ClusterError(f"cannot reach the Dask scheduler ({e})", self.scheduler) from e
        if events is not None:
            events.starting()
        with client:
            threads = sum(client.nthreads().values()) or 1
            window = self.IN_FLIGHT_PER_THREAD * threads
            keys: dict[Any, K] = {}
            running = distributed.as_completed()
            pending = iter(tasks)

            def submit_next() -> bool:
                item = next(pending, None)
                if item is None:
                    return False
                future = client.submit(run_on_dask_worker, item[1], self.config, pure=False)
                keys[future] = item[0]
                running.add(future)
                return True

            for _ in range(window):
                if not submit_next():
                    break
            for future in running:
                outcome: Outcome = future.result()
                key = keys.pop(future)
                future.release()
                yield key, outcome
                submit_next()
