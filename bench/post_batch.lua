-- wrk script: POST the same NDJSON batch over and over.
--   wrk -t2 -c16 -d10s -s bench/post_batch.lua http://127.0.0.1:8080/api/v1/events -- /tmp/batch.ndjson $KEY
-- Prints the non-2xx answers and the socket errors (connect, read, write, timeout) apart, also as one
-- machine-readable line (bench/cluster/run.sh reads it).
function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-ndjson"
  wrk.headers["Authorization"] = "Tecton-key " .. args[2]
end

function done(summary, latency, requests)
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write("------------------------------\n")
  io.write(string.format("requests: %d, errors: %d\n", summary.requests, summary.errors.status))
  io.write(string.format("requests=%d errors=%d non2xx=%d\n", summary.requests, socket, summary.errors.status))
end
