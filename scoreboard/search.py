"""The search index: a prebuilt list shipped as a script file, searched by substring.

MkDocs' lunr search cannot segment Chinese, and a JSON file cannot be fetched from
``file://``; a script that assigns the index to a global loads everywhere, and substring
matching finds one-character queries too. Entries are compact arrays:
``[kind, title, url, text]`` with urls relative to the site root.
"""
from __future__ import annotations

import html
import json
import re
from typing import Iterable

from . import urls
from .render import YearView
from .values import fmt

COUNTY, CATEGORY, ITEM, NOTE, DEPARTMENT, PAGE = "县市区", "考核类别", "考核条目", "扣分说明", "考核部门", "说明页面"
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def plain_text(fragment: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", fragment))).strip()


def year_entries(view: YearView) -> list[list[str]]:
    """One year's entries: counties, the criteria, departments, then every note."""
    year = view.year
    found: list[list[str]] = []
    standings = sorted(view.results.standings, key=lambda s: s.score.slug)
    for s in standings:
        score = s.score
        found.append([COUNTY, f"{score.name} · {year}年度第{s.rank}名", urls.county(year, score.slug),
                      f"{score.name} {score.slug}"])
    found.append([PAGE, f"{view.rules.title}", urls.section(year, "criteria"), view.rules.intro])
    for category in view.rules.categories:
        found.append([CATEGORY, f"{year}年度 {category.numeral}、{category.name}", urls.category_criteria(year, category.id),
                      " ".join(i.text for i in category.items)])
        for item in category.items:
            # The category's name goes with each item, so "扶贫" finds the items of 扶贫帮困.
            found.append([ITEM, f"{year}年度 第{item.id}条（{fmt(item.max)}分）· {category.name}",
                          urls.criteria_item(year, item.id), f"{item.text} {' '.join(item.departments)}"])
    for department in view.rules.departments:
        found.append([DEPARTMENT, f"{department.name} · {year}年度", urls.department(year, department.slug),
                      " ".join((department.name, *department.aliases))])
    for s in standings:
        for unit in s.score.noted_units():
            found.append([NOTE, f"{s.score.name} · {year}年度 {unit.unit.id}",
                          f"{urls.county(year, s.score.slug)}#{urls.unit_anchor(unit.unit.id)}", unit.note])
    return found


def page_entries(pages: Iterable[tuple[str, str, str]]) -> list[list[str]]:
    """The hand-written pages, given as (title, url, html)."""
    return [[PAGE, title, url, plain_text(fragment)] for title, url, fragment in pages]


def index_path(key: str) -> str:
    return urls.search_index(key)


def index_paths(years: Iterable[int]) -> list[str]:
    return [index_path("pages"), *(index_path(str(year)) for year in years)]


def pages_index(pages: Iterable[tuple[str, str, str]]) -> str:
    """The script of the hand-written pages, (title, url, html) each."""
    return index_script("pages", page_entries(pages))


def year_index(view: YearView) -> tuple[str, str]:
    """(path, script) of one year's index: known before the content pages are read."""
    return index_path(str(view.year)), index_script(str(view.year), year_entries(view))


def index_script(key: str, found: list[list[str]]) -> str:
    data = json.dumps(found, ensure_ascii=False, separators=(",", ":"))
    # "</" cannot end a script early, whatever a note says.
    data = data.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"(window.SCOREBOARD_SEARCH=window.SCOREBOARD_SEARCH||{{}})[{json.dumps(key)}]={data};\n"
