#!/bin/sh
# Builds the libFuzzer target of the checkpoint reader (checkpoint_fuzz.cpp) with clang
# (-fsanitize=fuzzer,address,undefined) from the io, core and neurons sources and runs it a few seconds on a
# small seed corpus of patch lists written here (no data files needed).
#
#   run_checkpoint_fuzz.sh SOURCE_DIR BUILD_DIR [SECONDS]
#
# Exit 0: no finding. Exit 77 (CTest: skipped): clang, libFuzzer (libclang-rt-14-dev), HDF5 or oneTBB missing.
# Anything else: a finding (the crashing input is kept in BUILD_DIR/findings).
set -eu
src=$1 build=$2 secs=${3:-5}
. "$src/tests/fuzz/fuzz_common.sh"
find_fuzz_compiler
hdf5_inc=$(pkg-config --cflags-only-I hdf5 2>/dev/null || echo -I/usr/include/hdf5/serial)
hdf5_lib=$(pkg-config --libs hdf5 2>/dev/null || echo -lhdf5_serial)
[ -f /usr/include/tbb/tbb.h ] || [ -f /usr/include/oneapi/tbb.h ] || skip "oneTBB (libtbb-dev) not installed"

# Every source of the three libraries the reader needs (MODULE/NAME, see compile_objects).
lib=$(cd "$src" && ls io/src/*.cpp core/src/*.cpp neurons/src/*.cpp | sed 's|/src/|/|; s|\.cpp$||')
inc=""
for m in arith io core neurons learning; do inc="$inc -I$src/$m/include"; done
flags="-std=c++20 -O1 -g -fno-omit-frame-pointer $inc -I$src/core/src -I$src/neurons/src $hdf5_inc"
compile_objects "$lib" "$(ls -t "$src"/io/include/spikekit/io/*.hpp "$src"/core/include/spikekit/core/*.hpp \
                            "$src"/core/src/*.hpp "$src"/neurons/src/*.hpp "$src"/arith/include/spikekit/arith/*.hpp | head -1)"

corpus=$(mktemp -d /tmp/spikekit_checkpoint_fuzz_corpus.XXXXXX)
trap 'rm -rf "$corpus"' EXIT
# Seeds: no patch (both layouts), and a few patches of the step, a membrane and a recorded id.
printf '\000' > "$corpus/none-v2"
printf '\001' > "$corpus/none-v1"
printf '\000\003\000\000\000\377' > "$corpus/patch-a"
printf '\000\010\004\000\000\177\014\001\000\000\000\360' > "$corpus/patch-b"
printf '\001\005\007\000\000\200\020\002\000\000\000\377' > "$corpus/patch-c"

bin="$build/checkpoint_fuzz"
if [ ! -f "$bin" ] || [ -n "$(find $objs "$src/tests/fuzz/checkpoint_fuzz.cpp" "$src/tests/support/checkpoint_rewrite.hpp" -newer "$bin" 2>/dev/null)" ]; then
    "$cxx" $flags -fsanitize=fuzzer,address,undefined "$src/tests/fuzz/checkpoint_fuzz.cpp" $objs $hdf5_lib -ltbb -lz \
        -o "$bin"
fi
status=0
fuzz_one checkpoint "$bin" "$corpus"
exit $status
