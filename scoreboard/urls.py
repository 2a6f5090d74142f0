"""Every address of the site, made in one place: the contract says they are stable forever.

Paths are relative to the site root; a page links to one as ``{{ base_url }}/{{ url.… }}``
(``base_url`` leads back to the root from the page, so the site works from ``file://``).
Templates, exports, the search index and the site engine all take their paths from here.
"""
from __future__ import annotations

HOME = "index.html"
SEARCH = "search.html"
ABOUT = "about.html"
GUIDE = "guide.html"


def section(year: int, name: str) -> str:
    """A year's section page; its ranking is the year's index page."""
    return f"{year}/{name}.html"


def ranking(year: int) -> str:
    return section(year, "index")


def county(year: int, slug: str) -> str:
    return f"{year}/county/{slug}.html"


def county_history(slug: str) -> str:
    """A county over all years, outside the year folders: every year's result and scorecard."""
    return f"county/{slug}.html"


def department(year: int, slug: str) -> str:
    return f"{year}/department/{slug}.html"


def item_anchor(item_id: str) -> str:
    """The anchor of an item on the criteria page."""
    return f"item-{item_id}"


def criteria_item(year: int, item_id: str) -> str:
    return f"{section(year, 'criteria')}#{item_anchor(item_id)}"


def download(year: int, name: str) -> str:
    """A year's download; the JSON Schema sits where the score files' modeline names it."""
    if name == "schema.json":
        return schema(year)
    return f"{year}/{name}"


def schema(year: int) -> str:
    return f"schema/{year}.json"


def released(year: int, name: str) -> str:
    """A download as it was when the year's results were officially announced."""
    return f"{year}/published/{name}"


def unit_anchor(unit_id: str) -> str:
    """A scoring unit's row on a scorecard."""
    return f"u-{unit_id}"


def category_criteria(year: int, category_id: str) -> str:
    """A category's heading on the criteria page (its id is its anchor)."""
    return f"{section(year, 'criteria')}#{category_id}"


def search_index(key: str) -> str:
    """The search index script of one year (key "2011") or of the hand-written pages ("pages")."""
    return f"assets/search/{key}.js"
