#!/usr/bin/env bash
# Gemini Live by voice, for docs/benchmarks.md: the packaged service with the random-weight Whisper
# fixture and the real tiny LLM (stories260K), a real-time spoken turn, TEXT and AUDIO answers
# alternating (bench/live-voice.js). Usage: bench/live-voice.sh "JAVA_OPTS" ROUNDS
# (after ./mvnw package -DskipTests, a test run that generated target/whisper-fixtures, npm install in bench/)
set -euo pipefail
cd "$(dirname "$0")/.."
opts="$1"; rounds="${2:-5}"
shared="${LMA_SHARED_DIR:-../shared}"
data=$(mktemp -d)
# shellcheck disable=SC2086
java $opts -Dquarkus.http.port=8077 -Dlma.session.data-dir="$data" -Dlma.asr.model=v2-merged -Dlma.speakers.enabled=false \
  -Dlma.llm.model="$shared/models/llm-stories260k/stories260K.gguf" \
  -Dlma.models.mirrors="$shared/models,target/whisper-fixtures" \
  -jar target/quarkus-app/quarkus-run.jar > target/live-voice-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null && wait $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 240); do
  curl -s http://127.0.0.1:8077/q/health/ready | tr -d ' \n' | grep -q '"name":"llm","status":"UP","data":{"state":"ready"' && break
  sleep 0.5
done
node bench/live-voice.js ws://127.0.0.1:8077/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent \
  "$shared/audio/jfk.wav" "$rounds"
