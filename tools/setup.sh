#!/usr/bin/env bash
# spikekit set-up on Debian 12, as root.
#   tools/setup.sh demo   install what is missing, build (Release), run examples/coba.json
#   tools/setup.sh test   install what is missing, build, run every test (Release with -Werror, then
#                         again under AddressSanitizer + UndefinedBehaviorSanitizer)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake make g++ pkg-config libeigen3-dev libtbb-dev libhdf5-dev nlohmann-json3-dev doctest-dev
          liblz4-dev clang libclang-rt-14-dev libonnx-dev libprotobuf-dev protobuf-compiler
          gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm dataset-fashion-mnist)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs=$(nproc)
build() { # build DIR [cmake options...]
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
}

case "${1:-}" in
  demo)
    build build -DSPIKEKIT_NATIVE=ON
    ./build/bin/spikekit run examples/coba.json --out coba.h5
    ;;
  test)
    build build -DSPIKEKIT_WERROR=ON
    (cd build && ctest --output-on-failure -j"$jobs")
    # The sanitizer pass builds the library, the CLI and the tests (no benchmark programs) at -O1 -g1, as
    # AddressSanitizer's documentation advises: about 4x faster to compile than -O2 -g on 2 cores.
    build build-asan -DSPIKEKIT_WERROR=ON -DSPIKEKIT_SANITIZE=ON -DSPIKEKIT_BENCH=OFF \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
      -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG"
    (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j"$jobs")
    ;;
  *)
    echo "usage: tools/setup.sh demo|test" >&2
    exit 2
    ;;
esac
