#!/usr/bin/env bash
# The static half of `npm test`, side by side after the API client they all read is generated: the compile (the
# typecheck of everything, tests included, and the build into dist/ in one pass of tsc: `npm run compile`), the lint
# and the format check. Each one's output is printed only when it fails; the exit status is the first failure's.
set -uo pipefail
cd "$(dirname "$0")/.."

npm run generate:client --silent || exit 1

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
steps=(compile lint format:check)
declare -A pids
for name in "${steps[@]}"; do
  # --ignore-scripts: no pre-step (the typecheck's would rewrite the client while the others read it).
  npm run --silent --ignore-scripts "$name" >"$out/$name.log" 2>&1 &
  pids[$name]=$!
done

status=0
for name in "${steps[@]}"; do
  if wait "${pids[$name]}"; then
    echo "$name: ok"
  else
    echo "$name: failed"
    cat "$out/$name.log"
    [ "$status" -eq 0 ] && status=1
  fi
done
exit "$status"
