#!/usr/bin/env bash
# Silero VAD real-time factor on one core, for docs/benchmarks.md: the service's streaming VAD and a
# raw ONNX Runtime loop (VadBenchmark), and sherpa-onnx's Silero VAD (npm sherpa-onnx-node), on the
# same model file and the same 10 minutes of audio (silero-test.wav × 10), all pinned to core 0.
# Usage: bench/vad-rtf.sh   (after npm install in bench/)
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${LMA_SHARED_DIR:-../shared}"
taskset -c 0 node bench/vad-sherpa.js "$shared/models/silero-vad/silero_vad.onnx" "$shared/audio/silero-test.wav" 10
taskset -c 0 ./mvnw -B -q test -Dtest=VadBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dlma.vad.inference-threads=1 \
  | grep -E '^BENCH'
