#!/usr/bin/env bash
# Runs an integration example (the scenario of docs/integrating.md) three times against the
# stack that stack.sh started, and checks the last run: three customers for the manager, so the
# listing takes two pages of two; the replay returned the same customer; INVALID_ARGUMENT came
# back with its reason and the bad field.
#   run_example.sh <example command...>
set -uo pipefail
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for run in 1 2 3; do
  if ! timeout 60 "$@" >"$out" 2>&1; then
    echo "not ok - example run $run failed:"
    sed 's/^/    /' "$out"
    exit 1
  fi
done
cat "$out"
failed=0
for expected in "replayed customers/[0-9]* same=True" "^page 1: 2 customers" "^page 2: 1 customers" \
  "includes created: True" "^error INVALID_ARGUMENT reason INVALID_FIELDS" \
  "^  field customer.national_id: " "^  field customer.display_name: "; do
  if grep -q "$expected" "$out"; then echo "ok - $expected"; else echo "not ok - $expected"; failed=1; fi
done
exit "$failed"
