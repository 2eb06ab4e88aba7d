#!/usr/bin/env bash
# Builds the bundle bench/gpu/run-gpu.sh unpacks on the GPU machine (which has no network and no
# Node): this machine's node 20 binary, the project's node_modules pruned to what the bench runs
# (the CPU prebuilt and @node-llama-cpp/linux-x64-cuda; no other platforms, no typescript, @types,
# test tools, source maps or docs) with libggml-cuda.so patched to hold sm_90 machine code
# (bench/gpu/patch-cuda-fatbin.ts), and the PTX of any kernel file not assembled yet, for
# run-gpu.sh to finish there. Two xz archives in OUT_DIR, together ≤ ~60 MiB (the device takes 64 a call).
#   bench/gpu/make-bundle.sh OUT_DIR [FATBIN_WORK_DIR]
# GPU_ONLY=1 leaves out the CPU prebuilt @node-llama-cpp/linux-x64 (≈ 8 MB compressed; the CUDA
# package has its own CPU backends, so only the CPU fallback and `run-gpu.sh --cpu` need it) when
# the archive must stay under the device's 64 MiB a call.
# Needs the CUDA 13.0 toolkit's ptxas/fatbinary (CUDA=/usr/local/cuda-13.0) and zstd. It runs its
# heavy steps under nice -n 19: the machine may be shared.
set -euo pipefail
out=${1:?usage: make-bundle.sh OUT_DIR [FATBIN_WORK_DIR]}
work=${2:-/tmp/steward-fatbin}
root=$(cd "$(dirname "$0")/../.." && pwd)
modules=$(readlink -f "$root/node_modules")
cuda=${CUDA:-/usr/local/cuda-13.0}
stage=$(mktemp -d /tmp/steward-gpu-stage.XXXXXX)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$out"

echo "== node $(node -v) binary"
mkdir -p "$stage/node/bin"
cp "$(readlink -f "$(command -v node)")" "$stage/node/bin/node"
strip "$stage/node/bin/node"
"$stage/node/bin/node" -e 'process.exit(0)'

echo "== node_modules (pruned) from $modules"
tar -C "$modules/.." -cf - \
  --exclude='node_modules/@node-llama-cpp/linux-arm64' --exclude='node_modules/@node-llama-cpp/linux-armv7l' \
  --exclude='node_modules/@node-llama-cpp/linux-x64-vulkan' --exclude='node_modules/@node-llama-cpp/linux-x64-cuda-ext' \
  --exclude='node_modules/@node-llama-cpp/linux-x64-cuda/bins/linux-x64-cuda/libggml-cuda.so' \
  --exclude='node_modules/node-llama-cpp/llama/gitRelease.bundle' --exclude='node_modules/node-llama-cpp/llama/xpack' \
  --exclude='node_modules/typescript' --exclude='node_modules/@types' --exclude='node_modules/vitest' \
  --exclude='node_modules/@vitest' --exclude='node_modules/vite' --exclude='node_modules/rolldown' \
  --exclude='node_modules/@rolldown' --exclude='node_modules/lightningcss*' --exclude='node_modules/fast-check' \
  --exclude='node_modules/better-sqlite3/deps' --exclude='node_modules/better-sqlite3/src' \
  --exclude='node_modules/js-tiktoken/dist/ranks' --exclude='node_modules/js-tiktoken/dist/index.js' \
  --exclude='node_modules/js-tiktoken/dist/index.cjs' \
  ${GPU_ONLY:+--exclude=node_modules/@node-llama-cpp/linux-x64} \
  --exclude='node_modules/.cache' --exclude='node_modules/.vite' \
  --exclude='*.map' --exclude='*.d.ts' --exclude='*.d.mts' --exclude='*.d.cts' --exclude='*.md' --exclude='*.markdown' \
  "$(basename "$modules")" | tar -C "$stage" -xf -
[ "$(basename "$modules")" = node_modules ] || mv "$stage/$(basename "$modules")" "$stage/node_modules"

echo "== libggml-cuda.so for sm_90 (work dir $work)"
lib="$modules/@node-llama-cpp/linux-x64-cuda/bins/linux-x64-cuda/libggml-cuda.so"
nice -n 19 node --import tsx "$root/bench/gpu/patch-cuda-fatbin.ts" --lib "$lib" \
  --out "$stage/node_modules/@node-llama-cpp/linux-x64-cuda/bins/linux-x64-cuda/libggml-cuda.so" \
  --work "$work" --cuda "$cuda" --jobs 2 --partial
mkdir -p "$stage/fatbin"
if [ -f "$work/pending.json" ]; then
  cp "$work/pending.json" "$stage/fatbin/"
  node -e 'for (const s of JSON.parse(require("fs").readFileSync(process.argv[1])).slots) console.log(String(s.index).padStart(3, "0") + ".ptx")' "$work/pending.json" |
    while read -r f; do cp "$work/$f" "$stage/fatbin/"; done
fi
echo "   $(ls "$stage/fatbin" | grep -c '\.ptx$' || true) kernel files left to assemble on the GPU machine"

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
printf '{"built":"%s","commit":"%s","node":"%s","nodeLlamaCpp":"%s"}\n' "$(date -u +%FT%TZ)" "$commit" "$(node -v)" \
  "$(node -p 'require(process.argv[1]).version' "$modules/node-llama-cpp/package.json")" > "$stage/manifest.json"

echo "== compress"
du -sh "$stage"/*
# Two archives (the pending PTX apart), each xz with a 160 MiB dictionary: the kernel files are
# template instances of each other and the CPU backends variants of one library, so a large
# window gains far more than a higher preset, at preset 3's speed.
rm -f "$out"/steward-gpu*.tar.xz
# The PTX gains ~30% from preset 6 (8 min on a shared 2-core box); the rest is built at preset 3.
xzc() { nice -n 19 xz -"$1" --lzma2=preset="$1",dict=160MiB; }
tar -C "$stage" -cf - fatbin | xzc "${XZ_PTX_LEVEL:-6}" > "$out/steward-gpu-ptx.tar.xz.tmp" &
tar -C "$stage" --exclude=./fatbin -cf - . | xzc "${XZ_LEVEL:-3}" > "$out/steward-gpu.tar.xz.tmp"
wait
mv "$out/steward-gpu-ptx.tar.xz.tmp" "$out/steward-gpu-ptx.tar.xz"
mv "$out/steward-gpu.tar.xz.tmp" "$out/steward-gpu.tar.xz"
ls -l "$out"/steward-gpu*.tar.xz
