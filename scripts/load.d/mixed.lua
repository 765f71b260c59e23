-- wrk script for scripts/load: every request carries its own Accept-Language and Accept,
-- rotating through CASES × PATHS, and every response is checked against what that request
-- must get. Each wrk thread holds one connection (scripts/load runs -t N -c N) and sends one
-- request at a time, so a response answers the thread's latest request: wrk asks request()
-- again without a response only when the previous request never went out whole (a write
-- that must be retried from its start, a reconnect), and that request's answer never comes.
--
-- Environment: LOAD_SERVER (nginx, apache, caddy or serve-errors: they weigh q-values differently, see
-- README), LOAD_TARGET (errors or static).

-- Accept-Language, Accept (nil: not sent), then what nginx serves, what Apache serves and what
-- erratum serve-errors serves (RFC 9110 negotiation). Worked out by hand from the rules in
-- README's "Serving the error pages".
local CASES = {
  {"fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7",
   "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8", "fr html", "fr html", "fr html"},
  {"de,en-US;q=0.7,en;q=0.3", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "de html", "de html", "de html"},
  {nil, "application/json, text/plain, */*", "en json", "en json", "en json"},
  {"fr", "application/json, text/javascript, */*; q=0.01", "fr json", "fr json", "fr json"},
  {"de-AT;q=0.9, en;q=0.8", "application/problem+json", "de problem", "de problem", "de problem"},
  {"fr;q=0, de", "*/*", "de html", "de html", "de html"},
  {"es", "application/xml", "en html", "en html", "en html"},
  {"ja, *;q=0.5", "text/*", "en html", "en html", "en html"},
  {"FR-ca", "Application/JSON", "fr json", "fr json", "fr json"},
  {"en;q=0.1, fr", "text/html;q=0.1, application/json", "en html", "fr json", "fr json"},
  {"fr, de", nil, "fr html", "de html", "fr html"},
  {nil, nil, "en html", "en html", "en html"},
  {"de;q=0.5, *", "application/json;q=0, text/html", "de html", "en html", "en html"},
  {"pt-BR,pt;q=0.9,fr;q=0.8", "application/problem+json, application/json;q=0.8", "fr problem", "fr problem", "fr problem"},
  {"de", "image/webp", "de html", "de html", "de html"},
  {"*", "application/vnd.api+json", "en json", "en html", "en html"},
}
local PATHS = {{"/status/404", 404}, {"/no/such/file", 404}, {"/status/503", 503}, {"/status/507", 507}}
local TYPES = {html = "text/html; charset=utf-8", json = "application/json", problem = "application/problem+json"}

local server = os.getenv("LOAD_SERVER") or "nginx"
local target = os.getenv("LOAD_TARGET") or "errors"
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("first", #threads)
end

function init(args)
  checked, wrong, examples = 0, 0, ""
  next_case = first or 1
  requests = {}
  if target == "static" then
    requests[1] = {wrk.format("GET", "/static.html", {Host = wrk.host}), {200, "text/html", nil}}
    return
  end
  for _, path in ipairs(PATHS) do
    for _, case in ipairs(CASES) do
      local headers = {Host = wrk.host}
      if case[1] then headers["Accept-Language"] = case[1] end
      if case[2] then headers["Accept"] = case[2] end
      -- Caddy's files choose as nginx's maps do.
      local answer = ({nginx = case[3], caddy = case[3], apache = case[4]})[server] or case[5]
      local language, format = answer:match("(%a+) (%a+)")
      requests[#requests + 1] = {wrk.format("GET", path[1], headers), {path[2], TYPES[format], language}}
    end
  end
end

function request()
  next_case = next_case % #requests + 1
  expected = requests[next_case][2]
  return requests[next_case][1]
end

local function header(headers, name)
  for key, value in pairs(headers) do
    if key:lower() == name then return value end
  end
end

function response(status, headers, body)
  if not expected then return end
  local code, type, language = expected[1], expected[2], expected[3]
  expected = nil
  checked = checked + 1
  local got_type, got_language = header(headers, "content-type"), header(headers, "content-language")
  -- A static file's type may carry a charset or not, as the server's mime types say.
  local type_right = got_type == type or (not language and got_type ~= nil and got_type:sub(1, #type) == type)
  local right = status == code and type_right and got_language == language
  if right and language then
    if type:find("html") then
      right = body:find('<html lang="' .. language .. '">', 1, true) ~= nil
    else
      right = body:find('"status":' .. code, 1, true) ~= nil
    end
  end
  if not right then
    wrong = wrong + 1
    if #examples < 600 then
      examples = examples .. string.format("expected %s %s %s, got %s %s %s; ", code, type, tostring(language),
                                           status, tostring(got_type), tostring(got_language))
    end
  end
end

function done(summary, latency, requests)
  local checked_all, wrong_all, examples_all = 0, 0, ""
  for _, thread in ipairs(threads) do
    checked_all = checked_all + thread:get("checked")
    wrong_all = wrong_all + thread:get("wrong")
    examples_all = examples_all .. thread:get("examples")
  end
  local errors = summary.errors
  io.write(string.format(
    'LOAD {"requests": %d, "seconds": %.3f, "requests_per_s": %.0f, "p50_ms": %.3f, "p99_ms": %.3f, '
      .. '"max_ms": %.3f, "checked": %d, "wrong": %d, "socket_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    checked_all, wrong_all, errors.connect + errors.read + errors.write, errors.timeout))
  if wrong_all > 0 then io.write("WRONG " .. examples_all:sub(1, 1200) .. "\n") end
end
