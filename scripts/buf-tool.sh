# Sourced by scripts/proto-check.sh and scripts/proto-release.sh: the pinned buf, installed from
# the npm registry's @bufbuild/buf into <tools>/ when missing (the package carries the binary;
# nothing else is downloaded). Once installed, buf runs offline. If it cannot be installed, the
# caller fails and says why: it never skips silently.
# Needs: $root (the repository) and a die() function. Sets: $buf, $buf_version.
# Env: BUF_VERSION (default: the pinned version), RMHUB_TOOLS_DIR (default: <repo>/.tools).
buf_version=${BUF_VERSION:-1.75.0}
buf_tools_dir=${RMHUB_TOOLS_DIR:-$root/.tools}
buf="$buf_tools_dir/node_modules/.bin/buf"

buf_installed_version() { [ -x "$buf" ] && "$buf" --version 2>/dev/null || true; }

# npm install into a project-local prefix, under a lock: several checkouts' tests may share it.
install_buf() {
  [ "$(buf_installed_version)" = "$buf_version" ] && return 0
  command -v npm >/dev/null 2>&1 \
    || die "npm is not installed; it is needed once to install @bufbuild/buf@$buf_version"
  mkdir -p "$buf_tools_dir"
  (
    flock -w 300 9 || die "timed out waiting for the lock on $buf_tools_dir"
    [ "$(buf_installed_version)" = "$buf_version" ] && exit 0
    echo "installing @bufbuild/buf@$buf_version into $buf_tools_dir" >&2
    npm install --prefix "$buf_tools_dir" --save-exact --no-audit --no-fund --loglevel=error \
      "@bufbuild/buf@$buf_version" >&2 \
      || die "could not install @bufbuild/buf@$buf_version from the npm registry" \
             "(is the registry reachable? see the npm error above)"
  ) 9>"$buf_tools_dir/.install.lock"
  [ "$(buf_installed_version)" = "$buf_version" ] \
    || die "$buf does not report version $buf_version after installation"
}

# The recorded releases of the published protos (protos/releases/v<X.Y.Z>.binpb, Buf images
# without source info), oldest first; and the newest one's version ("" when none).
recorded_releases() {
  local f
  for f in "$root"/protos/releases/v*.binpb; do
    [ -e "$f" ] || continue
    f=${f##*/v}
    echo "${f%.binpb}"
  done | sort -V
}
newest_release() { recorded_releases | tail -n 1; }
release_image() { echo "$root/protos/releases/v$1.binpb"; }
