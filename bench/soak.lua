-- wrk script for bench/soak.py: a fixed request rate of a mix of reads or writes.
--
--   wrk -t1 -c16 -d10s -s bench/soak.lua http://127.0.0.1:PORT -- MODE RATE ARTICLES TAG TOKEN ETAG SEED
--
-- MODE is "read" or "write"; RATE the requests a second of each wrk thread. wrk is closed
-- loop; delay() turns it into a schedule: every request takes the next slot of a fixed
-- grid (1/RATE apart), so the rate holds while a connection is free. `lag_ms` says how far
-- behind the grid a request ever went (all connections busy): then the rate was not held.
-- The last line printed is `SOAK {json}`: latency percentiles, statuses, socket errors.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } soak_timespec;
int clock_gettime(int clock_id, soak_timespec *tp);
]])
local clock = ffi.new("soak_timespec")
local CLOCK_MONOTONIC = 1

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = {}
id = 0 -- a global: setup() sets each thread's own

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local mode, interval, articles, tag, token, etag
local next_at, n = nil, 0
counts, lag = {}, 0

local QUERIES = { "submarine%20deterrence", "nuclear%20treaty", "trade%20tariff",
  "energy%20pipeline", "cyber%20space", "alliance", "sanctions%20reform" }
local KINDS = { "op-ed", "brief", "explainer", "report" }

function init(args)
  mode, articles, tag, token, etag = args[1], tonumber(args[3]), args[4], args[5], args[6]
  interval = 1000 / tonumber(args[2])
  -- Its own seed: two writers drawing the same articles at once would collide (412).
  math.randomseed(tonumber(args[7]) * 100 + id)
end

function delay()
  local t = now_ms()
  next_at = next_at or t
  local wait = next_at - t
  next_at = next_at + interval
  if wait < 0 then
    lag = math.max(lag, -wait)
    return 0
  end
  return math.floor(wait)
end

local function get(path, headers)
  return wrk.format("GET", path, headers or {})
end

local function read()
  local r = math.random(100)
  local article = math.random(articles)
  if r <= 20 then return get("/api/v1/articles?per_page=20") end
  if r <= 30 then return get("/api/v1/articles?per_page=20&page=" .. math.random(50)) end
  if r <= 40 then return get("/api/v1/articles?topic=topic-" .. math.random(20)) end
  if r <= 65 then return get("/api/v1/articles/article-" .. article) end
  if r <= 70 then return get("/api/v1/articles?q=" .. QUERIES[math.random(#QUERIES)]) end
  if r <= 75 then return get("/api/v1/search?q=" .. QUERIES[math.random(#QUERIES)]) end
  if r <= 85 then return get("/feeds/articles.rss") end
  -- The revalidation article is never edited: a 304 unless a cache entry was dropped.
  return get("/api/v1/articles/article-" .. articles + 1, { ["If-None-Match"] = etag })
end

local function send(method, path, body, headers)
  headers = headers or {}
  headers["Content-Type"] = "application/json"
  return wrk.format(method, path, headers, body)
end

local function write()
  local r = math.random(100)
  local stamp = tag .. "-" .. id .. "-" .. n
  local auth = "Bearer " .. token
  if r <= 50 then
    -- An edit of a published article: If-Match * (an editor who means to overwrite).
    local body = '{"summary": "Edited during the soak run ' .. stamp .. '."}'
    local path = "/api/v1/admin/articles/" .. math.random(articles)
    return send("PATCH", path, body, { Authorization = auth, ["If-Match"] = "*" })
  end
  if r <= 75 then
    local body = '{"kind": "' .. KINDS[math.random(#KINDS)] .. '", "title": "Soak draft '
      .. stamp .. '", "summary": "A draft written by the soak run."}'
    return send("POST", "/api/v1/admin/articles", body, { Authorization = auth })
  end
  local body = '{"email": "soak-' .. stamp .. '@example.org", "source": "soak"}'
  return send("POST", "/api/v1/newsletter/subscriptions", body)
end

function request()
  n = n + 1
  if mode == "write" then return write() end
  return read()
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local statuses, worst = {}, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("counts")) do
      statuses[status] = (statuses[status] or 0) + count
    end
    worst = math.max(worst, thread:get("lag"))
  end
  local parts = {}
  for status, count in pairs(statuses) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  local e = summary.errors
  io.write(string.format(
    'SOAK {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, '
      .. '"statuses": {%s}, "lag_ms": %.1f}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.timeout, table.concat(parts, ", "), worst))
end
