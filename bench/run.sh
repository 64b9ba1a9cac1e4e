#!/usr/bin/env bash
# The whole benchmark suite, one command: builds in Release, starts each app on a port of 6700-6799 with a fresh
# temporary Storage:Root, runs every part, stops what it started, and writes bench/results/latest.md.
#
# Knobs (environment): BENCH_CASES (1000000), BENCH_SLA_OPEN (100000), BENCH_DURATION seconds per load run (20),
# BENCH_PORT_BASE (6700), BENCH_REPEAT runs of each measurement a single noisy minute could decide (3: replay at 100
# connections, cases opened, the sweep; the targets read the median), APP_REPO (this repository; another checkout's
# apps are copied to the temp folder and built there, so nothing is written into it), BENCH_SKIP (space-separated
# parts to skip: baseline ivr open console sla).
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$BENCH")
APP_REPO=${APP_REPO:-$REPO}
CASES=${BENCH_CASES:-1000000}
SLA_OPEN=${BENCH_SLA_OPEN:-100000}
DURATION=${BENCH_DURATION:-20}
REPEAT=${BENCH_REPEAT:-3}
PORT=${BENCH_PORT_BASE:-6700}
SKIP=" ${BENCH_SKIP:-} "
BASELINE_PORT=$((PORT + 1)); IVR_PORT=$((PORT + 10)); CONSOLE_PORT=$((PORT + 20)); MEDIA_PORT=$((PORT + 90))
TOKEN=bench-$RANDOM$RANDOM
WORK=$(mktemp -d /tmp/webticketing-bench.XXXXXX)
RESULTS=$WORK/results; mkdir -p "$RESULTS"
OUT=$RESULTS/report.md
STARTED=()
SUITE_START=$(date +%s)

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
skip() { [[ "$SKIP" == *" $1 "* ]]; }
stop_all() {
  for pid in "${STARTED[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  STARTED=()
}
trap stop_all EXIT

start() { # name port command...: starts an app in the background, waits for /healthz, leaves its pid in $pid
  local name=$1 port=$2; shift 2
  "$@" >"$WORK/$name.log" 2>&1 &
  pid=$!
  STARTED+=("$pid")
  for _ in $(seq 120); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  log "$name did not start; its log:"; tail -30 "$WORK/$name.log" >&2
  return 1
}
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null || true; }
wrk_run() { # name connections url script -- args...: one wrk run, its JSON line kept as results/wrk-<name>.json
  local name=$1 connections=$2 url=$3 script=$4; shift 4
  local before after j cpu
  before=$(cpu_ticks "$pid")
  (cd "$BENCH/wrk" && wrk -t2 -c"$connections" -d"${DURATION}s" --timeout 10s -s "$script" "$url" "$@") >"$WORK/wrk-$name.txt"
  after=$(cpu_ticks "$pid")
  j=$(grep '^JSON ' "$WORK/wrk-$name.txt" | sed 's/^JSON //')
  # The server's CPU per request: what a busy machine changes least (it says what a request costs, not how long it queued).
  cpu=$(awk -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="$(jq_get "$j" requests 0)" 'BEGIN { printf "%.4f", (n > 0 ? t * 1000 / hz / n : 0) }')
  echo "${j%\}},\"cpu_ms_per_req\":$cpu}" >"$RESULTS/wrk-$name.json"
  echo "| $name | $connections | $(jq_get "$j" rps 0) | $(jq_get "$j" p50_ms 2) | $(jq_get "$j" p90_ms 2) | $(jq_get "$j" p99_ms 2) | $(jq_get "$j" max_ms 1) | $(jq_get "$j" non2xx 0) | $cpu | $(load) |" >>"$OUT"
}
warm_up() { # script url -- args...: 5 s of the same load, not recorded, so the first measured run finds tiered JIT done as the later ones do
  (cd "$BENCH/wrk" && wrk -t2 -c32 -d5s --timeout 10s -s "$@") >/dev/null
}
ivr_args() { # codes-file: the load generator's arguments for the IVR just started (its pid in $pid)
  IVR_ARGS=(--base "http://127.0.0.1:$IVR_PORT" --token "$TOKEN" --codes-file "$1" --serve-recordings "$MEDIA_PORT" --server-pid "$pid")
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
jq_get() { # json key decimals: a number out of wrk's one-line JSON without needing jq
  printf "%.${3}f" "$(echo "$1" | sed -E "s/.*\"$2\":([0-9.]+).*/\1/")"
}

