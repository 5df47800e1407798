-- wrk script: POST the same NDJSON batch over and over; counts non-202 answers.
--   wrk -t1 -c8 -d10s -s bench/cluster/post_batch.lua http://127.0.0.1:18101/api/v1/events -- batch.ndjson KEY
function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-ndjson"
  wrk.headers["Authorization"] = "Tecton-key " .. args[2]
end

function done(summary, latency, requests)
  io.write(string.format("requests=%d errors=%d non2xx=%d\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
