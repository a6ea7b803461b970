#!/usr/bin/env bash
# The one-shot GPU run: train for MINUTES (budget includes data decoding and compilation),
# export fp32 + int8, evaluate on the pack's val clips, bundle the int8 shards into parts.
#   bash training/gpu_job.sh MINUTES        (from the repo root; the pack at .gpu/pack.bin)
# Env: VTKC_CONFIG (sb4x8 | tiny ...), OUT (default /tmp/out), PYTHON, VTKC_TRAIN_ARGS (extra
# trainer flags). Results: /tmp/vtkc_run/{model.safetensors,int8/,parts/,job.log,eval.jsonl};
# $OUT gets part-00..03, MANIFEST.json, job.log, eval.jsonl. Fetch the rest afterwards with
#   cp /tmp/vtkc_run/parts/part-0[4-7] $OUT/
set -u
MINUTES=${1:?usage: bash training/gpu_job.sh MINUTES}
CONFIG=${VTKC_CONFIG:-sb4x8}
RUN=/tmp/vtkc_run
OUT=${OUT:-/tmp/out}
PY=${PYTHON:-$(command -v python3 || command -v python)}
PACK=.gpu/pack.bin
export PYTORCH_CUDA_ALLOC_CONF=${PYTORCH_CUDA_ALLOC_CONF:-expandable_segments:True}
mkdir -p "$RUN" "$OUT"
rm -rf "$RUN/parts" "$RUN/int8" "$RUN/model.safetensors" "$RUN/eval.jsonl" "$RUN/train.jsonl"
exec > >(tee "$RUN/job.log") 2>&1
T0=$(date +%s)
stamp() { echo "== $(( $(date +%s) - T0 )) s: $*"; }

stamp "info"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>/dev/null
"$PY" -c "import torch, sys; print('python', sys.version.split()[0], 'torch', torch.__version__, 'cuda', torch.version.cuda, 'device', torch.cuda.get_device_name() if torch.cuda.is_available() else 'cpu')"
EXTRA=()
if [ ! -f weights/lpips_alexnet.safetensors ] && [ ! -f .gpu/lpips_alexnet.safetensors ]; then
  echo "WARNING: no LPIPS weights (.gpu/lpips_alexnet.safetensors): training with MSE + KL only"
  EXTRA+=(--lpips-weight 0)
fi
[ -f "$PACK" ] || { echo "error: $PACK missing (python -m training.pack_data --out $PACK)"; exit 2; }

stamp "train $CONFIG for $MINUTES min"
# a hard stop 45 s past the budget; SIGINT lets the trainer still export what it has
timeout --signal=INT --kill-after=30 "$(awk "BEGIN{print int($MINUTES*60+45)}")" \
  "$PY" -m training.train --config "$CONFIG" --pack "$PACK" --minutes "$MINUTES" \
  --export "$RUN/model.safetensors" --log-file "$RUN/train.jsonl" "${EXTRA[@]}" ${VTKC_TRAIN_ARGS:-}
echo "trainer exit status $?"

if [ -f "$RUN/model.safetensors" ]; then
  stamp "int8 export"
  "$PY" -m training.export "$RUN/model.safetensors" --int8 "$RUN/int8"
  stamp "evaluate (val clips of the pack)"
  MODELS=("$RUN/model.safetensors")
  [ -d "$RUN/int8" ] && MODELS+=("$RUN/int8")
  "$PY" -m training.evaluate "${MODELS[@]}" --baseline --pack "$PACK" --json "$RUN/eval.jsonl"
else
  echo "error: the trainer exported nothing"
fi
if [ -d "$RUN/int8" ]; then
  stamp "bundle"
  "$PY" -m training.ship "$RUN/int8" --out "$RUN/parts" --extra "$RUN/train.jsonl" "$RUN/eval.jsonl"
  ls -l "$RUN/parts"
  cp "$RUN"/parts/part-0[0-3] "$RUN/parts/MANIFEST.json" "$OUT"/ 2>/dev/null
fi
[ -f "$RUN/eval.jsonl" ] && cp "$RUN/eval.jsonl" "$OUT"/
stamp "done"
sleep 1  # let tee flush the last lines before the copy
cp "$RUN/job.log" "$OUT/job.log"
