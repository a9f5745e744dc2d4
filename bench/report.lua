-- Prints wrk's figures as one JSON line for bench/run.py (wrk's own text output rounds them).
-- bench/submit.lua includes this file for its summary too.

threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local function thread_sum(name)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + (thread:get(name) or 0)
  end
  return total
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"socket_errors": %d, "bad_status": %d, "sent": %d, "accepted": %d, "refused": %d, "resent": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status,
    thread_sum("sent"), thread_sum("accepted"), thread_sum("refused"), thread_sum("resent")
  ))
end
