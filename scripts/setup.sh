#!/usr/bin/env bash
# Create .venv and install the project (idempotent: re-runs only when pyproject.toml changed).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  # torch first and pinned: the CPU build of 2.13.0 lies on these machines' disk.
  .venv/bin/python -m pip install --quiet "torch==2.13.0"
  .venv/bin/python -m pip install --quiet -e ".[test]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
# PDF memos embed a Japanese TrueType font (rag/memo_fonts.py): Debian's IPAex Gothic when there is none.
ipaex=/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf
if [ -z "${RAG_MEMO_FONT:-}" ] && [ ! -f "$ipaex" ] && command -v apt-get >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian's fonts-ipaexfont-gothic for PDF memos…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-ipaexfont-gothic >/dev/null) \
      || echo "warning: could not install fonts-ipaexfont-gothic; PDF memos need a Japanese font (RAG_MEMO_FONT)" >&2
  else
    echo "warning: no IPAex Gothic; PDF memos need a Japanese font (apt-get install fonts-ipaexfont-gothic, or RAG_MEMO_FONT)" >&2
  fi
fi
