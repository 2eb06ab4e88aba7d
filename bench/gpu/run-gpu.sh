#!/usr/bin/env bash
# The GPU measurement of issue #18, end to end on a bare machine with no network and no Node:
# unpacks the bundle (bench/gpu/make-bundle.sh), points LD_LIBRARY_PATH at the CUDA 13 runtime,
# prints nvidia-smi, finishes the sm_90 kernels the bundle left to assemble, checks that
# node-llama-cpp runs CUDA (fails fast otherwise), generates a ~0.8 B-weight random F16 model and
# measures tokens/s with 1/4/16 sequences, 16 reviews with 4 and 16 sequences vs one by one, and a
# full agent run vs node-llama-cpp generating the same tokens. Writes $OUT/results-gpu.json (figures,
# GPU, driver, CUDA version, backend) and $OUT/run-gpu.log. Every step has a timeout inside one
# overall budget (STEWARD_GPU_BUDGET_S, default 420 s); what ran is reported even when a step fails.
#   bench/gpu/run-gpu.sh          on the GPU machine
#   bench/gpu/run-gpu.sh --cpu    the same steps on a machine without CUDA (small model, smoke sizes)
# Env: OUT (default bench/gpu-out), STEWARD_GPU_BUNDLE (folder of *.tar.xz, default .gpu),
# STEWARD_GPU_DIMS (model WIDTH,BLOCKS,HEADS,FEED_FORWARD), STEWARD_GPU_WORK (default /tmp/steward-gpu).
set -uo pipefail
start=$(date +%s)
mode=gpu
[ "${1:-}" = --cpu ] && mode=cpu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$root/bench/gpu-out}
bundle=${STEWARD_GPU_BUNDLE:-$root/.gpu}
budget=${STEWARD_GPU_BUDGET_S:-420}
run=${STEWARD_GPU_WORK:-/tmp/steward-gpu}
if [ "$mode" = gpu ]; then dims=${STEWARD_GPU_DIMS:-2048,16,16,5632}; size=(); else dims=${STEWARD_GPU_DIMS:-256,4,4,704}; size=(--smoke); fi
# Step timeouts are sized for the idle 16-core GPU machine; a shared CPU box needs them scaled.
scale=${STEWARD_GPU_CAP_SCALE:-1}
mkdir -p "$out"
exec > >(tee "$out/run-gpu.log") 2>&1
rm -rf "$run" && mkdir -p "$run/app"
: > "$run/steps.tsv"

