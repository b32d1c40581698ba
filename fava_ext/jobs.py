"""Reports rendered in the background: a click on a report button starts a job and answers at
once with a page that follows it (docs/fava.md, "Report downloads").

A job runs one report function on the books it was given (the `Books` of the load the click
saw: a reload of the ledger while it runs does not change what it renders) in one of at most
`workers` threads (the cores this process may use); more jobs wait in a queue of `queue`, and a
click beyond that is refused with a Chinese message (`Busy`). One owner (a browser, with its
user and role) has at most `per_owner` jobs queued or running, and so has a signed-in user over
all their browsers (a client that drops its job cookie cannot fill the shared queue); the same
request again from the
same owner while its job is queued or running joins that job. A job's id is
`secrets.token_urlsafe`, and `get` answers only the owner that started it.

A finished job keeps its file on disk (in a folder of the process's own, readable by its user
only, removed at exit) and only its path, size and state in memory: neither the books it was
rendered on (which a reload of the ledger lets go) nor the bytes. It is kept `keep` seconds after
it finished, and the files kept hold at most `keep_bytes` bytes: the oldest finished jobs (and
their files) are dropped first. A render
that fails is logged with its traceback on the server; the page shows a Chinese message: the
report's own message where it has one in Chinese (a missing font), a general one otherwise.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
QUEUE = 8  # jobs waiting for a worker, over all users
PER_OWNER = 4  # one owner's jobs queued or running at once
KEEP = 10 * 60  # seconds a finished job is kept
KEEP_BYTES = 64 << 20  # bytes of finished files kept
KEEP_JOBS = 256  # finished jobs kept (failed ones hold no bytes)
FAILED_MESSAGE = "报表生成时出错，错误已记入服务器日志。请稍后重试；如仍失败，请联系系统管理员。"
UNSAVED_MESSAGE = "报表已生成，但服务器无法保存文件（临时目录不可写或磁盘已满），请联系系统管理员。"
_CHINESE = re.compile(r"^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def cores() -> int:
    """The cores this process may use (one render per core)."""
    from fundtrail.reports import batch

    return batch.cores()


class Busy(Exception):
    """No room for another job (Chinese message)."""


@dataclass(eq=False)
class Job:
    id: str
    owner: tuple
    key: tuple
    kind: str  # the report's name in REPORTS: its last duration is the next one's estimate
    title: str  # what the pages call it: 2025年审计报告
    filename: str  # the download's name, with its suffix
    mimetype: str
    back: str  # the page that offered it
    work: Callable[[], bytes] | None
    created: float
    started: float | None = None
    finished: float | None = None
    state: str = QUEUED
    path: str | None = None  # the finished file (DONE)
    size: int = 0  # its bytes
    error: str = ""

    @property
    def active(self) -> bool:
        return self.state in (QUEUED, RUNNING)

    @property
    def content(self) -> bytes | None:
        """The finished file's bytes (read from disk), None before, after a failure or once dropped."""
        if self.path is None:
            return None
        try:
            with open(self.path, "rb") as file:
                return file.read()
        except OSError:
            return None


