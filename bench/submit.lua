-- Consultation form submissions: each request POSTs a complete, valid form with a one-time form
-- token of its own and comes from an address of its own (X-Forwarded-For, believed from the
-- loopback proxy), so the rate limit is counted but not reached. bench/run.py writes the bodies,
-- one per line as "<address>\t<urlencoded form>", and passes the CSRF cookie in the environment
-- (BENCH_COOKIE, with the Referer BENCH_REFERER: over https Django checks it).
-- A submission is accepted when the server answers 302 (to the confirmation page). Those still on
-- their way when the run ends are sent but not counted as answered.

dofile(os.getenv("BENCH_DIR") .. "/report.lua")

local submissions = {}
local next_one = 1
sent, accepted, refused, resent = 0, 0, 0, 0

function init(args)
  local thread_id, thread_count = tonumber(wrk.thread:get("id")), tonumber(args[1])
  local line_number = 0
  -- Each thread takes every thread_count-th line: no token is sent by two threads.
  for line in io.lines(os.getenv("BENCH_SUBMISSIONS")) do
    if line_number % thread_count == thread_id then
      local address, body = line:match("^([^\t]+)\t(.*)$")
      table.insert(submissions, { address = address, body = body })
    end
    line_number = line_number + 1
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
  wrk.headers["Referer"] = os.getenv("BENCH_REFERER")
end

function request()
  if next_one > #submissions then
    -- Out of tokens: a form sent again is the same request again, counted apart.
    next_one, wrapped = 1, true
  end
  if wrapped then
    resent = resent + 1
  end
  local submission = submissions[next_one]
  next_one = next_one + 1
  sent = sent + 1
  wrk.headers["X-Forwarded-For"] = submission.address
  return wrk.format(nil, nil, nil, submission.body)
end

function response(status, headers, body)
  if status == 302 then
    accepted = accepted + 1
  else
    refused = refused + 1
  end
end
