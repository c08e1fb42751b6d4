#!/usr/bin/env bash
# The GPU checks' launcher, copied into the pack by gpu-pack.mjs: unpacks Node, the bundled checks, Dawn, koffi,
# the Vulkan loader and Debian's GLVND libraries into a temp folder and runs the checks there, each under
# `timeout`, printing everything. Needs only bash, tar, gzip and coreutils on the machine.
# Usage: bash run.sh [--only webgpu|cuda] [--webgpu-timeout S] [--cuda-timeout S] [--print-icd] [check options...]
#   check options (--small, --allow-software) go to every check; webgpu runs first, then cuda (when packed).
#   --print-icd: only decide which Vulkan driver manifest to use, print it and exit (tested with fake folders).
# Environment (for tests): GPU_CHECK_ICD_DIRS, GPU_CHECK_DRIVER_DIRS override the folders searched.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)

only="" webgpu_timeout=${GPU_CHECK_WEBGPU_TIMEOUT:-240} cuda_timeout=${GPU_CHECK_CUDA_TIMEOUT:-260} print_icd=0
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only=${2:-}; shift 2 ;;
    --webgpu-timeout) webgpu_timeout=${2:-}; shift 2 ;;
    --cuda-timeout) cuda_timeout=${2:-}; shift 2 ;;
    --print-icd) print_icd=1; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
case "$only" in
  "" | webgpu | cuda) ;;
  *) echo "run.sh: --only takes webgpu or cuda, got '$only'"; exit 2 ;;
esac

# Dawn reaches the GPU through its Vulkan driver (ICD). Each folder is tested on its own (one may be missing, as
# /etc/vulkan/icd.d is on the H200 machines); an installed manifest wins, pinned so the loader need not search
# /usr/local/nvidia (not a default folder); only when none exists is one written for the driver library.
icd_dirs=${GPU_CHECK_ICD_DIRS:-/usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d}
driver_dirs=${GPU_CHECK_DRIVER_DIRS:-/usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/nvidia/lib64}
pick_icd() { # $1: folder to write a manifest into
  local dir file driver=""
  for dir in $icd_dirs; do
    [ -d "$dir" ] || continue
    for file in "$dir"/nvidia_icd*.json; do
      if [ -f "$file" ]; then
        export VK_DRIVER_FILES="$file" VK_ICD_FILENAMES="$file"
        echo "gpu-check: using the installed NVIDIA Vulkan manifest $file"
        return 0
      fi
    done
  done
  if [ -z "${GPU_CHECK_DRIVER_DIRS:-}" ]; then driver=$(ldconfig -p 2> /dev/null | awk '/libGLX_nvidia.so.0/{print $NF; exit}'); fi
  for dir in $driver_dirs; do
    if [ -z "$driver" ] && [ -f "$dir/libGLX_nvidia.so.0" ]; then driver="$dir/libGLX_nvidia.so.0"; fi
  done
  if [ -n "$driver" ]; then
    printf '{"file_format_version": "1.0.0", "ICD": {"library_path": "%s", "api_version": "1.3.0"}}\n' "$driver" > "$1/nvidia_icd.json"
    export VK_DRIVER_FILES="$1/nvidia_icd.json" VK_ICD_FILENAMES="$1/nvidia_icd.json"
    echo "gpu-check: no NVIDIA Vulkan manifest installed (looked in: $icd_dirs); wrote one for the driver library $driver"
    return 0
  fi
  echo "gpu-check: no NVIDIA Vulkan driver here (no nvidia_icd.json under $icd_dirs, no libGLX_nvidia.so.0 in $driver_dirs)." \
    "In a container the NVIDIA runtime mounts it only when NVIDIA_DRIVER_CAPABILITIES includes graphics (or is all)." \
    "GPU seen by the driver: $(nvidia-smi -L 2> /dev/null | head -1 || echo 'nvidia-smi unavailable')"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "$print_icd" = 1 ]; then
  pick_icd "$work"
  echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-}"
  exit 0
fi

tar xzf "$here/payload.tar.gz" -C "$work" || { echo "run.sh: could not unpack $here/payload.tar.gz"; exit 1; }
# The pack's Vulkan loader and GLVND libraries first (the NVIDIA driver needs GLVND to start), then the driver's own folders.
ld="$work/lib"
for dir in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do [ -d "$dir" ] && ld="$ld:$dir"; done
export LD_LIBRARY_PATH="$ld${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
echo "gpu-check: $(cat "$here/VERSION" 2> /dev/null || echo 'pack version unknown'); host $(uname -n), $(date -u +%FT%TZ)"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2> /dev/null | sed 's/^/gpu-check: nvidia-smi: /'

cd "$work"
status=0
run_check() { # name, timeout seconds, bundle
  local name=$1 limit=$2 bundle=$3 rc
  if [ ! -f "$work/$bundle" ]; then
    echo "=== $name check: not in this pack ($bundle missing); skipped"
    return
  fi
  echo "=== $name check (timeout ${limit} s) started $(date -u +%T)"
  timeout --kill-after=10 "$limit" "$work/bin/node" "$work/$bundle" ${args[@]+"${args[@]}"} 2>&1
  rc=$?
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then echo "=== $name check: TIMED OUT after ${limit} s (rc $rc)"; else echo "=== $name check: exit code $rc, ended $(date -u +%T)"; fi
  [ "$rc" = 0 ] || status=1
}
if [ -z "$only" ] || [ "$only" = webgpu ]; then
  pick_icd "$work"
  run_check webgpu "$webgpu_timeout" check.mjs
fi
if [ -z "$only" ] || [ "$only" = cuda ]; then
  run_check cuda "$cuda_timeout" cuda-check.mjs
fi
exit $status
