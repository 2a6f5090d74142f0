"""Mutation testing of the core modules with mutmut 3, one module at a time (issue 17).

    .venv/bin/python bench/mutation.py [values load validate score rules registry]

For each module: ``mutmut run --max-children 1 "scoreboard.<module>.*"`` (the configuration
is ``[tool.mutmut]`` in pyproject.toml). A survivor is either listed in EQUIVALENT below, with
the reason no test can tell it apart, or it is run again against the whole non-browser suite
(mutmut only runs the tests it saw calling the mutated function); one that survives that too
is a gap in the tests. Prints one line per module and exits 1 when a
module scores under 95% of its non-equivalent mutants. Not part of .ci/run: see
bench/README.md for how long it takes.

This file is also a pytest plugin (pyproject.toml passes ``-p bench.mutation`` to pytest
under mutmut only): see ``pytest_load_initial_conftests``.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MODULES = ("values", "load", "validate", "score", "rules", "registry")
# The whole non-browser suite, for the survivors: every test except those that drive a
# browser or an outside tool (Chromium, Lighthouse, language servers, gitlab-ci-local) and the
# real-edit test, which runs the suite again in a copy of the repository.
WHOLE_SUITE = ["tests/", "--ignore=tests/test_browser.py", "--ignore=tests/test_pipeline.py",
               "--ignore=tests/test_real_edit.py", "--ignore-glob=tests/test_lsp*", "--ignore-glob=tests/test_a11y*",
               "--ignore-glob=tests/test_lighthouse*"]
TARGET = 95.0
RERUN_TIMEOUT = 600  # seconds; the whole suite takes one to two minutes on the reference machine


@pytest.hookimpl(hookwrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):  # type: ignore[no-untyped-def]
    """Import tests/conftest.py with no mutant active.

    conftest.py loads the 2011 rules when it is imported, and pytest imports it again in
    every run. Under mutmut that import would run the mutant (a rules.py mutant would then
    break the collection instead of failing a test, and mutmut's "forced fail" self-check
    aborts with exit code 4). The mutant is switched off for the import and back on for the
    tests; those that need rules.py mutated load the rules themselves (tests/test_core_rules.py).
    """
    from mutmut.mutation import trampoline
    active = trampoline.get_mutant_under_test()
    trampoline.set_mutant_under_test("")
    try:
        yield
    finally:
        trampoline.set_mutant_under_test(active)
        if active == "stats":
            # Tests that start build.py or mkdocs in a temporary folder: mutmut's stats
            # recorder there finds no configuration and fails; the mark stays in this process.
            os.environ.pop("MUTANT_UNDER_TEST", None)


def mutant_diff(module: str, name: str) -> str:
    """The lines a mutant changes, as ``- original`` / ``+ mutated``: how survivors are read
    (and how EQUIVALENT recognizes them when a change to the module renumbers the mutants)."""
    import ast
    import difflib
    source = (REPO / "mutants" / "scoreboard" / f"{module}.py").read_text(encoding="utf-8")
    functions = {node.name: node for node in ast.walk(ast.parse(source))
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    short = name.rsplit(".", 1)[-1]
    original = functions[short.rsplit("__mutmut_", 1)[0] + "__mutmut_orig"]
    mutated = functions[short]
    lines = source.splitlines()

    def body(node: ast.AST) -> list[str]:
        return [line.strip() for line in lines[node.lineno:node.end_lineno]]  # type: ignore[attr-defined]

    return "\n".join(line for line in difflib.unified_diff(body(original), body(mutated), lineterm="", n=0)
                     if line[:1] in "+-" and line[:3] not in ("---", "+++"))


# Mutants no test can tell from the original, each with the reason. Keyed by module, function
# and the changed line (``mutant_diff``), not by mutmut's number, which shifts when a module changes.
EQUIVALENT: dict[tuple[str, str, str], str] = {
    ("score", "competition_ranks", '-previous: Decimal | None = None\n+previous: Decimal | None = ""'):
        "any start marker that is not a Decimal differs from the first value, so it is replaced at once",
    ("score", "competition_ranks", "-rank = 0\n+rank = None"): "the first value always sets rank before it is read",
    ("score", "competition_ranks", "-rank = 0\n+rank = 1"): "the first value always sets rank before it is read",
    ("score", "ItemResult.of", "-return cls(item, units, sum((u.points or ZERO for u in units), ZERO),\n"
              "+return cls(item, units, sum((u.points or ZERO for u in units), ),"):
        "an item has at least one unit, and a sum of one or more Decimals is a Decimal from any start",
    ("score", "YearResults.average", "-total = sum((points(s.score) for s in self.standings), ZERO)\n"
              "+total = sum((points(s.score) for s in self.standings), )"):
        "average() returns None before summing when there are no standings; a sum of one or more "
        "Decimals is a Decimal from any start",
    ("values", "deceptive_character", '-if unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Cn") and not (allow_newlines and ch in "\\r\\n\\t"):\n'
               '+if unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Cn") and not (allow_newlines and ch in "XX\\r\\n\\tXX"):'):
        "only characters of a C* category reach the test, and X is a letter",
    ("validate", "_unit_hint", """-candidates.append(f"{item}.{part.rstrip('0')}")  # 1.10 → 1.1 (1.0 → "1.", no unit either way)\n"""
                 """+candidates.append(f"{item}.{part.rstrip('XX0XX')}")  # 1.10 → 1.1 (1.0 → "1.", no unit either way)"""):
        "part matched [0-9]+, so stripping X as well as 0 strips the same characters",
    ("validate", "_check_county", '-return ""\n+return "XXXX"'):
        "_check_county returns early only after an error (E104, E409): no sheet is made, the name is never read",
    ("validate", "_check_county", '-name = node.text.strip() if isinstance(node, Scalar) else ""\n'
                 '+name = node.text.strip() if isinstance(node, Scalar) else "XXXX"'):
        "the name is not text only when county is missing (E102, an error, so no sheet): it is then only "
        "looked up among registered names, where neither '' (refused by the registry) nor XXXX occurs",
    ("registry", "Registry.lineage", '-while (county := self.counties.get(chain[0])) is not None and county.continues and len(chain) <= len(self.counties):\n+while (county := self.counties.get(chain[0])) is not None and county.continues and len(chain) < len(self.counties):'):
        'a chain without a cycle holds each county once, so it ends before either bound; cycles are refused (E413)',
    ("registry", "Registry.lineage", '-while chain[-1] in successors and len(chain) <= len(self.counties):\n+while chain[-1] in successors and len(chain) < len(self.counties):'):
        'a chain without a cycle holds each county once, so it ends before either bound; cycles are refused (E413)',
    ("registry", "_same_name", '-start = max(county.from_year or 0, other.from_year or 0)\n+start = max(county.from_year or 1, other.from_year or 0)'):
        'years are four digits (1000–2999): an open start of 0 or 1 compares the same',
    ("registry", "_same_name", '-start = max(county.from_year or 0, other.from_year or 0)\n+start = max(county.from_year or 0, other.from_year or 1)'):
        'years are four digits (1000–2999): an open start of 0 or 1 compares the same',
    ("registry", "_same_name", '-end = min(county.until_year or 9999, other.until_year or 9999)\n+end = min(county.until_year or 10000, other.until_year or 9999)'):
        'years are four digits (1000–2999): an open end of 9999 or 10000 compares the same',
    ("registry", "_same_name", '-end = min(county.until_year or 9999, other.until_year or 9999)\n+end = min(county.until_year or 9999, other.until_year or 10000)'):
        'years are four digits (1000–2999): an open end of 9999 or 10000 compares the same',
    ("registry", "_continues", '-return None, Position(node.line, node.column)\n+return None, Position(None, node.column)'):
        'the place returned with a refused continues (E411, an error) is never read: no registry is made',
    ("registry", "_continues", '-return None, Position(node.line, node.column)\n+return None, Position(node.line, None)'):
        'the place returned with a refused continues (E411, an error) is never read: no registry is made',
    ("rules", "_Reader.text", '-return ""\n+return "XXXX"'):
        'returned only after an error was reported (E301, E303, E314, E324): no rules are made, the value is never read',
    ("rules", "_Reader.number", '-return Decimal(0)\n+return Decimal(1)'):
        'returned only after an error was reported (E301, E303, E314, E324): no rules are made, the value is never read',
    ("rules", "_example", '-return False\n+return True'):
        'returned only after an error was reported (E301, E303, E314, E324): no rules are made, the value is never read',
    ("rules", "_check_sums", '-line = where.get(("item", item.id), (tree.line, tree.column))\n+line = where.get(("item", item.id), None)'):
        'every item and category of rules read without problems has its place in _lines_by_id: the fallback is never used',
    ("rules", "_check_sums", '-line = where.get(("item", item.id), (tree.line, tree.column))\n+line = where.get(("item", item.id), )'):
        'every item and category of rules read without problems has its place in _lines_by_id: the fallback is never used',
    ("rules", "_check_sums", '-line = where.get(("category", category.id), (tree.line, tree.column))\n+line = where.get(("category", category.id), None)'):
        'every item and category of rules read without problems has its place in _lines_by_id: the fallback is never used',
    ("rules", "_check_sums", '-line = where.get(("category", category.id), (tree.line, tree.column))\n+line = where.get(("category", category.id), )'):
        'every item and category of rules read without problems has its place in _lines_by_id: the fallback is never used',
    ("rules", "_check_sums", '-total = sum((p.max for p in item.parts), Decimal(0))\n+total = sum((p.max for p in item.parts), )'):
        'the parts are summed only when there are some, and a sum of one or more Decimals is a Decimal from any start',
    ("rules", "_lines_by_id", '-for category in categories.items if isinstance(categories, Sequence) else []:\n+for category in categories.items if (isinstance(categories, Sequence)) or True else []:'):
        '_lines_by_id runs only on rules read without problems: categories and items are lists of mappings there',
    ("rules", "_lines_by_id", '-continue\n+break'):
        '_lines_by_id runs only on rules read without problems: categories and items are lists of mappings there',
    ("rules", "_lines_by_id", '-for item in items.items if isinstance(items, Sequence) else []:\n+for item in items.items if (isinstance(items, Sequence)) or True else []:'):
        '_lines_by_id runs only on rules read without problems: categories and items are lists of mappings there',
    ("rules", "_lines_by_id", '-iid = item.get("id") if isinstance(item, Mapping) else None\n+iid = item.get("id") if (isinstance(item, Mapping)) or True else None'):
        '_lines_by_id runs only on rules read without problems: categories and items are lists of mappings there',
    ('rules', '_read_rules', '-year = 0\n+year = None'):
        'set only on a path that reports an error (E301, E318, E319): no rules are made, the value is never read',
    ('rules', '_read_rules', '-year = 0\n+year = 1'):
        'set only on a path that reports an error (E301, E318, E319): no rules are made, the value is never read',
    ('rules', '_read_rules', '-step = None\n+step = ""'):
        'set only on a path that reports an error (E301, E318, E319): no rules are made, the value is never read',
    ('load', 'decode', '-text = data.decode("utf-8")\n+text = data.decode("UTF-8")'):
        'codec names are case-insensitive: UTF-8 is utf-8',
    ('load', '_looks_like_gbk', '-data.decode("gb18030")\n+data.decode("GB18030")'):
        'codec names are case-insensitive: GB18030 is gb18030',
    ('load', 'decode', '-line = data.count(b"\\n", 0, exc.start) + 1\n+line = data.count(b"\\n", None, exc.start) + 1'):
        'a start of None is a start of 0 for bytes.count',
    ('load', 'decode', '-column = exc.start - (data.rfind(b"\\n", 0, exc.start) + 1) + 1\n+column = exc.start - (data.rfind(b"\\n", None, exc.start) + 1) + 1'):
        'a start of None is a start of 0 for bytes.rfind',
    ('load', '_TreeBuilder._check_anchor_and_tag', '-tag = getattr(event, "tag", None)\n+tag = getattr(event, "tag", )'):
        'only scalar, mapping and sequence start events come here, and all of them have a tag attribute',
    ('load', '_TreeBuilder._as_key', '-if type(node) is Scalar and node.text not in seen and node.text != "<<":\n+if type(None) is Scalar and node.text not in seen and node.text != "<<":'):
        'the fast path for a new key that is not <<; the general path below it gives the same result, only slower',
    ('load', 'parse', '-problem = exc.problem or exc.context or "语法错误"\n+problem = exc.problem or exc.context and "语法错误"'):
        'libyaml reports every syntax error (MarkedYAMLError) with a problem and its mark: the fallbacks for a missing one are never taken',
    ('load', 'parse', '-problem = exc.problem or exc.context or "语法错误"\n+problem = exc.problem or exc.context or "XX语法错误XX"'):
        'libyaml reports every syntax error (MarkedYAMLError) with a problem and its mark: the fallbacks for a missing one are never taken',
    ('load', 'parse', '-line_index, column, hint = _syntax_hint(lines, mark.line if mark else 0, problem)\n+line_index, column, hint = _syntax_hint(lines, mark.line if (mark) or True else 0, problem)'):
        'libyaml reports every syntax error (MarkedYAMLError) with a problem and its mark: the fallbacks for a missing one are never taken',
    ('load', 'parse', '-line_index, column, hint = _syntax_hint(lines, mark.line if mark else 0, problem)\n+line_index, column, hint = _syntax_hint(lines, mark.line if mark else 1, problem)'):
        'libyaml reports every syntax error (MarkedYAMLError) with a problem and its mark: the fallbacks for a missing one are never taken',
    ('load', 'parse', '-column = mark.column + 1 if mark else 1\n+column = mark.column + 1 if (mark) or True else 1'):
        'libyaml reports every syntax error (MarkedYAMLError) with a problem and its mark: the fallbacks for a missing one are never taken',
    ('load', 'parse', '-column = mark.column + 1 if mark else 1\n+column = mark.column + 1 if mark else 2'):
        'libyaml reports every syntax error (MarkedYAMLError) with a problem and its mark: the fallbacks for a missing one are never taken',
}