bash "$BENCH/setup.sh"

log "building (Release) into $WORK/bin"
APP_SRC=$APP_REPO
if [ "$APP_REPO" != "$REPO" ]; then
  APP_SRC=$WORK/app-src
  mkdir -p "$APP_SRC"
  (cd "$APP_REPO" && git ls-files -co --exclude-standard -z | xargs -0 -I{} cp --parents {} "$APP_SRC/")
  # The data tool builds on the apps' own Core, so its model and migrations are theirs.
  mkdir -p "$APP_SRC/bench" && (cd "$BENCH" && git ls-files -co --exclude-standard Data LoadGen -z | xargs -0 -I{} cp --parents {} "$APP_SRC/bench/")
  grep -q HdrHistogram "$APP_SRC/Directory.Packages.props" || sed -i '0,/<\/ItemGroup>/s||  <PackageVersion Include="HdrHistogram" Version="2.5.0" />\n  </ItemGroup>|' "$APP_SRC/Directory.Packages.props"
fi
build() { dotnet build "$1" -c Release -o "$WORK/bin/$2" -nologo -v quiet -clp:ErrorsOnly >"$WORK/build-$2.log" 2>&1 || { cat "$WORK/build-$2.log" >&2; exit 1; }; }
build "$BENCH/Baseline" baseline
build "$BENCH/LoadGen" loadgen
build "$APP_SRC/bench/Data" data
build "$APP_SRC/src/IvrWebhooks" ivr
build "$APP_SRC/src/AgentConsole" console
LOADGEN=$WORK/bin/loadgen/WebTicketing.Bench.LoadGen
DATA=$WORK/bin/data/WebTicketing.Bench.Data
APP_ENV=(env ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Twilio__AuthToken="$TOKEN" Twilio__Mode=Local)

{
  echo "# Benchmark results"
  echo
  echo "- run: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$REPO" rev-parse --short HEAD) (apps from $APP_REPO, $(git -C "$APP_REPO" rev-parse --short HEAD)$(git -C "$APP_REPO" diff --quiet HEAD -- . ':(exclude)bench/results' 2>/dev/null || echo ' + uncommitted changes'))"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM; .NET SDK $(dotnet --version)"
  echo "- load average (1, 5, 15 min) at start: $(load). Each row carries the load average when it finished: other work on the same cores makes every number worse, so compare ratios to the baselines of the same run."
  echo
} >"$OUT"

