#!/usr/bin/env bash
# SQL lives in the repositories and common/db only (ARCHITECTURE.md §1, issue 7 point 3): fails
# when a C++ string literal outside the places below holds SQL, so a service layer, a domain or
# common/api cannot start building queries again.
#
# Where SQL may be written:
#   services/<svc>/mysql_repository.{h,cc}   each service's storage
#   common/db/                               pool, transactions, migrations, the list compiler
#   common/idempotency/, common/outbox/      runtime stores with their own tables
#   tools/rmhub-bench/bench_servers.cc,      the benchmark's raw point-select baseline and its
#   tools/rmhub-bench/customer_bench_data.cc data seeding (named files, not the folder)
#   migrations/*.sql                         not C++, so never scanned
# Tests (tests/) talk to their database directly to check what was stored and are not scanned.
#
# What counts as SQL in a literal (normal or raw, comments excluded): an upper-case keyword
# (SELECT, INSERT, UPDATE, DELETE, WHERE, FROM, JOIN, ORDER BY, CASE WHEN, EXISTS, ...), or a
# statement shape in any case ("select ... from", "insert into", "delete from", "update t set",
# "where col = ..."), or a condition fragment: a comparison with a bound parameter ("m.role = ?",
# "x >= ?") or an aliased column compared with a number ("c.archived = 0"). Strict on purpose: a
# message that needs one of these words is rephrased.
#
#   scripts/sql-placement-check.sh             self-test, then check the tree
#   scripts/sql-placement-check.sh <dir>       check another tree (used by the self-test)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

scan() {
  local tree=$1
  (cd "$tree" && find common services tools -type f \
      \( -name '*.cc' -o -name '*.h' -o -name '*.inc' -o -name '*.cpp' -o -name '*.hpp' \) \
      2>/dev/null | LC_ALL=C sort) | perl -e '
    use strict; use warnings;
    my $tree = shift;
    my $allowed = qr{^(?:services/[^/]+/mysql_repository\.(?:cc|h)
                      |common/db/.+|common/idempotency/.+|common/outbox/.+
                      |tools/rmhub-bench/bench_servers\.cc|tools/rmhub-bench/customer_bench_data\.cc)$}x;
    my $upper = qr{\b(?:SELECT|INSERT|UPDATE|DELETE|REPLACE\s+INTO|MERGE\s+INTO|WHERE|FROM|JOIN
                    |GROUP\s+BY|ORDER\s+BY|HAVING|LIMIT|UNION|VALUES|CASE\s+WHEN|EXISTS|CREATE
                    |ALTER|DROP|TRUNCATE|GRANT|START\s+TRANSACTION|COMMIT|ROLLBACK)\b}x;
    my $shape = qr{\bselect\b.+\bfrom\b|\binsert\s+(?:ignore\s+)?into\b|\bdelete\s+from\b
                  |\bupdate\s+\w+\s+set\b|\bwhere\s+\w+(?:\.\w+)?\s*(?:=|<>|!=|<|>|\bin\b|\bis\b|\blike\b)
                  |\bcase\s+when\b|\border\s+by\b|\bgroup\s+by\b
                  |(?:=|<>|!=|<|>)\s*\?(?!\w)
                  |\b[a-z]{1,3}\.\w+\s*(?:=|<>|<=|>=|<|>)\s*\d}xi;
    my $bad = 0;
    while (my $file = <STDIN>) {
      chomp $file;
      next if $file =~ $allowed;
      open(my $fh, "<", "$tree/$file") or die "cannot read $file: $!";
      local $/; my $src = <$fh>; close $fh;
      while ($src =~ m{ (//[^\n]*) | (/\*.*?\*/)
                      | R"([^()\\\s]{0,16})\((.*?)\)\3"
                      | "((?:[^"\\\n]|\\.)*)"
                      | (\x27(?:[^\x27\\\n]|\\.)\x27) }gsx) {
        my $text = defined $4 ? $4 : $5;
        my $at = $-[0];
        next unless defined $text;
        next unless $text =~ $upper || $text =~ $shape;
        my $line = 1 + (() = substr($src, 0, $at) =~ /\n/g);
        (my $shown = $text) =~ s/\s+/ /g;
        $shown = substr($shown, 0, 77) . "..." if length($shown) > 80;
        print STDERR "$file:$line: SQL outside the repositories: \"$shown\"\n";
        $bad = 1;
      }
    }
    exit $bad;
  ' "$tree"
}

# The check must be able to fail: plant SQL where it is forbidden and where it is allowed, and
# expect exactly the forbidden ones to be reported.
self_test() {
  local t
  t=$(mktemp -d)
  trap 'rm -rf "$t"' RETURN
  mkdir -p "$t/services/demo/domain" "$t/common/api" "$t/common/db"
  cat > "$t/services/demo/demo_service.cc" <<'CC'
// A comment may say SELECT ... FROM without harm, and so may "customer.updated" or 'x'.
const char* kEvent = "customer.updated";
const char kQuote = '"';
const char* kLeak = "c.archived = 0 AND EXISTS (SELECT 1 FROM t)";
CC
  cat > "$t/services/demo/domain/rules.cc" <<'CC'
const char* kLower = "delete from customers where id = ?";
const char* kFragment = "m.role <> ?";
const char* kDefault = "c.archived = 0";
CC
  cat > "$t/common/api/filter.cc" <<'CC'
const char* kRaw = R"sql(
  (CASE WHEN aum >= 10 THEN 2 ELSE 1 END))sql";
CC
  cat > "$t/services/demo/mysql_repository.cc" <<'CC'
const char* kOk = "SELECT id FROM demo WHERE id = ?";
CC
  echo 'const char* kOk = "DELETE FROM t";' > "$t/common/db/x.cc"
  local out
  if out=$(scan "$t" 2>&1); then
    echo "sql-placement-check: self-test FAILED: planted SQL was not reported" >&2
    return 1
  fi
  local expected="common/api/filter.cc:1
services/demo/demo_service.cc:4
services/demo/domain/rules.cc:1
services/demo/domain/rules.cc:2
services/demo/domain/rules.cc:3"
  local got
  got=$(echo "$out" | cut -d: -f1,2 | LC_ALL=C sort)
  if [ "$got" != "$expected" ]; then
    echo "sql-placement-check: self-test FAILED: reported" >&2
    echo "$out" >&2
    echo "expected exactly: $expected" >&2
    return 1
  fi
}

if [ $# -ge 1 ]; then
  scan "$1"
  exit
fi
self_test
root=$(cd "$here/.." && pwd)
if ! scan "$root"; then
  echo "sql-placement-check: FAILED: move the SQL into services/<svc>/mysql_repository.cc or" \
       "common/db (filters and scopes travel as typed values: common/api/filter.h)" >&2
  exit 1
fi
echo "sql-placement-check: OK"
