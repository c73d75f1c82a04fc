#!/bin/sh
# Side-by-side training throughput: `sieve bench pretrain` (release build) and the PyTorch peer
# (Benchmarks/pytorch_gpt.py) on the same model, batch, threads and text, alternating ROUNDS times
# so both see the same machine load; prints the load before each run.
#   python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch numpy
#   swift build -c release && scripts/bench-pretrain.sh 3
set -e
ROUNDS=${1:-2}
STEPS=${STEPS:-10}
PY=${PY:-/tmp/torchvenv/bin/python}
TEXT=${TEXT:-../shared/data/prose/tinyshakespeare/input.txt}
for r in $(seq "$ROUNDS"); do
  echo "== round $r: $(uptime)"
  .build/release/sieve bench pretrain --steps "$STEPS" --threads 2 --text "$TEXT"
  echo "-- $(uptime)"
  "$PY" Benchmarks/pytorch_gpt.py bench --steps "$STEPS" --threads 2 --text "$TEXT" 2>/dev/null
done
