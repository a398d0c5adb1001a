#!/usr/bin/env bash
# The date sweep: the suites that do not need the real clock (jest projects `fast` and `workflow`) with the process
# clock set to fixed instants by libfaketime (Debian package `faketime`), so that a test that depends on the day it
# runs fails here rather than in someone's CI on that day. Node reads the faked clock (Date.now), and so do the
# processes the tests start, which inherit LD_PRELOAD: the Java time-skipping test server (its workflow time starts at
# the faked instant) and PostgreSQL (now()); test/workflow/clock.test.ts and test/unit/clock.test.ts assert both
# under the sweep. The monotonic clock is left alone (timers and timeouts keep real durations).
#
#   npm run test:dates                  every instant below
#   npm run test:dates -- --rotate 3    three of them, chosen by the day of the year (what .ci/run runs)
#   npm run test:dates -- '2027-02-05 10:00'    the instants given, China time
#
# Each instant's jest output goes to test-artifacts/dates/; one line per instant is printed, and a failure names its
# instant. The last line is the sum: "Tests: N passed, N failed" (also written to test-artifacts/dates/closing-line).
set -uo pipefail
cd "$(dirname "$0")/.."

# China time (Asia/Shanghai, UTC+8).
all=(
  '2027-01-31 23:30' # the last half hour of a month, in a provisional year
  '2027-02-05 10:00' # Spring Festival eve of a provisional year
  '2027-02-28 12:00' # the last day of a short month
  '2028-02-29 12:00' # a leap day
  '2026-09-30 18:00' # the evening before the National Day holiday
  '2026-10-08 09:00' # the first working day after it
  '2026-10-10 10:00' # a make-up Saturday (调休上班) of the published calendar
  '2026-12-31 23:59' # the last minute of a published year
  '2026-06-22 09:00' # a Monday after a holiday (Dragon Boat, 06-19 to 06-21)
)

instants=()
if [ "${1:-}" = '--rotate' ]; then
  count=${2:?--rotate needs a count}
  day=$((10#$(date -u +%j)))
  for ((k = 0; k < count; k++)); do instants+=("${all[$(((day * count + k) % ${#all[@]}))]}"); done
elif [ $# -gt 0 ]; then
  instants=("$@")
else
  instants=("${all[@]}")
fi

command -v faketime >/dev/null || {
  echo 'faketime not found: install Debian package faketime (apt-get install faketime)' >&2
  exit 1
}

out=test-artifacts/dates
mkdir -p "$out"
passed=0
failed=0
failures=()
for instant in "${instants[@]}"; do
  at=$(date -d "$instant +0800" +%s) || exit 1
  log="$out/$(echo "$instant" | tr ' :' '_-').log"
  started=$(date +%s)
  # An offset from the real clock, not a start instant: every process of the run (node, the Java test server started
  # minutes later, PostgreSQL) then reads the same faked time. The monotonic clock stays real; without the monotonic
  # fix the JVM's timed waits keep their real lengths (with it, the workflow project runs several times slower).
  BEATFLOW_TEST_FAKETIME="$instant +08:00" FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_FORCE_MONOTONIC_FIX=0 \
    faketime -f "$(printf '%+ds' $((at - started)))" npx jest --runInBand --selectProjects fast workflow >"$log" 2>&1
  rc=$?
  line=$(grep -E '^Tests: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  p=$(echo "$line" | sed -nE 's/^Tests: ([0-9]+) passed.*/\1/p')
  f=$(echo "$line" | sed -nE 's/^Tests: [0-9]+ passed, ([0-9]+) failed.*/\1/p')
  p=${p:-0}
  f=${f:-0}
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  passed=$((passed + p))
  failed=$((failed + f))
  echo "date sweep at $instant China time: $p passed, $f failed ($(($(date +%s) - started)) s, $log)"
  if [ "$rc" -ne 0 ]; then
    failures+=("$instant")
    grep -E '^\s+● ' "$log" | sed "s/^/  [$instant] /" | head -n 20
  fi
done

[ ${#failures[@]} -gt 0 ] && echo "the sweep failed at: $(printf '%s; ' "${failures[@]}")"
echo "Tests: $passed passed, $failed failed" | tee "$out/closing-line"
[ ${#failures[@]} -eq 0 ]
