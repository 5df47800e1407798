#!/usr/bin/env bash
# Posts the example events to a running metrics-gateway and prints each answer.
#
#   TECTON_API_KEY=<key of an event-writer or admin account> ./send.sh
#   GATEWAY_URL=http://gateway:8080 TECTON_API_KEY=... ./send.sh
#
# No event carries a `time`, so each is dated at its arrival and counts in the window at once.
# stream_batch and served_feature events hold epoch-millisecond fields whose distance to `time`
# is the metric (an event age); in the files they are written "__NOW_MINUS_<ms>__" and replaced
# here by the integer now − <ms> just before sending (see README.md).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
url="${GATEWAY_URL:-http://127.0.0.1:8080}/api/v1/events"
auth="Authorization: Tecton-key ${TECTON_API_KEY:?set TECTON_API_KEY}"

# The current time in epoch milliseconds (GNU date; elsewhere whole seconds × 1000).
now_ms() {
  local ms
  ms=$(date +%s%3N)
  if [[ $ms =~ ^[0-9]+$ ]]; then
    echo "$ms"
  else
    echo $(( $(date +%s) * 1000 ))
  fi
}

# Prints FILE with every "__NOW_MINUS_<ms>__" (quotes included) replaced by now − <ms>.
render() {
  local file=$1 now offset
  local -a edits=()
  now=$(now_ms)
  for offset in $(grep -o '__NOW_MINUS_[0-9]*__' "$file" | tr -dc '0-9\n' | sort -u); do
    edits+=(-e "s/\"__NOW_MINUS_${offset}__\"/$((now - offset))/g")
  done
  if (( ${#edits[@]} )); then
    sed "${edits[@]}" "$file"
  else
    cat "$file"
  fi
}

# post CONTENT_TYPE [CURL_ARGS...]: posts stdin and prints the answer (or the error body).
post() {
  local content_type=$1
  shift
  curl -sS --fail-with-body -X POST "$url" \
    -H "$auth" \
    -H "Content-Type: $content_type" \
    "$@" --data-binary @- || { local rc=$?; echo; return "$rc"; }
  echo
}

for type in feature_request server_utilization stream_batch served_feature ingest_request; do
  printf '%-32s ' "$type.ndjson:"
  render "$here/$type.ndjson" | post application/x-ndjson
done

# The same NDJSON, gzip-compressed on the wire.
printf '%-32s ' "feature_request.ndjson (gzip):"
gzip -c "$here/feature_request.ndjson" | post application/x-ndjson -H 'Content-Encoding: gzip'

# A JSON array instead of NDJSON.
printf '%-32s ' "feature_request.json:"
post application/json < "$here/feature_request.json"
