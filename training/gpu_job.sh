#!/usr/bin/env bash
# The GPU lease, one device call per line (from the repo root; training/README.md, "The GPU job"):
#   bash training/gpu_job.sh stage .gpu/lease/call-K     a staging call: its pieces -> $VTKC_STAGE
#   bash training/gpu_job.sh train MINUTES [FOLDER]      stage FOLDER (the last call's), then train
#   bash training/gpu_job.sh fetch                       the parts the train call could not return
# train: joins the staged payload (pack, LPIPS weights, the model to continue from), resumes from
# $RUN/ckpt.pt when an earlier train call on this warm machine left one (else --init from the
# payload's init/, else from scratch), trains for MINUTES (budget counted from the trainer's
# start), exports fp32 + int8 even if training fails, evaluates on the pack's val clips (new
# model at float32 and int8, the init model at int8, the bicubic baseline), bundles the int8
# shards into parts and copies part-00..03, MANIFEST.json, job.log and eval.jsonl into $OUT.
# Env: VTKC_CONFIG (sb4x8 | tiny), OUT, PYTHON, VTKC_TRAIN_ARGS (extra trainer flags),
# VTKC_SCHEDULE_MINUTES (training minutes the schedule spans over every train call; default
# this call's), VTKC_RUN (/tmp/vtkc_run), VTKC_STAGE (/tmp/vtkc_stage).
set -u
MODE=${1:?usage: bash training/gpu_job.sh stage FOLDER | train MINUTES [FOLDER] | fetch}
CONFIG=${VTKC_CONFIG:-sb4x8}
RUN=${VTKC_RUN:-/tmp/vtkc_run}
export VTKC_STAGE=${VTKC_STAGE:-/tmp/vtkc_stage}
OUT=${OUT:-/tmp/out}
PY=${PYTHON:-$(command -v python3 || command -v python)}
mkdir -p "$RUN" "$OUT"

case "$MODE" in
  stage)
    exec "$PY" -m training.lease stage "${2:?usage: gpu_job.sh stage FOLDER}" ;;
  fetch)
    ls "$RUN"/parts/part-* >/dev/null 2>&1 || { echo "error: no parts in $RUN/parts (no train call on this machine)"; exit 2; }
    for p in "$RUN"/parts/part-*; do
      case "$(basename "$p")" in part-00|part-01|part-02|part-03) ;; *) cp "$p" "$OUT"/ ;; esac
    done
    ls -l "$OUT"; exit 0 ;;
  train) ;;
  *) echo "error: unknown mode $MODE (stage, train, fetch)"; exit 2 ;;
esac

MINUTES=${2:?usage: gpu_job.sh train MINUTES [FOLDER]}
rm -rf "$RUN/parts" "$RUN/int8" "$RUN/model.safetensors" "$RUN/eval.jsonl"
exec > >(tee -a "$RUN/job.log") 2>&1
T0=$(date +%s)
stamp() { echo "== $(( $(date +%s) - T0 )) s: $*"; }

stamp "info"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>/dev/null
"$PY" -c "import torch, sys; print('python', sys.version.split()[0], 'torch', torch.__version__, 'cuda', torch.version.cuda, 'device', torch.cuda.get_device_name() if torch.cuda.is_available() else 'cpu')"
if [ -n "${3:-}" ]; then "$PY" -m training.lease stage "$3" || exit 2; fi
PAYLOAD=$VTKC_STAGE/payload
if [ -f "$VTKC_STAGE/LEASE.json" ] && [ ! -d "$PAYLOAD" ]; then
  stamp "unpack the staged payload"
  "$PY" -m training.lease unpack || exit 2
fi
PACK=.gpu/pack.vtp
[ -f "$PAYLOAD/pack.vtp" ] && PACK=$PAYLOAD/pack.vtp
[ -f "$PAYLOAD/lpips_alexnet.safetensors" ] && export VTKC_LPIPS=$PAYLOAD/lpips_alexnet.safetensors
[ -f "$PACK" ] || { echo "error: no pack ($PACK; python -m training.pack_data, then training.lease plan)"; exit 2; }
ARGS=(--ckpt "$RUN/ckpt.pt" --ckpt-every 300)
INIT=""
if [ -f "$RUN/ckpt.pt" ]; then
  ARGS+=(--resume); stamp "resume from $RUN/ckpt.pt (an earlier train call)"
elif [ -d "$PAYLOAD/init" ]; then
  INIT=$PAYLOAD/init; ARGS+=(--init "$INIT"); stamp "continue from the staged model $INIT"
else
  stamp "no checkpoint, no staged model: training from scratch"
fi
[ -d "$PAYLOAD/init" ] && INIT=$PAYLOAD/init
if [ -z "${VTKC_LPIPS:-}" ] && [ ! -f weights/lpips_alexnet.safetensors ] && [ ! -f .gpu/lpips_alexnet.safetensors ]; then
  echo "WARNING: no LPIPS weights: training with MSE + KL only"
  ARGS+=(--lpips-weight 0)
fi
ARGS+=(--schedule-minutes "${VTKC_SCHEDULE_MINUTES:-0}")

stamp "train $CONFIG for $MINUTES min"
# a hard stop 45 s past the budget; SIGINT lets the trainer still export what it has
timeout --signal=INT --kill-after=30 "$(awk "BEGIN{print int($MINUTES*60+45)}")" \
  "$PY" -m training.train --config "$CONFIG" --pack "$PACK" --minutes "$MINUTES" \
  --export "$RUN/model.safetensors" --log-file "$RUN/train.jsonl" "${ARGS[@]}" ${VTKC_TRAIN_ARGS:-}
echo "trainer exit status $?"

if [ -f "$RUN/model.safetensors" ]; then
  stamp "int8 export"
  "$PY" -m training.export "$RUN/model.safetensors" --int8 "$RUN/int8"
  stamp "evaluate (val clips of the pack)"
  "$PY" -m training.evaluate "$RUN/model.safetensors" --precision float32 --pack "$PACK" --json "$RUN/eval.jsonl"
  MODELS=()
  [ -d "$RUN/int8" ] && MODELS+=("$RUN/int8")
  [ -n "$INIT" ] && MODELS+=("$INIT")
  "$PY" -m training.evaluate "${MODELS[@]}" --precision int8 --baseline --pack "$PACK" --json "$RUN/eval.jsonl"
else
  echo "error: the trainer exported nothing"
fi
if [ -d "$RUN/int8" ]; then
  stamp "bundle"
  "$PY" -m training.ship "$RUN/int8" --out "$RUN/parts" --extra "$RUN/train.jsonl" "$RUN/eval.jsonl"
  ls -l "$RUN/parts"
  for p in part-00 part-01 part-02 part-03 MANIFEST.json; do
    [ -f "$RUN/parts/$p" ] && cp "$RUN/parts/$p" "$OUT"/
  done
fi
[ -f "$RUN/eval.jsonl" ] && cp "$RUN/eval.jsonl" "$OUT"/
stamp "done"
sleep 1  # let tee flush the last lines before the copy
cp "$RUN/job.log" "$OUT/job.log"