# mutmut's exit codes: a failed test kills a mutant, and so does a timeout (a mutant that loops).
DETECTED = {1, 3, 24, -24, 36, 152, 255}


def function_of(name: str) -> str:
    """scoreboard.score.xǁYearResultsǁaverage__mutmut_6 → YearResults.average."""
    mangled = name.rsplit(".", 1)[-1].rsplit("__mutmut_", 1)[0]
    return mangled.removeprefix("xǁ").replace("ǁ", ".") if mangled.startswith("xǁ") else mangled.removeprefix("x_")


def run_mutmut(module: str) -> float:
    """Mutate one module and run mutmut's own test selection; returns the seconds it took."""
    started = time.monotonic()
    subprocess.run([str(Path(sys.executable).parent / "mutmut"), "run", "--max-children", "1", f"scoreboard.{module}.*"],
                   cwd=REPO, check=False, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def verdicts(module: str) -> dict[str, int]:
    meta = REPO / "mutants" / "scoreboard" / f"{module}.py.meta"
    return json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]


def suite_passes_without_mutant(extra: list[str]) -> bool:
    """The re-runs mean something only if the suite passes with no mutant active."""
    return not killed_by_whole_suite("", extra)


def killed_by_whole_suite(name: str, extra: list[str]) -> bool:
    """Run every non-browser test against one mutant, in a fresh process (so no cache or
    fixture of an earlier run hides it, and programs the tests start see it too)."""
    env = dict(os.environ, MUTANT_UNDER_TEST=name)
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "bench.mutation",
                               *WHOLE_SUITE, *extra], cwd=REPO / "mutants", env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=RERUN_TIMEOUT)
    except subprocess.TimeoutExpired:  # a mutant that loops for ever is caught (mutmut counts it so too)
        return True
    return done.returncode != 0


