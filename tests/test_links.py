"""Every address comes from one place (scoreboard/urls.py), and every link of a built site
leads to a file of that site and, with a #fragment, to an element of that page."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest

from conftest import REPO

THEME = REPO / "theme"
# An address or anchor in a template is an anchor of its own page ("#history"), a value made
# in Python ("{{ link }}"), a theme asset, or "{{ base_url }}/{{ url.… }}": anything else is
# an address written by hand.
ADDRESS = re.compile(r'\b(?:href|src|id|action)="([^"]*)"')
EXPRESSION = re.compile(r"\{\{.*?\}\}")
PATH_LIKE = re.compile(r"county/|department/|item-|u-|\.html|\.json|\.csv|published/|/")


def written_by_hand(address: str) -> bool:
    rest = address
    if rest.startswith("{{ base_url }}/"):
        rest = rest[len("{{ base_url }}/"):]
        if rest.startswith("assets/"):
            return False
        if not rest.startswith("{{ url."):
            return True
    return bool(PATH_LIKE.search(EXPRESSION.sub("", rest)))


@pytest.mark.parametrize("template", sorted(p.relative_to(THEME).as_posix() for p in THEME.rglob("*.html")))
def test_templates_write_no_address_by_hand(template: str) -> None:
    text = (THEME / template).read_text(encoding="utf-8")
    found = [address for address in ADDRESS.findall(text) if written_by_hand(address)]
    assert not found, f"{template} writes {found} itself; use url.… (scoreboard/urls.py)"


@pytest.mark.parametrize("address, by_hand", [
    ('{{ base_url }}/{{ url.county(year, slug) }}#history', False), ("#{{ url.item_anchor(item.id) }}", False),
    ("{{ link }}", False), ("{{ base_url }}/assets/site.js", False),
    ("{{ base_url }}/{{ year }}/county/{{ slug }}.html", True), ("../criteria.html#item-{{ i }}", True),
    ("item-{{ item.id }}", True), ("{{ base_url }}/about.html", True)])
def test_the_template_check_itself(address: str, by_hand: bool) -> None:
    assert written_by_hand(address) is by_hand


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for name in ("href", "src", "action"):
            if values.get(name):
                self.links.append(values[name] or "")


def parsed(path: Path) -> _Links:
    links = _Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def test_every_link_of_the_site_leads_somewhere(fixture_site: Path) -> None:
    pages = {p.relative_to(fixture_site).as_posix(): p for p in fixture_site.rglob("*.html")}
    ids = {name: parsed(path).ids for name, path in pages.items()}
    broken, checked = [], 0
    for name, path in pages.items():
        if name == "404.html":  # served from any depth; its links are tested in the browser
            continue
        for link in parsed(path).links:
            checked += 1
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                broken.append((name, link, "outside the site"))
                continue
            target = name if not parts.path else _resolve(name, unquote(parts.path))
            if not (fixture_site / target).is_file():
                broken.append((name, link, "no such file"))
            elif parts.fragment and target.endswith(".html") and unquote(parts.fragment) not in ids[target]:
                broken.append((name, link, "no such anchor"))
    assert broken == []
    assert checked > 20 * len(pages)  # the test looked at the site's links, not at nothing


def _resolve(page: str, link: str) -> str:
    joined = PurePosixPath(page).parent / link
    parts: list[str] = []
    for part in joined.parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)
