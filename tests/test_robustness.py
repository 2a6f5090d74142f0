"""Whatever a pull request puts in a score file, the check answers with problems, never a crash."""
from __future__ import annotations

import random

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


def test_mutated_files_never_crash_the_check(project: ProjectDir) -> None:
    project.register("ceshi-xian", "测试县")
    good = score_file("测试县", deductions={"8.1": "{score: 4.5, note: 续签未完成}"})
    path = project.root / "scores" / "2011" / "ceshi-xian.yaml"
    outcomes = {"clean": 0, "problems": 0}
    for text in mutations(good, 400, seed=2011):
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        result = check_project(project.root)  # an exception here fails the test
        for problem in result.problems:
            assert problem.path == "scores/2011/ceshi-xian.yaml"
            assert problem.code[0] in "EW" and problem.message
            assert problem.line >= 0 and problem.column >= 0
        outcomes["problems" if result.problems else "clean"] += 1
    assert outcomes["problems"] > 300  # nearly every mutation is a mistake that is reported


def test_random_bytes_are_an_encoding_or_syntax_problem(project: ProjectDir) -> None:
    project.register("ceshi-xian", "测试县")
    rng = random.Random(7)
    path = project.root / "scores" / "2011" / "ceshi-xian.yaml"
    for _ in range(100):
        path.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randint(0, 300))))
        result = check_project(project.root)
        assert result.has_errors
