"""Reads tables out of built pages, the way a reader sees them (text of each cell)."""
from __future__ import annotations

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[dict[str, str], list[str]]] = []  # (tr attributes, cell texts)
        self._row: tuple[dict[str, str], list[str]] | None = None
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = (dict(attrs), [])
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row[1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if self._cell is not None and not self._skip:
            self._cell.append(data)


def table_rows(html: str) -> list[tuple[dict[str, str], list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.rows


def rows_by_id(html: str) -> dict[str, list[str]]:
    return {attrs["id"]: cells for attrs, cells in table_rows(html) if "id" in attrs}
