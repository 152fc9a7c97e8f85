#!/bin/sh
# Builds the libFuzzer target of the JSON config parser (tests/fuzz/config_fuzz.cpp: parse, validate, estimate
# the memory, write back and parse again) with clang (-fsanitize=fuzzer,address,undefined) straight from the
# core and neurons sources, and runs it for a few seconds on a seed corpus of the example configs.
#
#   run_config_fuzz.sh SOURCE_DIR BUILD_DIR [SECONDS]
#
# Exit 0: no finding. Exit 77 (CTest: skipped): clang or libFuzzer (libclang-rt-14-dev) missing. Anything
# else: a finding (the crashing input is kept in BUILD_DIR/findings).
set -eu
src=$1 build=$2 secs=${3:-5}
. "$src/tests/fuzz/fuzz_common.sh"
find_fuzz_compiler

lib="io/src/json_reader core/src/units core/src/params core/src/config_parse core/src/config_write
     core/src/config_reward core/src/validate core/src/memory core/src/lowering core/src/connectivity io/src/h5"
for n in "$src"/neurons/src/*.cpp; do lib="$lib neurons/src/$(basename "$n" .cpp)"; done
hdf5_inc=$(pkg-config --cflags-only-I hdf5 2>/dev/null || echo -I/usr/include/hdf5/serial)
hdf5_lib=$(pkg-config --libs hdf5 2>/dev/null || echo -lhdf5_serial)
flags="-std=c++20 -O1 -g -fno-omit-frame-pointer -I$src/io/include -I$src/arith/include -I$src/core/include
       -I$src/core/src -I$src/neurons/include -I$src/neurons/src $hdf5_inc"
compile_objects "$lib" "$(ls -t "$src"/io/include/spikekit/io/*.hpp "$src"/core/include/spikekit/core/*.hpp "$src"/core/src/*.hpp \
                            "$src"/neurons/include/spikekit/neurons/*.hpp | head -1)"

corpus=$(mktemp -d /tmp/spikekit_config_fuzz_corpus.XXXXXX)
trap 'rm -rf "$corpus"' EXIT
cp "$src"/examples/*.json "$corpus/"

bin="$build/config_fuzz"
if [ ! -f "$bin" ] || [ -n "$(find $objs "$src/tests/fuzz/config_fuzz.cpp" -newer "$bin" 2>/dev/null)" ]; then
    "$cxx" $flags -fsanitize=fuzzer,address,undefined "$src/tests/fuzz/config_fuzz.cpp" $objs $hdf5_lib -ltbb -lz -o "$bin"
fi
status=0
fuzz_one config "$bin" "$corpus"
exit $status