def check_module(module: str, rerun: bool = True, extra: list[str] = ()) -> dict:
    seconds = run_mutmut(module)
    found = verdicts(module)
    survivors = {name for name, code in found.items() if code not in DETECTED}
    started = time.monotonic()
    equivalent, unexplained, gaps = {}, [], []
    for name in sorted(survivors):
        diff = mutant_diff(module, name)
        reason = EQUIVALENT.get((module, function_of(name), diff))
        if reason:  # explained already: a re-run could only confirm that it survives
            equivalent[name] = reason
        else:
            unexplained.append((name, diff))
    if rerun and unexplained and not suite_passes_without_mutant(list(extra)):
        raise SystemExit("the whole suite fails without any mutant: fix it, or leave the failing tests out "
                         "with --rerun-arg=--deselect=…")
    for name, diff in unexplained:
        if not (rerun and killed_by_whole_suite(name, list(extra))):
            gaps.append((name, diff))
    still = [*equivalent, *(name for name, _ in gaps)]
    counted = len(found) - len(equivalent)
    return {"module": module, "mutants": len(found), "killed": len(found) - len(still),
            "killed_by_mutmut": len(found) - len(survivors), "survived": len(still),
            "equivalent": equivalent, "gaps": gaps,
            "score": 100.0 if counted == 0 else 100.0 * (len(found) - len(still)) / counted,
            "mutmut_seconds": round(seconds), "rerun_seconds": round(time.monotonic() - started)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mutation testing of the core modules, one at a time.")
    parser.add_argument("modules", nargs="*", metavar="MODULE", help=f"any of {', '.join(MODULES)} (default: all)")
    parser.add_argument("--no-rerun", action="store_true", help="trust mutmut's own test selection for survivors")
    parser.add_argument("--keep", action="store_true", help="keep mutants/ from an earlier run (mutmut then reuses its stats)")
    parser.add_argument("--rerun-arg", action="append", default=[], metavar="ARG",
                        help="one more pytest argument for the re-runs, e.g. --rerun-arg=--deselect=tests/x.py::test_y "
                             "for a test that fails at this commit without any mutant")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.modules) - set(MODULES))
    if unknown:
        parser.error(f"not a core module: {', '.join(unknown)}")
    if not args.keep:
        shutil.rmtree(REPO / "mutants", ignore_errors=True)  # stale mutants of an older source mislead
    failed = False
    for module in args.modules or MODULES:
        report = check_module(module, rerun=not args.no_rerun, extra=args.rerun_arg)
        print(f"{module}.py: {report['mutants']} mutants, {report['killed']} killed "
              f"({report['killed_by_mutmut']} by mutmut's selection), {report['survived']} survived, "
              f"{len(report['equivalent'])} equivalent: {report['score']:.1f}% "
              f"(mutmut {report['mutmut_seconds']} s, re-run {report['rerun_seconds']} s)", flush=True)
        for name, diff in report["gaps"]:
            print(f"  survivor {name}:\n    " + diff.replace("\n", "\n    "))
        failed |= report["score"] < TARGET
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
