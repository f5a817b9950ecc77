#!/usr/bin/env bash
# The embedded LLM's /v1/chat/completions against llama.cpp's own llama-server on the same GGUF:
# time to first token, prompt tokens/s, answer tokens/s (bench/llm-ttft.js, alternating rounds).
# Usage: bench/llm-vs-llama-server.sh GGUF ROUNDS PROMPT_WORDS TARGET...
#   TARGET: NAME=service:JAVA_OPTS (the packaged service, after ./mvnw package -DskipTests)
#           NAME=llama-server:BINARY (a llama-server built from llama.cpp's sources)
# e.g. bench/llm-vs-llama-server.sh /tmp/q05.gguf 5 100 bundled=service: \
#        native=service:-Dlma.llm.library=target/jllama server=llama-server:/tmp/llama.cpp/build/bin/llama-server
# All get the same threads (LMA_BENCH_THREADS, default 2), context (4096) and one slot; they are
# started together and idle while another one answers.
set -euo pipefail
cd "$(dirname "$0")/.."
gguf="$1"; rounds="$2"; words="$3"; shift 3
threads="${LMA_BENCH_THREADS:-2}"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null || true' EXIT
port=8078
urls=()
for target in "$@"; do
  name="${target%%=*}"; spec="${target#*=}"; kind="${spec%%:*}"; arg="${spec#*:}"
  if [ "$kind" = service ]; then
    # shellcheck disable=SC2086
    java $arg -Dquarkus.http.port=$port -Dlma.llm.model="$gguf" -Dlma.llm.threads="$threads" \
      -Dlma.llm.context-size=4096 -Dlma.asr.model=none -Dlma.speakers.enabled=false \
      -Dlma.session.data-dir="target/llm-bench-data-$name" \
      -jar target/quarkus-app/quarkus-run.jar > "target/llm-bench-$name.log" 2>&1 &
    health=/q/health/ready
  else
    "$arg" -m "$gguf" -t "$threads" -tb "$threads" -c 4096 -np 1 --port $port > "target/llm-bench-$name.log" 2>&1 &
    health=/health
  fi
  pids+=($!)
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null "http://127.0.0.1:$port$health" && break
    sleep 0.5
  done
  urls+=("$name=http://127.0.0.1:$port")
  port=$((port + 1))
done
node bench/llm-ttft.js "$rounds" "$words" 64 "${urls[@]}"
