#!/usr/bin/env bash
# Memory soak for docs/benchmarks.md: one JVM, several rounds of real-time /ws/audio load with the
# random-weight Whisper fixture transcribing every utterance; prints the resident memory (VmRSS)
# and the heap in use after each round (a round: SESSIONS sessions streaming 60 s, then 3 s quiet). Usage: bench/soak.sh "JAVA_OPTS" ROUNDS SESSIONS   (after ./mvnw package
# -DskipTests, a test run that generated target/whisper-fixtures, and npm install in bench/)
set -euo pipefail
cd "$(dirname "$0")/.."
opts="$1"; rounds="${2:-5}"; sessions="${3:-40}"
wav="${LMA_SHARED_DIR:-../shared}/audio/silero-test.wav"
data=$(mktemp -d)
# shellcheck disable=SC2086
java $opts -Dquarkus.http.port=8078 -Dlma.session.data-dir="$data" -Dlma.asr.model=v2-merged \
  -Dlma.models.mirrors="${LMA_SHARED_DIR:-../shared}/models,target/whisper-fixtures" \
  -jar target/quarkus-app/quarkus-run.jar > target/soak-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$data"' EXIT
until curl -sf -o /dev/null http://127.0.0.1:8078/q/health/ready; do sleep 0.5; done
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' /proc/$server/status; }
ok() { curl -s http://127.0.0.1:8078/q/metrics | awk '/^lma_asr_requests_total\{outcome="ok"\}/ {printf "%.0f", $2}'; }
heap() { curl -s http://127.0.0.1:8078/q/metrics | awk '/^jvm_memory_used_bytes\{area="heap"/ {s += $NF} END {printf "%.0f", s / 1048576}'; }
echo "{\"round\":0,\"rss_mb\":$(rss),\"heap_mb\":$(heap)}"
for r in $(seq 1 "$rounds"); do
  node bench/ws-load.js ws://127.0.0.1:8078/ws/audio "$wav" "$sessions" 60 > /dev/null 2>>target/soak-client.log
  sleep 3
  echo "{\"round\":$r,\"rss_mb\":$(rss),\"heap_mb\":$(heap),\"asr_ok_total\":$(ok)}"
done
# at rest: no session for a minute
sleep 60
echo "{\"at_rest_after_s\":60,\"rss_mb\":$(rss),\"heap_mb\":$(heap)}"
