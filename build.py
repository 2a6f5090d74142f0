#!/usr/bin/env python3
"""The scoreboard's entry point: ``python build.py check | rank | build | serve | diff | new``.

Thin on purpose: every command lives in ``scoreboard.cli``; tests call ``main([...])``.
"""
from __future__ import annotations

import os
import sys
from typing import Sequence

from scoreboard.cli import main as _main


def main(argv: Sequence[str] | None = None) -> int:
    return _main(argv)


if __name__ == "__main__":
    code = main()
    # A national build leaves a few hundred MB of small objects; freeing them one by one at
    # interpreter exit takes seconds and changes nothing. Everything is written and closed.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
