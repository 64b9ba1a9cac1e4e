-- Step replay: cycles through signed webhook requests of complete calls (written by `loadgen emit-wrk` in step-major
-- order, so requests in flight together belong to different calls), each thread from its own offset.
-- wrk ... -s replay.lua -- <requests.lua>
dofile("report.lua")

local threads = {}
local counter = 1
local prepared = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  for i, r in ipairs(dofile(args[1])) do
    local headers = { ["User-Agent"] = "TwilioProxy/1.1", ["X-Twilio-Signature"] = r.s }
    local body = nil
    if r.m == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      body = r.b
    end
    prepared[i] = wrk.format(r.m, r.p, headers, body)
  end
  counter = (id * 7919) % #prepared + 1
end

function request()
  local r = prepared[counter]
  counter = counter % #prepared + 1
  return r
end
