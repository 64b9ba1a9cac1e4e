-- A fixed form POST, optionally signed: wrk ... -s post.lua -- '<form body>' ['<X-Twilio-Signature>']
dofile("report.lua")

function init(args)
  wrk.method = "POST"
  wrk.body = args[1]
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["User-Agent"] = "TwilioProxy/1.1"
  if args[2] then
    wrk.headers["X-Twilio-Signature"] = args[2]
  end
end