if ! skip baseline; then
  log "baselines"
  rm -f "$WORK/baseline.db"*
  start baseline $BASELINE_PORT "$WORK/bin/baseline/WebTicketing.Bench.Baseline" --urls "http://127.0.0.1:$BASELINE_PORT" --AuthToken "$TOKEN" --Database "$WORK/baseline.db"
  FORM="AccountSid=AC00000000000000000000000000000000&CallSid=CA0123456789abcdef0123456789abcdef&Digits=1&From=%2B34910000001&To=%2B34910000000"
  SIG=$("$LOADGEN" sign --url "http://127.0.0.1:$BASELINE_PORT/twiml" --token "$TOKEN" --form "$FORM")
  {
    echo "## Baselines and step replay (wrk, 2 threads, ${DURATION} s each, on the same cores as the server)"
    echo
    echo "| run | connections | req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | server CPU ms/req | load avg |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  } >>"$OUT"
  warm_up "post.lua" "http://127.0.0.1:$BASELINE_PORT/insert" -- "$FORM"
  wrk_run fixed-c32 32 "http://127.0.0.1:$BASELINE_PORT/fixed" post.lua -- "$FORM"
  wrk_run twiml-c32 32 "http://127.0.0.1:$BASELINE_PORT/twiml" post.lua -- "$FORM" "$SIG"
  wrk_run insert-c32 32 "http://127.0.0.1:$BASELINE_PORT/insert" post.lua -- "$FORM"
  wrk_run insert-c100 100 "http://127.0.0.1:$BASELINE_PORT/insert" post.lua -- "$FORM"
  stop "$pid"
fi

if ! skip ivr; then
  log "IVR"
  IVR_ROOT=$WORK/ivr-data
  # As deployed, the phone line (re)starts on a database that exists: made by the console or a directory import
  # (here the same Core code in the data tool). Its first start, creating the database itself, is measured below.
  "$DATA" directory --migrate --root "$IVR_ROOT" --codes-out "$WORK/codes.txt"
  start ivr $IVR_PORT "${APP_ENV[@]}" "$WORK/bin/ivr/WebTicketing.IvrWebhooks" --urls "http://127.0.0.1:$IVR_PORT" --Storage:Root "$IVR_ROOT"
  ivr_args "$WORK/codes.txt"
  "$LOADGEN" emit-wrk "${IVR_ARGS[@]}" --calls 200 --steps incoming,gather,record,redirect,dial --out "$WORK/steps.lua"
  warm_up "replay.lua" "http://127.0.0.1:$IVR_PORT" -- "$WORK/steps.lua"
  wrk_run replay-c32 32 "http://127.0.0.1:$IVR_PORT" replay.lua -- "$WORK/steps.lua"
  wrk_run replay-c100 100 "http://127.0.0.1:$IVR_PORT" replay.lua -- "$WORK/steps.lua"
  for i in $(seq 2 "$REPEAT"); do
    wrk_run "replay-c100-$i" 100 "http://127.0.0.1:$IVR_PORT" replay.lua -- "$WORK/steps.lua"
  done
  {
    echo
    echo "replay-*: signed webhook requests of 200 complete calls (call steps only, no status callbacks), written by \`loadgen emit-wrk\` and replayed back to back; requests are in step-major order (neighbours belong to different calls); a replayed step finds its call session further along, so it exercises the signature check and the session read and write of every step, not the happy path. fixed: Kestrel returning a fixed TwiML document; twiml: Twilio's RequestValidator + VoiceResponse per request; insert: fixed + one SQLite insert (WAL, synchronous=NORMAL, writes through a SemaphoreSlim)."
    echo
    echo "## IVR calls (loadgen ivr: each caller plays complete calls following the TwiML; scenarios open / status / wrong code 5:3:2)"
    echo
  } >>"$OUT"
  "$LOADGEN" ivr "${IVR_ARGS[@]}" --concurrency 8 --duration "$DURATION" --warmup 5 --json "$RESULTS/ivr-c8.json" --markdown "$OUT" \
    --title "8 concurrent callers, load average $(load)" >/dev/null || log "ivr c8 reported failures"
  "$LOADGEN" ivr "${IVR_ARGS[@]}" --concurrency 100 --duration "$DURATION" --warmup 5 --json "$RESULTS/ivr-c100.json" --markdown "$OUT" \
    --title "100 concurrent callers, load average $(load)" >/dev/null || log "ivr c100 reported failures"
  HWM=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$pid/status")
  echo "{\"vmhwm_mb\": $HWM}" >"$RESULTS/ivr-rss.json"
  echo "- IvrWebhooks peak RSS after all IVR runs (VmHWM): $HWM MB; server errors logged: $(grep -c 'fail:' "$WORK/ivr.log" || true) ($(grep -A2 'fail:' "$WORK/ivr.log" | grep -oE '[A-Za-z.]+Exception\b' | sort | uniq -c | sort -rn | head -3 | awk '{printf "%s%s ×%s", (NR>1?", ":""), $2, $1}'))" >>"$OUT"
  echo >>"$OUT"
  stop "$pid"

  # The phone line's first start on an empty folder: it creates and migrates the database, which loads EF's model
  # building and migration code once for good; then the same 200 calls replayed at 100 connections and 100 callers.
  FIRST_ROOT=$WORK/ivr-first-start
  start ivr-first-start $IVR_PORT "${APP_ENV[@]}" "$WORK/bin/ivr/WebTicketing.IvrWebhooks" --urls "http://127.0.0.1:$IVR_PORT" --Storage:Root "$FIRST_ROOT"
  "$DATA" directory --root "$FIRST_ROOT" --codes-out "$WORK/codes-first-start.txt"
  ivr_args "$WORK/codes-first-start.txt"
  "$LOADGEN" emit-wrk "${IVR_ARGS[@]}" --calls 200 --steps incoming,gather,record,redirect,dial --out "$WORK/steps-first-start.lua"
  (cd "$BENCH/wrk" && wrk -t2 -c100 -d"${DURATION}s" --timeout 10s -s replay.lua "http://127.0.0.1:$IVR_PORT" -- "$WORK/steps-first-start.lua") >/dev/null
  "$LOADGEN" ivr "${IVR_ARGS[@]}" --concurrency 100 --duration "$DURATION" --warmup 5 --json "$RESULTS/ivr-first-start.json" --markdown "$OUT" \
    --title "100 concurrent callers on the IVR's first start (it created the database; steps replayed at 100 connections before), load average $(load)" >/dev/null || log "ivr first start reported failures"
  HWM=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$pid/status")
  echo "{\"vmhwm_mb\": $HWM}" >"$RESULTS/ivr-rss-first-start.json"
  echo "- IvrWebhooks peak RSS on its first start, creating the database (VmHWM): $HWM MB" >>"$OUT"
  echo >>"$OUT"
  stop "$pid"

  # The same 100 callers with server GC forced (one heap per core, the Web SDK's default; IvrWebhooks' project
  # chooses workstation GC): how much of the peak is the GC mode.
  start ivr-server-gc $IVR_PORT env DOTNET_gcServer=1 "${APP_ENV[@]}" "$WORK/bin/ivr/WebTicketing.IvrWebhooks" --urls "http://127.0.0.1:$IVR_PORT" --Storage:Root "$IVR_ROOT"
  ivr_args "$WORK/codes.txt"
  "$LOADGEN" ivr "${IVR_ARGS[@]}" --concurrency 100 --duration "$DURATION" --warmup 5 --json "$RESULTS/ivr-server-gc.json" --markdown "$OUT" \
    --title "100 concurrent callers, server GC forced (DOTNET_gcServer=1), load average $(load)" >/dev/null || log "ivr server GC reported failures"
  stop "$pid"
fi

if ! skip open; then
  log "cases opened in process"
  "$DATA" open-cases --root "$WORK/open" --concurrency 8 --duration "$DURATION" --results "$OUT" --json "$RESULTS/open.json" >/dev/null
  for i in $(seq 2 "$REPEAT"); do
    "$DATA" open-cases --root "$WORK/open-$i" --concurrency 8 --duration "$DURATION" --results "$OUT" --json "$RESULTS/open-$i.json" >/dev/null
  done
fi

if ! skip console; then
  log "console: $CASES cases"
  "$DATA" console --root "$WORK/console" --cases "$CASES" --iterations 100 --results "$OUT" --json "$RESULTS/console.json" --params-out "$WORK/console-params.txt" >/dev/null
  start console $CONSOLE_PORT "${APP_ENV[@]}" Jobs__RunServer=false "$WORK/bin/console/WebTicketing.AgentConsole" --urls "http://127.0.0.1:$CONSOLE_PORT" --Storage:Root "$WORK/console" || pid=""
  if [ -n "$pid" ]; then
    "$LOADGEN" console --base "http://127.0.0.1:$CONSOLE_PORT" --params "$WORK/console-params.txt" --iterations 50 \
      --title "load average $(load)" --markdown "$OUT" --json "$RESULTS/console-http.json" >/dev/null \
      || echo "- console over HTTP: not measured (no login page or sign-in refused; see the console's log)" >>"$OUT"
    stop "$pid"
  fi
  echo >>"$OUT"
fi

if ! skip sla; then
  log "SLA: $SLA_OPEN open cases"
  "$DATA" sla --root "$WORK/sla" --open "$SLA_OPEN" --due 1000 --sweeps "$REPEAT" --probes 100 --results "$OUT" --json "$RESULTS/sla.json" >/dev/null
fi

{
  echo "## Targets"
  echo
} >>"$OUT"
"$LOADGEN" targets --dir "$RESULTS" --markdown "$OUT" >/dev/null
echo >>"$OUT"
echo "- suite took $(( ($(date +%s) - SUITE_START) / 60 )) min $(( ($(date +%s) - SUITE_START) % 60 )) s; load average at the end: $(load)" >>"$OUT"

mkdir -p "$BENCH/results"
cp "$OUT" "$BENCH/results/latest.md"
rm -f "$BENCH/results"/*.json
cp "$RESULTS"/*.json "$BENCH/results/" 2>/dev/null || true
log "done: $BENCH/results/latest.md (logs and data in $WORK)"
