#!/usr/bin/env bash
# Rebuild everything under examples/ that is derived from policies/, then the pages
# that show it. Run after editing policies/*.kfpl (tests/test_diff_revision.py says
# when it is needed).
set -euo pipefail
cd "$(dirname "$0")/.."
python examples/revision-2023/make_revision.py
python -m kfpl.population --policies policies --policies examples/revision-2023 \
  --jsonl examples/population/applications.jsonl --csv examples/population/tables
python -m kfpl.diff.review
kfpl build
