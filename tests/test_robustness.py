"""Whatever a pull request puts in a score file, the check answers with problems, never a crash."""
from __future__ import annotations

import random
import re

from conftest import ProjectDir, score_file
from scoreboard.project import check_project

# Characters people really type by mistake, and the ones YAML treats specially.
SPICE = ["：", "　", "\t", "３", "分", "'", '"', "{", "}", "[", "]", "&a ", "*a", "!!", "<<: ", "---\n", "- ",
         "\ufeff", "\r\n", "#", "%", "@", "`", "|", ">", "\\", "\x00", "\x1b", "é", "𠮷", "?", ":", ",", "\n  "]


def mutations(text: str, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        chars = list(text)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(chars))
            action = rng.random()
            if action < 0.5:
                chars.insert(at, rng.choice(SPICE))
            elif action < 0.8:
                del chars[at:at + rng.randint(1, 6)]
            else:
                chars[at] = rng.choice(SPICE)
        out.append("".join(chars))
    return out


def lines_of(data: bytes) -> list[str] | list[bytes]:
    """The file's lines as the loader counts them: YAML's line breaks after decoding, or
    bytes split at newlines when it is not UTF-8 (E001 gives the byte position then)."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return data.split(b"\n")
    return re.split(r"\r\n|\r|\n|\x85|\u2028|\u2029", text)


def assert_inside(problem, lines: list) -> None:
    """A problem points at a character of the file, just past the end of a line, or at the
    very end of the file; 0:0 only for "the whole file" (E000)."""
    if (problem.line, problem.column) == (0, 0):
        assert problem.code == "E000", problem
        return
    assert 1 <= problem.line <= len(lines) + 1, (problem, len(lines))
    width = len(lines[problem.line - 1]) if problem.line <= len(lines) else 0
    assert 1 <= problem.column <= width + 1, (problem, width)


def test_mutated_files_never_crash_the_check(project: ProjectDir) -> None:
    project.register("ceshi-xian", "测试县")
    good = score_file("测试县", deductions={"8.1": "{score: 4.5, note: 续签未完成}"})
    path = project.root / "scores" / "2011" / "ceshi-xian.yaml"
    outcomes = {"clean": 0, "problems": 0}
    for text in mutations(good, 400, seed=2011):
        data = text.encode("utf-8", "surrogatepass")
        path.write_bytes(data)
        result = check_project(project.root)  # an exception here fails the test
        lines = lines_of(data)
        for problem in result.problems:
            assert problem.path == "scores/2011/ceshi-xian.yaml"
            assert re.fullmatch(r"[EW][0-9]{3}", problem.code) and problem.message
            assert problem.is_error == (problem.code[0] == "E")
            assert_inside(problem, lines)
        outcomes["problems" if result.problems else "clean"] += 1
    assert outcomes["problems"] > 300  # nearly every mutation is a mistake that is reported


def test_random_bytes_are_an_encoding_or_syntax_problem(project: ProjectDir) -> None:
    project.register("ceshi-xian", "测试县")
    rng = random.Random(7)
    path = project.root / "scores" / "2011" / "ceshi-xian.yaml"
    for _ in range(100):
        data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
        path.write_bytes(data)
        result = check_project(project.root)
        assert result.has_errors
        lines = lines_of(data)
        for problem in result.problems:
            assert problem.path == "scores/2011/ceshi-xian.yaml"
            assert_inside(problem, lines)
