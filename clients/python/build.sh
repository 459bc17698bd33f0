#!/usr/bin/env bash
# Builds the Python client wheel from the published protos (called by the CMake target
# rmhub_python_client; runs offline):
#   build.sh <out dir> <python> <protos dir> <googleapis dir> <proto file>...
# <proto file>s are relative to <protos dir> (rmhub/...) or <googleapis dir> (google/rpc/...).
# Writes <out dir>/stage (the package tree) and <out dir>/dist/rmhub_client-<version>-py3-none-any.whl.
set -euo pipefail
out=${1:?out dir}
python=${2:?python}
protos=${3:?protos dir}
googleapis=${4:?googleapis dir}
shift 4
src=$(cd "$(dirname "$0")" && pwd)
plugin=$(command -v grpc_python_plugin) || { echo "grpc_python_plugin not found (protobuf-compiler-grpc)" >&2; exit 1; }

rm -rf "$out/stage" "$out/dist"
mkdir -p "$out/stage" "$out/dist"
cp "$src/pyproject.toml" "$out/stage/"
cp -r "$src/src/rmhub" "$out/stage/"
find "$out/stage" -name __pycache__ -prune -exec rm -rf {} +
protoc --proto_path="$protos" --proto_path="$googleapis" \
  --python_out="$out/stage" --grpc_python_out="$out/stage" \
  --plugin=protoc-gen-grpc_python="$plugin" "$@"
# Regular packages (an __init__.py in each directory), except `google`: a namespace package
# shared with protobuf's google.protobuf.
find "$out/stage/rmhub" "$out/stage/google/rpc" -type d -exec touch {}/__init__.py \;
# Files without services still get an empty *_pb2_grpc.py from the plugin: keep them (harmless).
PIP_ROOT_USER_ACTION=ignore "$python" -m pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation --no-index \
  --wheel-dir "$out/dist" "$out/stage" >&2
rm -rf "$out/stage/build" "$out/stage"/*.egg-info
ls "$out/dist"/rmhub_client-*.whl >/dev/null
