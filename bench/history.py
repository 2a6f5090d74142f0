"""Benchmark the audit trail: a git repository of N counties with C commits each.

    python bench/history.py [--counties 2900] [--commits 10] [--keep DIR]

The repository is written with `git fast-import` (seconds, not the minutes thousands of
`git commit` calls would take): one commit adds every score file, then each county's file
is changed by C-1 further commits of its own, by different authors on different days; so
the log holds 1 + N×(C-1) commits and every file has C revisions. Then it times, in
separate processes: `load_history` alone (one `git log`, one `git cat-file --batch`, every
revision loaded as YAML), and a full `build.py build` of that repository (history on every
scorecard, a changes page per year), with peak memory.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from gen_data import HALF, generate, score_file_text  # noqa: E402

AUTHORS = ["张三", "李四", "王五", "赵六", "孙七", "周八", "吴九", "郑十"]


def _data(text: bytes) -> bytes:
    return b"data %d\n" % len(text) + text + b"\n"


def write_repository(root: Path, counties: int, commits: int) -> int:
    """Generate the data under root, then its history; returns the number of commits."""
    ds = generate(root, REPO, counties)
    year = ds.years[0]
    stream: list[bytes] = []
    epoch = 1325376000  # 2012-01-01
    files = sorted(p for p in root.rglob("*") if p.is_file())
    stream.append(b"commit refs/heads/main\n")
    stream.append(b"author \xe5\xbc\xa0\xe4\xb8\x89 <staff@example.org> %d +0800\n" % epoch)
    stream.append(b"committer \xe5\xbc\xa0\xe4\xb8\x89 <staff@example.org> %d +0800\n" % epoch)
    stream.append(_data("初评结果".encode()))
    for path in files:
        stream.append(b"M 100644 inline " + path.relative_to(root).as_posix().encode() + b"\n")
        stream.append(_data(path.read_bytes()))
    count = 1
    rng = random.Random(2011)
    first_unit = next(u for u in ds.rules.units if not u.bonus)
    for round_ in range(1, commits):
        for county in ds.counties:
            scores = dict(ds.scores[(county.slug, year)])
            value = first_unit.max - HALF * rng.randint(0, int(first_unit.max / HALF))
            scores[first_unit.uid] = (value, f"第{round_}次复核：台账资料补齐后重新评分")
            ds.scores[(county.slug, year)] = scores
            text = score_file_text(county, year, scores).encode()
            author = AUTHORS[rng.randrange(len(AUTHORS))].encode()
            epoch += 600
            stream.append(b"commit refs/heads/main\n")
            stream.append(b"author " + author + b" <staff@example.org> %d +0800\n" % epoch)
            stream.append(b"committer " + author + b" <staff@example.org> %d +0800\n" % epoch)
            stream.append(_data(f"{county.name}第{round_}次复核".encode()))
            stream.append(b"M 100644 inline scores/%d/%s.yaml\n" % (year, county.slug.encode()))
            stream.append(_data(text))
            (root / "scores" / str(year) / f"{county.slug}.yaml").write_bytes(text)
            count += 1
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=env)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(stream), check=True, env=env)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True, env=env)
    return count


def timed(argv: list[str]) -> tuple[float, float, str]:
    """Wall seconds and peak MB of one child process, and its output."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    output = process.stdout.read()
    if status != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{output}")
    return wall, usage.ru_maxrss / 1024, output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counties", type=int, default=2900)
    parser.add_argument("--commits", type=int, default=10, help="revisions of each county's file")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-history-"))
    root = base / f"history-{args.counties}x{args.commits}"
    if root.exists():
        shutil.rmtree(root)
    start = time.perf_counter()
    commits = write_repository(root, args.counties, args.commits)
    print(f"repository: {args.counties} counties, {commits} commits, written in {time.perf_counter() - start:.1f} s",
          file=sys.stderr)
    load = [sys.executable, "-c", "import sys, time; sys.path.insert(0, sys.argv[1]);"
            "from pathlib import Path; from scoreboard.history import load_history;"
            "t = time.perf_counter(); h = load_history(Path(sys.argv[2]));"
            "print(len(h.changes), round(time.perf_counter() - t, 2))", str(REPO), str(root)]
    build = [sys.executable, str(REPO / "build.py"), "--root", str(root), "build", "--site-dir", str(base / "site")]
    rows = []
    for name, argv in (("load_history", load), ("build (with history)", build)):
        runs = sorted(timed(argv)[:2] for _ in range(args.repeat))
        wall, peak = runs[len(runs) // 2]
        rows.append(f"| {args.counties} × {args.commits} | {name} | {wall:.2f} | {peak:.0f} |")
    print("| counties × revisions | what | wall s (median) | peak MB |\n| --- | --- | ---: | ---: |")
    print("\n".join(rows))
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
