#!/bin/bash
# Two trials at once, in one process and in two (issue 12): one Epochlab trial alone; two trials in one
# `epochlab run` (concurrency 2, worker threads); two `epochlab run` processes of one trial started
# together; the PyTorch peer (bench/peer_pytorch_grid.py, 1 thread) alone and as two processes. The same
# trial everywhere: reference MLP 784-128-10, Adam 1e-3, B = 128, 5 epochs, validation every epoch
# (Epochlab on mnist-10k, PyTorch on random data of the same shape). Prints one CSV line per measure:
#   name, round, 1-min load before, wall s, user s, sys s   (two processes: wall of both, then each one's)
# and leaves each run's JSON in the output folder (Epochlab's runs carry startedAt/endedAt and seconds).
#   npm run build:node && bench/two-trials.sh [rounds=3] [out=/tmp/epochlab-two-trials]
# The figures are wall-clock: on a shared machine read them with the load printed beside them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${1:-3}
OUT=${2:-/tmp/epochlab-two-trials}
mkdir -p "$OUT"
cd "$OUT"
SPEC='"dataset": { "id": "mnist-10k" }, "validation": { "split": 0.2, "seed": 0 },
  "model": { "template": "mlp", "hidden": [128], "activation": "relu" }, "search": { "method": "grid" }'
echo "{ \"name\": \"one\", $SPEC, \"params\": { \"optimizer\": \"adam\", \"learningRate\": 0.001, \"batchSize\": 128, \"epochs\": 5, \"seed\": 1 } }" > one.json
echo "{ \"name\": \"two\", $SPEC, \"params\": { \"optimizer\": \"adam\", \"learningRate\": 0.001, \"batchSize\": 128, \"epochs\": 5, \"seed\": [1, 2] } }" > two.json
EL=(node "$ROOT/bin/epochlab.js")
BLAS=/usr/lib/$(uname -m)-linux-gnu/openblas-pthread
PY=(env "LD_LIBRARY_PATH=$BLAS" OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MALLOC_MMAP_THRESHOLD_=33554432
  MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_TOP_PAD_=268435456 /usr/bin/python3 "$ROOT/bench/peer_pytorch_grid.py"
  --trials 1 --epochs 5 --batch 128 --threads 1)
T=(/usr/bin/time -f %e,%U,%S)
load() { cut -d' ' -f1 /proc/loadavg; }
fresh() { rm -rf "$OUT/data-$1"; echo "$OUT/data-$1"; }
timed() { local name=$1; shift; { "${T[@]}" "$@" > "$name.json"; } 2>&1 | tail -1; }
pair() { # two commands started together: total wall, then each one's wall,user,sys
  local s e; s=$(date +%s.%N)
  ( timed "$1" "${@:3}" > "$1.t" ) & ( timed "$2" "${@:3}" > "$2.t" ) & wait
  e=$(date +%s.%N); echo "$(echo "$e - $s" | bc),$(cat "$1.t");$(cat "$2.t")"
}
for r in $(seq 1 "$ROUNDS"); do
  echo "epochlab-1,$r,$(load),$(timed el1-$r "${EL[@]}" --data-dir "$(fresh a)" run one.json --backend wasm --concurrency 1 --json)"
  echo "epochlab-2-threads,$r,$(load),$(timed el2-$r "${EL[@]}" --data-dir "$(fresh b)" run two.json --backend wasm --concurrency 2 --json)"
  L=$(load)
  echo "epochlab-2-processes,$r,$L,$(pair el2p1-$r el2p2-$r sh -c '"$@" --data-dir "$PWD/data-$$" run one.json --backend wasm --concurrency 1 --json' _ "${EL[@]}")"
  echo "pytorch-1,$r,$(load),$(timed py1-$r "${PY[@]}")"
  L=$(load)
  echo "pytorch-2-processes,$r,$L,$(pair py2a-$r py2b-$r "${PY[@]}")"
  rm -rf "$OUT"/data-*
done
