-- wrk script: POST the same NDJSON batch over and over.
--   wrk -t2 -c16 -d10s -s bench/post_batch.lua http://127.0.0.1:8080/api/v1/events -- /tmp/batch.ndjson $KEY
function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-ndjson"
  wrk.headers["Authorization"] = "Tecton-key " .. args[2]
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write("------------------------------\n")
  io.write(string.format("requests: %d, errors: %d\n", summary.requests, summary.errors.status))
end
