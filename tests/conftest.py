"""Shared fixtures: a throwaway project folder with the 2011 rules and tiny score files.

Tests of the tool never read the repository's own `rules/` and `scores/`: those hold real
results that change every year. They read copies under tests/fixtures/ instead
(`rules/2011.yaml` and the invented `rules/2012.yaml`, the sample data in `sample/`, and the small
`site/` project). Only tests/test_repository_data.py looks at the live data, and only the
way `build.py check` and `build.py build` do.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
RULES_2011_FILE = FIXTURES / "rules" / "2011.yaml"   # a copy of rules/2011.yaml
RULES_2012_FILE = FIXTURES / "rules" / "2012.yaml"   # a copy of rules/2012.yaml (an invented example)
SAMPLE = FIXTURES / "sample"                       # a copy of scores/: 2011, and the invented 2012
sys.path.insert(0, str(REPO))

from scoreboard.rules import load_rules  # noqa: E402

RULES_2011, _ = load_rules(RULES_2011_FILE, "rules/2011.yaml")


def full_scores(year: int = 2011, deductions: dict[str, str] | None = None, rules=RULES_2011) -> str:
    """The `scores:` block of a final file: every base unit at its maximum, unless overridden."""
    deductions = deductions or {}
    lines = []
    for unit in rules.units.values():
        if unit.is_bonus and unit.id not in deductions:
            continue
        value = deductions.get(unit.id, f"{unit.max}")
        lines.append(f"  {unit.id}: {value}")
    return "scores:\n" + "\n".join(lines) + "\n"


def score_file(name: str, year: int = 2011, status: str = "final", deductions: dict[str, str] | None = None) -> str:
    return f"county: {name}\nyear: {year}\nstatus: {status}\n" + full_scores(year, deductions)


class ProjectDir:
    """A project root with rules/ and scores/, written by the test."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "rules").mkdir(parents=True)
        (root / "scores" / "2011").mkdir(parents=True)
        shutil.copy(RULES_2011_FILE, root / "rules" / "2011.yaml")
        self.counties: list[tuple[str, str, str]] = []

    def register(self, slug: str, name: str, extra: str = "") -> None:
        self.counties.append((slug, name, extra))
        self._write_registry()

    def _write_registry(self) -> None:
        body = "counties:\n" + "".join(
            f"  - slug: {slug}\n    name: {name}\n{extra}" for slug, name, extra in self.counties)
        (self.root / "scores" / "counties.yaml").write_text(body, encoding="utf-8")

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def add_county(self, slug: str, name: str, year: int = 2011, **kwargs) -> Path:
        self.register(slug, name)
        return self.write(f"scores/{year}/{slug}.yaml", score_file(name, year, **kwargs))


@pytest.fixture
def project(tmp_path: Path) -> ProjectDir:
    return ProjectDir(tmp_path / "project")


# Debian's Chromium, driven by Playwright (which never downloads a browser here);
# .ci/install-test-tools.sh installs it, so a missing browser is a failure, never a skip.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test of the session."""
    if not Path(CHROMIUM).exists():
        pytest.fail("browser tests need Debian's chromium: run bash .ci/install-test-tools.sh as root")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "data: checks the repository's own rules/ and scores/ "
                            "(deselect with -m 'not data' to test the tool alone)")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output (review the diff before committing)")


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project built once: tests/fixtures/site with the real 2011 rules."""
    from sitebuild import build, fixture_project
    root = fixture_project(tmp_path_factory.mktemp("fixture-project"))
    site = root / "site"
    code, output = build(root, site)
    assert code == 0, output
    return site


@pytest.fixture(scope="session")
def sample_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample data (tests/fixtures/sample) in a git repository of one commit."""
    from sitebuild import sample_project as make
    return make(tmp_path_factory.mktemp("sample") / "project")


@pytest.fixture(scope="session")
def sample_site(sample_project: Path) -> Path:
    """The sample data built as the README's first command builds the repository."""
    from sitebuild import build
    site = sample_project.parent / "site"
    code, output = build(sample_project, site)
    assert code == 0, output
    return site
