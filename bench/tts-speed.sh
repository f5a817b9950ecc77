#!/usr/bin/env bash
# Speech output speed, for docs/benchmarks.md: the packaged service's /v1/audio/speech (built-in
# voice, espeak-ng's library) against espeak-ng's command line on the same texts (bench/tts-speed.js).
# Usage: bench/tts-speed.sh "JAVA_OPTS" ROUNDS   (after ./mvnw package -DskipTests; needs espeak-ng)
set -euo pipefail
cd "$(dirname "$0")/.."
opts="$1"; rounds="${2:-5}"
# shellcheck disable=SC2086
java $opts -Dquarkus.http.port=8079 -Dlma.asr.model=none -Dlma.speakers.enabled=false \
  -Dlma.session.data-dir=target/tts-bench-data -jar target/quarkus-app/quarkus-run.jar > target/tts-bench-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null && wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  state=$(curl -s http://127.0.0.1:8079/v1/audio/voices | sed -n 's/.*"state":"\([a-z]*\)".*/\1/p' || true)
  [ "$state" = ready ] && break
  sleep 0.5
done
node bench/tts-speed.js http://127.0.0.1:8079 "$rounds"