# step NAME CAP_SECONDS CMD...: runs CMD with a timeout of CAP × scale, cut to what the budget has
# left (60 s are kept for the report); records exit code and seconds in steps.tsv.
step() {
  local name=$1 cap=$2
  shift 2
  local now left began rc
  now=$(date +%s)
  left=$((start + budget - now - 60))
  cap=$((cap * scale))
  [ "$name" = report ] && left=$((left + 60))
  if [ "$left" -lt 10 ]; then
    echo "!! [$((now - start)) s] $name skipped: the ${budget} s budget is spent"
    printf '%s\t125\t0\n' "$name" >> "$run/steps.tsv"
    return 125
  fi
  [ "$cap" -gt "$left" ] && cap=$left
  echo "== [$((now - start)) s] $name (timeout ${cap} s)"
  began=$(date +%s.%N)
  timeout -k 5 "$cap" "$@"
  rc=$?
  local took
  took=$(awk -v a="$began" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  printf '%s\t%s\t%s\n' "$name" "$rc" "$took" >> "$run/steps.tsv"
  [ "$rc" -eq 124 ] && echo "!! $name timed out after ${cap} s"
  echo "   $name: exit $rc in ${took} s"
  return $rc
}

report() {
  step report 50 "$node" --no-allocation-site-pretenuring --import tsx bench/gpu/gpu.ts report --dir "$run" --out "$out/results-gpu.json"
  echo "== done in $(($(date +%s) - start)) s: $out/results-gpu.json, $out/run-gpu.log"
}

echo "Steward GPU bench ($mode mode), $(date -u +%FT%TZ), budget ${budget} s, bundle $bundle"
ls "$bundle"/*.tar.xz >/dev/null 2>&1 || { echo "!! no *.tar.xz in $bundle: build them with bench/gpu/make-bundle.sh .gpu"; exit 2; }
step unpack 90 bash -c "for a in '$bundle'/*.tar.xz; do xz -dc \"\$a\" | tar -C '$run' -xf - || exit 1; done" || { echo "!! could not unpack $bundle"; exit 1; }
tar -C "$root" --exclude=./node_modules --exclude=./.git --exclude=./.gpu --exclude=./bench/gpu-out -cf - . | tar -C "$run/app" -xf -
ln -sfn "$run/node_modules" "$run/app/node_modules"
node=$run/node/bin/node
export PATH="$run/node/bin:$PATH"
cd "$run/app" || exit 1
echo "node $("$node" -v), bundle $(cat "$run/manifest.json")"
lib=$run/node_modules/@node-llama-cpp/linux-x64-cuda/bins/linux-x64-cuda/libggml-cuda.so

if [ "$mode" = gpu ]; then
  # node-llama-cpp tries CUDA only when it finds all of these; the CUDA 13 runtime is not in the
  # npm package: take it from the toolkit, the driver's folder or PyTorch's nvidia wheels.
  dirs=""
  for want in libcuda.so.1 libnvidia-ml.so.1 libcudart.so.13 libcublas.so.13 libcublasLt.so.13; do
    found=$(find /usr/local/nvidia /usr/local/cuda* /usr/lib/x86_64-linux-gnu /usr/lib64 /opt /usr/local/lib \
      -maxdepth 10 -name "$want" 2>/dev/null | head -1)
    if [ -z "$found" ]; then
      for sp in $(python3 -c 'import site; print(" ".join(site.getsitepackages()))' 2>/dev/null); do
        found=$(find "$sp/nvidia" -maxdepth 4 -name "$want" 2>/dev/null | head -1)
        [ -n "$found" ] && break
      done
    fi
    echo "   $want: ${found:-NOT FOUND}"
    [ -n "$found" ] && case ":$dirs:" in *":$(dirname "$found"):"*) ;; *) dirs="$dirs:$(dirname "$found")" ;; esac
  done
  export LD_LIBRARY_PATH="${dirs#:}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  missing=$(ldd "$lib" | grep 'not found')
  [ -n "$missing" ] && echo "!! libggml-cuda.so still misses: $missing"
  step nvidia-smi 20 nvidia-smi
  {
    nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader |
      head -1 | awk -F', ' '{ print "gpu=" $1; print "driver=" $2; print "memory=" $3; print "compute_cap=" $4 }'
    echo "cuda=$(nvidia-smi | grep -o 'CUDA Version: [0-9.]*' | awk '{ print $3 }')"
  } > "$run/smi.txt" 2>/dev/null
  ptxas=$(command -v ptxas || ls /usr/local/cuda*/bin/ptxas 2>/dev/null | head -1)
  cuda_dir=$(dirname "$(dirname "${ptxas:-/usr/local/cuda/bin/ptxas}")")
  if [ -f "$run/fatbin/pending.json" ]; then
    step sm90-kernels 240 "$node" --import tsx bench/gpu/patch-cuda-fatbin.ts --finish --lib "$lib" --work "$run/fatbin" \
      --cuda "$cuda_dir" --jobs "$(nproc)" || { echo "!! the sm_90 kernels could not be assembled with $cuda_dir"; report; exit 1; }
  fi
else
  echo "gpu=none (CPU mode)" > "$run/smi.txt"
  [ -f "$run/fatbin/pending.json" ] && echo "   (CPU mode: $(ls "$run/fatbin" | grep -c '\.ptx$') sm_90 kernel files left unassembled)"
fi
{
  echo "cuda_library=$(cat "$run/manifest.json")"
  echo "ld_library_path=${LD_LIBRARY_PATH:-}"
  echo "commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "bundle $(sed -n 's/.*"commit":"\([^"]*\)".*/\1/p' "$run/manifest.json")")"
} >> "$run/smi.txt"

cpu_flag=()
[ "$mode" = cpu ] && cpu_flag=(--cpu)
if ! step cuda-check 60 "$node" --no-allocation-site-pretenuring --import tsx bench/gpu/gpu.ts check --out "$run/check.json" "${cpu_flag[@]}"; then
  echo "!! node-llama-cpp does not run on CUDA here (see above); no GPU figures measured"
  report
  exit 1
fi
step model 120 "$node" --import tsx bench/gpu/gpu.ts model --out "$run/model.gguf" --dims "$dims" || { report; exit 1; }
m=(--model "$run/model.gguf")
step tokens-per-second 150 "$node" --no-allocation-site-pretenuring --import tsx bench/gpu/gpu.ts measure "${m[@]}" --what llm --out "$run/figures-1-llm.json" "${size[@]}"
step reviews 150 "$node" --no-allocation-site-pretenuring --import tsx bench/gpu/gpu.ts measure "${m[@]}" --what reviews --out "$run/figures-2-reviews.json" "${size[@]}"
step run-vs-direct 120 "$node" --no-allocation-site-pretenuring --import tsx bench/gpu/gpu.ts measure "${m[@]}" --what overhead --out "$run/figures-3-overhead.json" "${size[@]}"
report
