"""Mutation testing of the core modules with mutmut 3, one module at a time (issue 17).

    .venv/bin/python bench/mutation.py [values load validate score rules registry]

For each module: ``mutmut run --max-children 1 "scoreboard.<module>.*"`` (the configuration
is ``[tool.mutmut]`` in pyproject.toml), then every survivor is run again against the whole
non-browser suite, because mutmut only runs the tests it saw calling the mutated function.
A survivor that still survives is either listed in EQUIVALENT below, with the reason no test
can tell it apart, or it is a gap in the tests. Prints one line per module and exits 1 when a
module scores under 95% of its non-equivalent mutants. Not part of .ci/run: see
bench/README.md for how long it takes.

This file is also a pytest plugin (pyproject.toml passes ``-p bench.mutation`` to pytest
under mutmut only): see ``pytest_load_initial_conftests``.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MODULES = ("values", "load", "validate", "score", "rules", "registry")
SUITE = ["tests/", "--ignore=tests/test_browser.py", "--ignore=tests/test_pipeline.py",
         "--ignore=tests/test_real_edit.py",
         "--ignore-glob=tests/test_lsp*", "--ignore-glob=tests/test_a11y*",
         "--ignore-glob=tests/test_lighthouse*"]
TARGET = 95.0


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
