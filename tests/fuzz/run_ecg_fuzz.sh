#!/bin/sh
# Builds one libFuzzer target per WFDB parser (.hea header, .dat sample decoding, .atr annotations) with clang
# (-fsanitize=fuzzer,address,undefined) straight from the sources and runs each a few seconds on a seed corpus
# of real MIT-BIH files, copied at run time from ../shared/data into a temporary directory.
#
#   run_ecg_fuzz.sh SOURCE_DIR SHARED_DIR BUILD_DIR [SECONDS]
#
# Exit 0: no finding. Exit 77 (CTest: skipped): clang, libFuzzer (libclang-rt-14-dev) or the shared data are
# missing. Anything else: a finding (the crashing input is kept in BUILD_DIR/findings).
set -eu
src=$1 shared=$2 build=$3 secs=${4:-5}
. "$src/tests/fuzz/fuzz_common.sh"
find_fuzz_compiler
[ -d "$shared/data/mitdb" ] || skip "MIT-BIH records not found in $shared/data/mitdb"

lib="wfdb_header wfdb_signal wfdb_annotations"
flags="-std=c++20 -O1 -g -fno-omit-frame-pointer -I$src/events/include -I$src/events/src -I$src/core/include -I$src/io/include"
compile_objects "$lib" "$(ls -t "$src"/events/src/wfdb_*.hpp "$src"/events/include/spikekit/events/wfdb.hpp \
                            "$src"/io/include/spikekit/io/error.hpp | head -1)"

corpus=$(mktemp -d /tmp/spikekit_ecg_fuzz_corpus.XXXXXX)
trap 'rm -rf "$corpus"' EXIT
mkdir -p "$corpus/hea" "$corpus/atr" "$corpus/dat"
cp "$shared"/data/mitdb/*.hea "$corpus/hea/"
cp "$shared"/data/mitdb/1*.atr "$corpus/atr/"
[ -d "$shared/data/mitdb_small" ] && cp "$shared"/data/mitdb_small/*.atr "$corpus/atr/"
# .dat seeds: the 4-byte selector of ecg_fuzz_dat.cpp (format index 7 = 212, 2 signals, 600 frames) followed by
# the first 900 bytes of real records, plus the same bytes read as format 16 (index 1) and 310 (index 8).
for r in 100 119 208; do
    for sel in '\007\001\002\130' '\001\001\001\054' '\010\002\000\310'; do
        { printf "$sel"; head -c 900 "$shared/data/mitdb/$r.dat"; } > "$corpus/dat/$r-$(printf "$sel" | od -An -tx1 | tr -d ' \n')"
    done
done

status=0
for t in hea dat atr; do
    bin="$build/ecg_fuzz_$t"
    if [ ! -f "$bin" ] || [ -n "$(find $objs "$src/tests/fuzz/ecg_fuzz_$t.cpp" -newer "$bin" 2>/dev/null)" ]; then
        "$cxx" $flags -fsanitize=fuzzer,address,undefined "$src/tests/fuzz/ecg_fuzz_$t.cpp" $objs -o "$bin"
    fi
    fuzz_one "$t" "$bin" "$corpus/$t"
done
exit $status
