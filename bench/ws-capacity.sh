#!/usr/bin/env bash
# Concurrent real-time /ws/audio sessions vs speech_stopped latency, for docs/benchmarks.md.
# Starts the packaged service with the given JVM options, runs bench/ws-load.js at each session
# count (a separate Node process on loopback), prints one JSON line per count, stops the service.
# Usage: bench/ws-capacity.sh "JAVA_OPTS" COUNT...   (after ./mvnw package -DskipTests and
# npm install in bench/)
set -euo pipefail
cd "$(dirname "$0")/.."
opts="$1"; shift
wav="${LMA_SHARED_DIR:-../shared}/audio/silero-test.wav"
# a service from an earlier run may still be draining: wait for the port
for _ in $(seq 1 60); do
  curl -s -o /dev/null http://127.0.0.1:8077/q/health/live || break
  sleep 0.5
done
# shellcheck disable=SC2086
java $opts -Dlma.audio.max-sessions=5000 -Dquarkus.http.port=8077 -jar target/quarkus-app/quarkus-run.jar \
  > target/ws-capacity-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null && wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -sf -o /dev/null http://127.0.0.1:8077/q/health/ready && break
  sleep 0.5
done
# Warm-up (discarded): JIT compilation would otherwise land in the first measured count.
node bench/ws-load.js ws://127.0.0.1:8077/ws/audio "$wav" 200 20 > /dev/null 2>>target/ws-capacity-client.log
for n in "$@"; do
  node bench/ws-load.js ws://127.0.0.1:8077/ws/audio "$wav" "$n" 30 2>>target/ws-capacity-client.log
done
