#!/usr/bin/env bash
# Builds the TypeScript client from the published protos (called by the CMake target
# rmhub_node_client):
#   build.sh <out dir> <protos dir> <googleapis dir> <proto file>...
# Installs the locked npm packages (package-lock.json; ts-proto, typescript, @grpc/grpc-js) into
# <out dir>/node_modules when the lock changed, generates src/gen/ with protoc + ts-proto
# (grpc-js clients, int64 as bigint) and compiles everything to <out dir>/dist with tsc.
set -euo pipefail
out=${1:?out dir}
protos=${2:?protos dir}
googleapis=${3:?googleapis dir}
shift 3
src=$(cd "$(dirname "$0")" && pwd)
command -v npm >/dev/null || { echo "npm is not installed (scripts/deps.sh installs it)" >&2; exit 1; }

mkdir -p "$out"
want=$(sha256sum "$src/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$out/.lock-hash" 2>/dev/null)" != "$want" ]; then
  cp "$src/package.json" "$src/package-lock.json" "$out/"
  (cd "$out" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2) ||
    { echo "npm ci failed (is the npm registry reachable?)" >&2; exit 1; }
  echo "$want" >"$out/.lock-hash"
fi
rm -rf "$out/src" "$out/test" "$out/examples" "$out/dist"
cp -r "$src/src" "$src/test" "$src/examples" "$src/tsconfig.json" "$src/package.json" "$out/"
mkdir -p "$out/src/gen"
protoc --proto_path="$protos" --proto_path="$googleapis" \
  --plugin=protoc-gen-ts_proto="$out/node_modules/.bin/protoc-gen-ts_proto" \
  --ts_proto_out="$out/src/gen" \
  --ts_proto_opt=outputServices=grpc-js,esModuleInterop=true,env=node,forceLong=bigint "$@"
(cd "$out" && node_modules/.bin/tsc -p tsconfig.json)
