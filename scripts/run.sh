#!/usr/bin/env bash
# Set up (first time) and start the Streamlit assistant on the bundled corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export ANONYMIZED_TELEMETRY=False HF_HUB_OFFLINE=1
exec .venv/bin/python -m streamlit run app.py \
  --server.headless true --browser.gatherUsageStats false \
  --server.port "${PORT:-8501}" --server.address "${HOST:-127.0.0.1}" "$@"
