-- wrk script for bench/ledger.sh: every request is a new payment, POST /api/coin/v1/payments with
-- a fresh Idempotency-Key, from a random resident to a random merchant. The key ends in the
-- thread's number and a counter, so no two requests of a run share one. Environment:
-- KNOOPPUNT_KEY (a coin:pay API key), KNOOPPUNT_RESIDENTS and KNOOPPUNT_MERCHANTS (how many of
-- bench-r<i> and bench-m<i> exist).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + number)
  key = os.getenv("KNOOPPUNT_KEY")
  residents = tonumber(os.getenv("KNOOPPUNT_RESIDENTS"))
  merchants = tonumber(os.getenv("KNOOPPUNT_MERCHANTS"))
  counter = 0
  created = 0
  refused = 0
  failed = 0
end

local function uuid()
  counter = counter + 1
  return string.format("%08x-%04x-4%03x-%04x-%02x%010x", math.random(0, 0x7fffffff), math.random(0, 0xffff),
    math.random(0, 0xfff), math.random(0x8000, 0xbfff), number, counter)
end

function request()
  local body = string.format('{"resident":"bench-r%d","merchant":"bench-m%d","amountCents":%d}',
    math.random(0, residents - 1), math.random(0, merchants - 1), math.random(1, 100))
  return wrk.format("POST", "/api/coin/v1/payments", {
    ["Authorization"] = "Bearer " .. key,
    ["Idempotency-Key"] = '"' .. uuid() .. '"',
    ["Content-Type"] = "application/json",
  }, body)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status >= 400 and status < 500 then
    refused = refused + 1
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local totals = { created = 0, refused = 0, failed = 0 }
  for _, thread in ipairs(threads) do
    totals.created = totals.created + thread:get("created")
    totals.refused = totals.refused + thread:get("refused")
    totals.failed = totals.failed + thread:get("failed")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT created=%d refused=%d failed=%d errors=%d seconds=%.2f p50_ms=%.2f p99_ms=%.2f\n",
    totals.created, totals.refused, totals.failed,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status,
    seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
