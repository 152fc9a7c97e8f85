#!/bin/sh
# Builds one libFuzzer target per event-camera parser with clang (-fsanitize=fuzzer,address,undefined)
# straight from the sources and runs each for a few seconds on a seed corpus of the real sample files,
# copied at run time from ../shared/data into a temporary directory (never into the repository).
#
#   run_camera_fuzz.sh SOURCE_DIR SHARED_DIR BUILD_DIR [SECONDS]
#
# Exit 0: no finding. Exit 77 (CTest: skipped): clang, libFuzzer (libclang-rt-14-dev), liblz4, HDF5 or the
# shared data are missing. Anything else: a finding (the crashing input is kept in BUILD_DIR/findings).
set -eu
src=$1 shared=$2 build=$3 secs=${4:-5}
. "$src/tests/fuzz/fuzz_common.sh"
find_fuzz_compiler
[ -d "$shared/data/events" ] || skip "shared sample files not found in $shared/data/events"
hdf5_inc=$(pkg-config --cflags-only-I hdf5 2>/dev/null || echo -I/usr/include/hdf5/serial)
hdf5_lib=$(pkg-config --libs hdf5 2>/dev/null || echo -lhdf5_serial)
[ -f /usr/include/lz4frame.h ] || skip "liblz4-dev not installed"

# The parsers: everything the reader needs (HDF5 is parsed by libhdf5 itself, so it has no target here).
lib="camera_reader camera_prophesee_header evt2_decoder evt3_decoder dat_decoder nmnist_decoder aedat2_decoder
     aedat31_decoder aedat4_decoder camera_hdf5 io/h5"
formats="nmnist evt2 evt3 dat aedat2 aedat31 aedat4"
flags="-std=c++20 -O1 -g -fno-omit-frame-pointer -I$src/events/include -I$src/events/src -I$src/core/include -I$src/io/include $hdf5_inc"
# Rebuild an object when its source or any header is newer (headers change rarely; be conservative).
compile_objects "$lib" "$(ls -t "$src"/events/src/*.hpp "$src"/events/include/spikekit/events/*.hpp \
                            "$src"/io/include/spikekit/io/*.hpp | head -1)"

corpus=$(mktemp -d /tmp/spikekit_fuzz_corpus.XXXXXX)
trap 'rm -rf "$corpus"' EXIT
# Seeds: real files cut to 16 KiB (longer inputs only slow the fuzzer down).
seed() { mkdir -p "$corpus/$1"; head -c 16384 "$shared/data/events/$2" > "$corpus/$1/$(basename "$2")"; }
seed nmnist tonic/sample_nmnist.bin; seed nmnist nmnist_small/1.bs2
seed evt2 prophesee/evt2_sample.raw
seed evt3 prophesee/evt3_sample.raw
seed dat tonic/sample_ncars.dat
seed aedat2 davis240c/IMU_translBoxes.aedat; seed aedat2 tonic/sample_aedat_header.aedat
seed aedat4 tonic/sample.aedat4
# AEDAT 3.1: no real file exists; a header and one polarity packet of two events, built here.
mkdir -p "$corpus/aedat31"
{
    printf '#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: DVS128\r\n#!END-HEADER\r\n'
    printf '\001\000\001\000\010\000\000\000\004\000\000\000\000\000\000\000\002\000\000\000\002\000\000\000\002\000\000\000'
    printf '\007\000\012\000\005\000\000\000\005\000\024\000\006\000\000\000'
} > "$corpus/aedat31/seed.aedat"

status=0
for f in $formats; do
    bin="$build/camera_fuzz_$f"
    if [ ! -f "$bin" ] || [ -n "$(find $objs "$src/tests/fuzz/camera_fuzz_reader.cpp" -newer "$bin" 2>/dev/null)" ]; then
        "$cxx" $flags -fsanitize=fuzzer,address,undefined -DSPIKEKIT_FUZZ_FORMAT="$f" "$src/tests/fuzz/camera_fuzz_reader.cpp" \
            $objs $hdf5_lib -llz4 -lz -o "$bin"
    fi
    fuzz_one "$f" "$bin" "$corpus/$f"
done
exit $status
