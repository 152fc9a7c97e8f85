# Shared steps of the libFuzzer scripts (sourced by run_*_fuzz.sh, which set src, build, secs and flags).

skip() { echo "skipped: $*"; exit 77; }

# cxx: a clang++ that can link libFuzzer, or skip (exit 77).
find_fuzz_compiler() {
    cxx=$(command -v clang++-14 || command -v clang++ || true)
    [ -n "$cxx" ] || skip "clang++ not installed (apt-get install clang-14)"
    probe=$(mktemp /tmp/spikekit_fuzz_probe.XXXXXX)
    echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' > "$probe.cpp"
    if ! "$cxx" -fsanitize=fuzzer "$probe.cpp" -o "$probe.bin" 2>/dev/null; then
        rm -f "$probe" "$probe.cpp" "$probe.bin"
        skip "libFuzzer runtime not found (apt-get install libclang-rt-14-dev)"
    fi
    rm -f "$probe" "$probe.cpp" "$probe.bin"
}

# objs: the library sources named in $1 compiled for fuzzing: NAME is events/src/NAME.cpp, MODULE/NAME is
# MODULE/src/NAME.cpp, and a path with /src/ in it (core/src/units) is that file under the source tree;
# rebuilt when the source or the newest header ($2) is newer than the object.
compile_objects() {
    mkdir -p "$build/obj" "$build/findings"
    objs=""
    for s in $1; do
        case "$s" in */src/*) c="$src/$s.cpp" ;; */*) c="$src/${s%%/*}/src/${s#*/}.cpp" ;; *) c="$src/events/src/$s.cpp" ;; esac
        o="$build/obj/$(echo "$s" | tr / _).o"
        if [ ! -f "$o" ] || [ "$c" -nt "$o" ] || [ "$2" -nt "$o" ]; then
            "$cxx" $flags -fsanitize=fuzzer-no-link,address,undefined -c "$c" -o "$o"
        fi
        objs="$objs $o"
    done
}

# Runs target binary $2 for $secs seconds on corpus directory $3; $1 names it. Sets status=1 on a finding.
fuzz_one() {
    echo "== fuzzing $1 for ${secs}s"
    if ! UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$2" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
            -artifact_prefix="$build/findings/$1-" -print_final_stats=1 "$3" 2>"$build/$1.log"; then
        echo "FINDING in $1: see $build/$1.log and $build/findings/"
        tail -40 "$build/$1.log"
        status=1
    else
        grep -E "stat::number_of_executed_units|Done" "$build/$1.log" | head -2
    fi
}
