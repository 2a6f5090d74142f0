#!/usr/bin/env bash
# What the test suite needs besides Python packages, installed only when missing, so that a
# fresh machine runs every test (a test skipped there would be a missing step here).
# Debian packages by name; npm packages by name into .tools/ (git-ignored) with Debian's npm.
# The README's second command runs this script; .ci/run runs that command.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_missing=()
need_apt() {  # need_apt COMMAND PACKAGE...: queue PACKAGEs when COMMAND is not on PATH
  local command=$1; shift
  command -v "$command" >/dev/null 2>&1 || apt_missing+=("$@")
}

# Browser tests drive Debian's Chromium (Playwright never downloads a browser here);
# the CJK fonts make screenshots and printed pages readable.
need_apt chromium chromium fonts-noto-cjk
need_apt node nodejs
need_apt npm npm
# gitlab-ci-local's shell executor copies the checkout into a job folder with rsync.
need_apt rsync rsync

if ((${#apt_missing[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "install-test-tools: missing Debian packages, run as root: apt-get install ${apt_missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

# npm tools, pinned, installed into .tools/node_modules when the lock stamp differs.
NPM_PACKAGES=(
  # The GitLab pipeline run locally (tests/test_pipeline.py); it needs Node 22, newer than
  # Debian's, which the npm package node@22 brings (its binary is in a registry package).
  gitlab-ci-local@4.75.1
  node@22.23.3
  # The editor's YAML language server (the engine of VS Code's YAML extension), driven over
  # stdio on the score files (tests/test_lsp.py); 1.25 runs on Debian's Node 20.
  yaml-language-server@1.25.0
  # Accessibility rules injected into every page type (tests/test_a11y.py).
  axe-core@4.14.1
  # Lighthouse audits over http with Debian's Chromium; 12.x runs on Node 20 (13 needs 22.19).
  lighthouse@12.8.2
)
if ((${#NPM_PACKAGES[@]})); then
  stamp=".tools/installed.txt"
  wanted=$(printf '%s\n' "${NPM_PACKAGES[@]}")
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    mkdir -p .tools
    npm install --prefix .tools --no-audit --no-fund --loglevel=error "${NPM_PACKAGES[@]}" >/dev/null
    printf '%s\n' "$wanted" > "$stamp"
  fi
fi
