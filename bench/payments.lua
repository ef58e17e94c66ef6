-- wrk script for bench/ledger.sh: every request is a new payment, POST /api/coin/v1/payments with
-- a fresh Idempotency-Key, from a random resident to a random merchant. The key ends in the
-- thread's number and a counter, so no two requests of a run share one. Environment:
-- KNOOPPUNT_KEY (a coin:pay API key), KNOOPPUNT_RESIDENTS and KNOOPPUNT_MERCHANTS (how many of
-- bench-r<i> and bench-m<i> exist).
--
-- wrk shares the machine with the node, so the script keeps its own work small: the request is
-- one string.format over a head built once, and there is no response() callback, which would
-- make wrk build a Lua table of every response's headers. bench/ledger.sh counts the payments
-- the node committed from its /metrics instead; wrk's own count of non-2xx answers and socket
-- errors is printed to show that none went wrong.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + number)
  residents = tonumber(os.getenv("KNOOPPUNT_RESIDENTS"))
  merchants = tonumber(os.getenv("KNOOPPUNT_MERCHANTS"))
  counter = 0
  head = "POST /api/coin/v1/payments HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " .. os.getenv("KNOOPPUNT_KEY")
    .. "\r\nContent-Type: application/json\r\nIdempotency-Key: \""
  suffix = string.format("%02x", number)
end

local format, random = string.format, math.random

function request()
  counter = counter + 1
  local body = format('{"resident":"bench-r%d","merchant":"bench-m%d","amountCents":%d}',
    random(0, residents - 1), random(0, merchants - 1), random(1, 100))
  return format('%s%08x-%04x-4%03x-%04x-%s%010x"\r\nContent-Length: %d\r\n\r\n%s', head, random(0, 0x7fffffff),
    random(0, 0xffff), random(0, 0xfff), random(0x8000, 0xbfff), suffix, counter, #body, body)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d non2xx=%d errors=%d seconds=%.2f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
