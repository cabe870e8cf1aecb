#!/usr/bin/env bash
# Installs what the tests need (deploy/setup.sh), builds, and runs the whole test suite against
# real PostgreSQL, dockerd, HAProxy and git. Ends with one line "Tests: N passed, N failed, N skipped"
# and exits non-zero when anything failed, was skipped, or no test ran.
# Usage: deploy/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Render]
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/setup.sh

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

dotnet build GitOps.sln -c Release -nologo -clp:NoSummary -v:quiet
set +e
dotnet test GitOps.sln -c Release --no-build -nologo --logger "trx" --results-directory "$results" "$@"
test_exit=$?
set -e

passed=0 failed=0 skipped=0 total=0
for trx in "$results"/*.trx; do
  [[ -e "$trx" ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  t=$(value total) e=$(value executed) p=$(value passed) f=$(value failed) er=$(value error) to=$(value timeout) ab=$(value aborted)
  total=$((total + ${t:-0}))
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${er:-0} + ${to:-0} + ${ab:-0}))
  skipped=$((skipped + ${t:-0} - ${e:-0}))
done

echo "Tests: $passed passed, $failed failed, $skipped skipped"
if ((test_exit != 0 || failed > 0)); then
  echo "test.sh: the test run failed (dotnet test exit code $test_exit)" >&2
  exit 1
fi
if ((total == 0)); then
  echo "test.sh: no test ran" >&2
  exit 1
fi
if ((skipped > 0)); then
  echo "test.sh: $skipped test(s) were skipped; every test must run" >&2
  exit 1
fi
