#!/usr/bin/env bash
# Builds java-llama.cpp's native library (libjllama.so) for THIS machine, for the embedded LLM.
#
#   tools/build-jllama.sh [OUT_DIR] [--cuda] [-- extra CMake arguments]
#
# Why: the library inside the de.kherud:llama 4.2.0 jar is a portable build (AVX2 and FMA, no
# AVX-512, no VNNI). Reading a prompt is matrix arithmetic, so on a CPU with AVX-512/VNNI it runs at
# about half of what llama.cpp built for the CPU does (docs/benchmarks.md, "Embedded LLM: prompt
# speed"). Generation is bound by memory bandwidth and barely changes. --cuda builds the CUDA
# library the GPU offload needs (the jar has none).
#
# The sources are java-llama.cpp 4.2.0 (its JNI glue) and the llama.cpp release it was written
# against (b4916): the JNI glue calls llama.cpp's internal server code, so a newer llama.cpp does
# not build with it. Then start the service with the folder it prints:
#
#   java -Dde.kherud.llama.lib.path=OUT_DIR -jar target/quarkus-app/quarkus-run.jar
#   (or JAVA_TOOL_OPTIONS="-Dde.kherud.llama.lib.path=OUT_DIR" in a container)
#
# Needs git, CMake ≥ 3.14, a C++17 compiler (and the CUDA toolkit for --cuda) and the network, or
# local copies: JLLAMA_SRC (java-llama.cpp at v4.2.0), LLAMA_CPP_SRC (llama.cpp at b4916) and
# JSON_SRC (nlohmann/json v3.11.x) are used instead of cloning when set. A library built with
# -march=native runs only on CPUs with the same instruction sets: build it where it will run (or
# pass "-- -DGGML_NATIVE=OFF -DGGML_AVX512=ON ..." for a chosen set).
set -euo pipefail

OUT="${1:-$PWD/target/jllama}"
[ $# -gt 0 ] && shift
CUDA=OFF
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cuda) CUDA=ON ;;
    --) shift; EXTRA=("$@"); break ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

JLLAMA_TAG=v4.2.0
LLAMA_TAG=b4916
JSON_TAG=v3.11.3
WORK="$(mktemp -d "${TMPDIR:-/tmp}/jllama-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

fetch() { # name, env override, repository, tag
  local dir="$WORK/$1"
  if [ -n "$2" ]; then
    echo "using $1 from $2"
    cp -r "$2" "$dir"
  else
    echo "cloning $3 at $4"
    git clone -q --depth 1 --branch "$4" "$3" "$dir"
  fi
}

fetch java-llama.cpp "${JLLAMA_SRC:-}" https://github.com/kherud/java-llama.cpp "$JLLAMA_TAG"
fetch llama.cpp "${LLAMA_CPP_SRC:-}" https://github.com/ggml-org/llama.cpp "$LLAMA_TAG"
fetch json "${JSON_SRC:-}" https://github.com/nlohmann/json "$JSON_TAG"

case "$(uname -m)" in
  x86_64|amd64) ARCH=x86_64 ;;
  aarch64|arm64) ARCH=aarch64 ;;
  *) ARCH="$(uname -m)" ;;
esac
OS=Linux
[ "$(uname -s)" = Darwin ] && OS=Mac

cmake -S "$WORK/java-llama.cpp" -B "$WORK/build" -DCMAKE_BUILD_TYPE=Release \
  -DOS_NAME="$OS" -DOS_ARCH="$ARCH" \
  -DFETCHCONTENT_SOURCE_DIR_LLAMA.CPP="$WORK/llama.cpp" -DFETCHCONTENT_SOURCE_DIR_JSON="$WORK/json" \
  -DFETCHCONTENT_FULLY_DISCONNECTED=ON \
  -DGGML_NATIVE=ON -DGGML_CUDA="$CUDA" -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
  -DLLAMA_BUILD_SERVER=OFF -DLLAMA_CURL=OFF "${EXTRA[@]}"
cmake --build "$WORK/build" --config Release --target jllama -j "$(nproc 2>/dev/null || echo 2)"

LIB="$(find "$WORK/java-llama.cpp/src/main" -name 'libjllama.*' | head -n 1)"
[ -n "$LIB" ] || { echo "the build made no libjllama" >&2; exit 1; }
mkdir -p "$OUT"
cp "$LIB" "$OUT/"
# a shared libllama/libggml next to it, where the build made them shared
find "$(dirname "$LIB")" -maxdepth 1 -name 'lib*.so*' ! -name 'libjllama.*' -exec cp {} "$OUT/" \;
echo
echo "built $(ls "$OUT")"
echo "start the service with -Dde.kherud.llama.lib.path=$OUT"
