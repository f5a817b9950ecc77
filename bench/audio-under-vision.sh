#!/usr/bin/env bash
# Are the audio and vision executors really separate? For docs/benchmarks.md: speech_stopped latency
# of SESSIONS real-time /ws/audio sessions, first alone, then while a saturating photo load runs
# (bench/vision-load.js with CONCURRENCY clients, more than vision workers + queue).
# Usage: bench/audio-under-vision.sh SESSIONS CONCURRENCY [BACKOFF_MS]   (after ./mvnw package and npm install)
# BACKOFF_MS: photo clients' wait after a 503 (default: honour Retry-After).
set -euo pipefail
cd "$(dirname "$0")/.."
sessions="${1:-50}"; conc="${2:-8}"; backoff=("${@:3}")
shared="${LMA_SHARED_DIR:-../shared}"
# JAVA_OPTS: extra JVM/config options for the service, e.g. "-Dlma.vision.nice=0"
java ${JAVA_OPTS:-} -Dquarkus.http.port=8078 -jar target/quarkus-app/quarkus-run.jar > target/audio-under-vision-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf -o /dev/null http://127.0.0.1:8078/q/health/ready && break; sleep 0.5; done
# warm-up of both paths (discarded)
node bench/ws-load.js ws://127.0.0.1:8078/ws/audio "$shared/audio/silero-test.wav" "$sessions" 10 > /dev/null
node bench/vision-load.js http://127.0.0.1:8078 "$shared/images/dog.jpg" "$conc" 10 > /dev/null
echo "audio alone:"
node bench/ws-load.js ws://127.0.0.1:8078/ws/audio "$shared/audio/silero-test.wav" "$sessions" 30
echo "audio with vision saturated:"
node bench/vision-load.js http://127.0.0.1:8078 "$shared/images/dog.jpg" "$conc" 34 "${backoff[@]}" &
vision=$!
sleep 2
node bench/ws-load.js ws://127.0.0.1:8078/ws/audio "$shared/audio/silero-test.wav" "$sessions" 30
wait $vision
echo "vision alone:"
node bench/vision-load.js http://127.0.0.1:8078 "$shared/images/dog.jpg" "$conc" 20 "${backoff[@]}"
