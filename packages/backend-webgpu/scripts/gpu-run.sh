#!/usr/bin/env bash
# The GPU check's launcher, copied into the pack by gpu-pack.mjs: unpacks Node, the bundled check, Dawn and the
# Vulkan loader into a temp folder and runs the check there. Needs only bash, tar and gzip on the machine.
# Usage: bash run.sh [--small] [--allow-software]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar xzf "$here/payload.tar.gz" -C "$work"
export LD_LIBRARY_PATH="$work/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# Dawn reaches the GPU through its Vulkan driver (ICD). Containers often mount the NVIDIA driver's library but
# not its manifest; then write the manifest ourselves.
if ! ls /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json > /dev/null 2>&1; then
  driver=$( (ldconfig -p 2> /dev/null | awk '/libGLX_nvidia.so.0/{print $NF; exit}'; ls /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 /usr/lib64/libGLX_nvidia.so.0 /usr/local/nvidia/lib64/libGLX_nvidia.so.0 2> /dev/null || true) | head -1)
  if [ -n "$driver" ]; then
    printf '{"file_format_version": "1.0.0", "ICD": {"library_path": "%s", "api_version": "1.3.0"}}\n' "$driver" > "$work/nvidia_icd.json"
    export VK_DRIVER_FILES="$work/nvidia_icd.json" VK_ICD_FILENAMES="$work/nvidia_icd.json"
    echo "gpu-check: no NVIDIA Vulkan manifest installed; using the driver library $driver"
  else
    echo "gpu-check: no NVIDIA Vulkan driver here (no nvidia_icd.json under /usr/share/vulkan/icd.d or /etc/vulkan/icd.d, no libGLX_nvidia.so.0)." \
      "In a container the NVIDIA runtime mounts it only when NVIDIA_DRIVER_CAPABILITIES includes graphics (or is all)." \
      "GPU seen by the driver: $(nvidia-smi -L 2> /dev/null | head -1 || echo 'nvidia-smi unavailable')"
  fi
fi

cd "$work"
"$work/bin/node" check.mjs "$@"
