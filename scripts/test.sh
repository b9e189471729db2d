#!/usr/bin/env bash
# Sets up a fresh machine (Node 20 + npm) and runs every test: the command the README gives.
# System packages (Chromium for the tearsheet test; Jupyter + tslab for the notebook test) are installed
# with apt when this runs as root on Debian/Ubuntu; elsewhere install them yourself (see README).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version)" != 10.* ]]; then
  npm install -g pnpm@10.34.9
fi

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v jupyter-nbconvert >/dev/null 2>&1 || need_apt+=(jupyter-nbconvert python3-ipykernel)
if ((${#need_apt[@]})) && command -v apt-get >/dev/null 2>&1 && [[ $(id -u) == 0 ]]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
if ! command -v tslab >/dev/null 2>&1; then
  npm install -g tslab@1
fi
if command -v jupyter >/dev/null 2>&1 && ! jupyter kernelspec list 2>/dev/null | grep -q tslab; then
  # Register the kernel with the Python that runs jupyter (Debian's), not whichever python3 is first on PATH.
  jupyter_python=$(head -n 1 "$(command -v jupyter)" | sed 's/^#!//; s/ .*//')
  tslab install --python="${jupyter_python:-python3}"
fi

pnpm install --frozen-lockfile
pnpm test
