-- Replays prepared requests and checks every answer (benchmarks/load.py; the files: benchmarks/load_sessions.py).
--
--   wrk -t N -c N -d 60s -s benchmarks/wrk/replay.lua http://127.0.0.1:PORT -- FILE N [USER_AGENT]
--
-- FILE has one request a line: METHOD <tab> PATH <tab> COOKIE <tab> BODY <tab> EXPECT, where EXPECT is a status,
-- optionally followed by a space and text the Location header must contain ("303 /parent/reports/"). Thread t of
-- N sends lines t, t+N, t+2N, ... in turn (so no two threads send the same one-off submission), and starts again
-- from its first line when it runs out ("wraps", reported). Run with as many threads as connections (-t N -c N):
-- each thread then has one connection, its answers come back in the order it sent the requests, and each answer
-- is checked against the line that asked for it. Anything else (another status, a redirect elsewhere, such as to
-- the sign-in page) counts as "unexpected"; wrk's own socket errors and timeouts are counted by wrk.
--
-- done() prints one line starting "RESULT " with a JSON object: requests, seconds, req_per_s, latency percentiles
-- in milliseconds, wrk's errors, unexpected answers with the first few examples, and wraps.

local threads = {}
local next_id = 0

function setup(thread)
   thread:set("tid", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

local requests = {}
local expects = {}
local count = 0
local position = 0
local pending = {}
local head, tail = 1, 0
unexpected = 0
wraps = 0
examples = ""

function init(args)
   local file, nthreads, agent = args[1], tonumber(args[2] or "1"), args[3] or "portal-bench"
   local total = 0
   for _ in io.lines(file) do total = total + 1 end
   if total == 0 then error("replay.lua: " .. file .. " is empty") end
   local index = 0
   for text in io.lines(file) do
      -- A file with fewer lines than threads: thread t sends line t modulo their number.
      if index % nthreads == tid or (total <= tid and index == tid % total) then
         local method, path, cookie, body, expect = text:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
         if method == nil then
            error("replay.lua: bad line " .. (index + 1) .. " in " .. file)
         end
         local headers = { ["User-Agent"] = agent }
         if cookie ~= "" then headers["Cookie"] = cookie end
         if body == "" then
            body = nil
         else
            headers["Content-Type"] = "application/x-www-form-urlencoded"
         end
         local status, location = expect:match("^(%d+) ?(.*)$")
         count = count + 1
         requests[count] = wrk.format(method, path, headers, body)
         expects[count] = { tonumber(status), location, method .. " " .. path }
      end
      index = index + 1
   end
end

local verified = false

function request()
   -- wrk calls request() once in thread 0 before the run, to check it, and never sends that one: leave it out of
   -- the answers to expect.
   if tid == 0 and not verified then
      verified = true
      return wrk.format("GET", "/")
   end
   position = position + 1
   if position > count then
      position = 1
      wraps = wraps + 1
   end
   tail = tail + 1
   pending[tail] = position
   return requests[position]
end

function response(status, headers, body)
   local line = pending[head]
   pending[head] = nil
   head = head + 1
   if line == nil then return end
   local expect = expects[line]
   local ok = status == expect[1]
   if ok and expect[2] ~= "" then
      local location = headers["Location"] or headers["location"] or ""
      ok = string.find(location, expect[2], 1, true) ~= nil
   end
   if not ok then
      unexpected = unexpected + 1
      if string.len(examples) < 600 then
         local location = headers["Location"] or headers["location"] or ""
         examples = examples .. expect[3] .. " -> " .. status .. " " .. location .. "; "
      end
   end
end

local function quote(text)
   return '"' .. string.gsub(text, '[%c"\\]', " ") .. '"'
end

function done(summary, latency, requests_)
   local bad, wrapped, seen = 0, 0, ""
   for _, thread in ipairs(threads) do
      bad = bad + (thread:get("unexpected") or 0)
      wrapped = wrapped + (thread:get("wraps") or 0)
      local more = thread:get("examples") or ""
      if string.len(seen) < 600 then seen = seen .. more end
   end
   local seconds = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      'RESULT {"requests": %d, "seconds": %.3f, "req_per_s": %.2f, "bytes": %d, ' ..
      '"latency_ms": {"mean": %.2f, "p50": %.2f, "p95": %.2f, "p99": %.2f, "max": %.2f}, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
      '"unexpected": %d, "examples": %s, "wraps": %d}\n',
      summary.requests, seconds, summary.requests / seconds, summary.bytes,
      latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000,
      e.connect, e.read, e.write, e.status, e.timeout, bad, quote(seen), wrapped))
end