class Jobs:
    """The jobs of one server process (see the module doc)."""

    def __init__(self, workers: int | None = None, queue: int = QUEUE, per_owner: int = PER_OWNER,
                 keep: float = KEEP, keep_bytes: int = KEEP_BYTES, keep_jobs: int = KEEP_JOBS,
                 clock: Callable[[], float] = time.monotonic):
        self.workers = workers  # None: cores(), counted at the first job
        self.queue, self.per_owner = queue, per_owner
        self.keep, self.keep_bytes, self.keep_jobs, self.clock = keep, keep_bytes, keep_jobs, clock
        self._lock = threading.Condition()
        self._jobs: dict[str, Job] = {}
        self._waiting: deque[Job] = deque()
        self._threads = 0
        self._idle = 0
        self._running = 0
        self._took: dict[str, float] = {}  # seconds the last render of each kind took
        self._folder: str | None = None  # the finished files (`_save`)
        self._folder_lock = threading.Lock()

    # -- asked by the pages ------------------------------------------------------------------
    def submit(self, owner: tuple, key: tuple, work: Callable[[], bytes], *, kind: str, title: str,
               filename: str, mimetype: str, back: str) -> Job:
        """A new job for `work`, or the owner's queued or running job of the same `key`."""
        with self._lock:
            self.workers = self.workers or cores()
            self._prune()
            mine = [j for j in self._jobs.values() if j.owner == owner and j.active]
            for job in mine:
                if job.key == key:
                    return job
            if owner[0]:  # a signed-in user: their jobs from any browser (a dropped cookie is no escape)
                mine = [j for j in self._jobs.values() if j.owner[:2] == owner[:2] and j.active]
            if len(mine) >= self.per_owner:
                raise Busy(f"您已有 {len(mine)} 个报表正在生成，请等其完成后再下载其他报表。")
            if len(self._waiting) >= self.queue + self.workers - self._running:
                raise Busy(f"服务器正忙：已有 {len(self._waiting)} 个报表在排队等待生成，请稍后再试。")
            job = Job(secrets.token_urlsafe(24), owner, key, kind, title, filename, mimetype, back,
                      work, self.clock())
            self._jobs[job.id] = job
            self._waiting.append(job)
            if self._threads < self.workers and len(self._waiting) > self._idle:
                self._threads += 1
                threading.Thread(target=self._work, name="fundtrail-report", daemon=True).start()
            self._lock.notify()
            return job

    def get(self, job_id: str, owner: tuple) -> Job | None:
        """The job `job_id` if `owner` started it and it is still kept, else None."""
        with self._lock:
            self._prune()
            job = self._jobs.get(job_id or "")
            if job is None or not secrets.compare_digest(repr(job.owner).encode(), repr(owner).encode()):
                return None
            return job

    def __len__(self) -> int:
        """Jobs kept: waiting, running, or finished and not yet dropped."""
        with self._lock:
            return len(self._jobs)

    def ahead(self, job: Job) -> int:
        """How many jobs wait before `job` in the queue (0 when it is not waiting)."""
        with self._lock:
            return self._waiting.index(job) if job in self._waiting else 0

    def took(self, kind: str) -> float | None:
        """Seconds the last finished render of this kind took, None before the first."""
        with self._lock:
            return self._took.get(kind)

    def elapsed(self, job: Job) -> float:
        return (job.finished or self.clock()) - job.created

    # -- the workers --------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            with self._lock:
                self._idle += 1
                while not self._waiting:
                    self._lock.wait()
                self._idle -= 1
                job = self._waiting.popleft()
                job.started, job.state = self.clock(), RUNNING
                self._running += 1
            content, error = None, ""
            try:
                content = job.work()
            except Exception as problem:  # a report's error must not end the worker
                log.exception("报表生成失败 report render failed: %s", job.title)
                text = str(problem).strip()
                error = text.splitlines()[0] if _CHINESE.match(text) else FAILED_MESSAGE
            with self._lock:
                job.work = None  # the books it read may go once nothing else holds them
                job.finished = self.clock()
                if not error and len(content) > self.keep_bytes:
                    error = "报表文件过大，超出服务器可保留的大小，请用命令行 fundtrail report 生成。"
            path = None
            if not error:  # written outside the lock: a page waiting for it does not wait for the disk
                try:
                    path = self._save(job.id, content)
                except OSError:
                    log.exception("报表文件无法保存 report file not saved: %s", job.title)
                    error = UNSAVED_MESSAGE
            with self._lock:
                self._running -= 1
                if error:  # the state last: a page reads a job without the lock
                    job.error, job.state = error, FAILED
                else:
                    job.path, job.size = path, len(content)
                    job.state = DONE
                    self._took[job.kind] = job.finished - job.started
                self._prune()
            content = None  # the bytes are on disk: the worker holds none while it waits

    def _save(self, name: str, content: bytes) -> str:
        """Write a finished file into the process's folder of report files (the jobs' lock is
        not held: the folder is made once, under a lock of its own)."""
        with self._folder_lock:
            if self._folder is None or not os.path.isdir(self._folder):
                self._folder = tempfile.mkdtemp(prefix="fundtrail-reports-")  # mode 0700
                atexit.register(shutil.rmtree, self._folder, True)
            folder = self._folder
        path = os.path.join(folder, name)
        with open(path, "wb") as file:
            file.write(content)
        return path

    def _prune(self) -> None:
        """Drop finished jobs older than `keep`, then the oldest finished ones beyond
        `keep_bytes` and `keep_jobs` (the lock is held)."""
        now = self.clock()
        finished = sorted((j for j in self._jobs.values() if not j.active),
                          key=lambda j: j.finished)
        kept_bytes, dropped = sum(j.size for j in finished), 0
        for index, job in enumerate(finished):
            if now - job.finished <= self.keep and kept_bytes - dropped <= self.keep_bytes \
                    and len(finished) - index <= self.keep_jobs:
                break
            dropped += job.size
            del self._jobs[job.id]
            if job.path:
                with contextlib.suppress(OSError):
                    os.remove(job.path)
                job.path = None
