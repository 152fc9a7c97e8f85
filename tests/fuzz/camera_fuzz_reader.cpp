// libFuzzer target for one event-camera parser, chosen at compile time with -DSPIKEKIT_FUZZ_FORMAT=<name>
// (nmnist, evt2, evt3, dat, aedat2, aedat31, aedat4). Built and run by run_camera_fuzz.sh.
//
// The readers take paths (they stream files of any size), so each input is written to one scratch file and
// read back with the format forced: the header parsing and the decoder both see arbitrary bytes. The only
// acceptable outcomes are events or a spikekit::error; anything else (a crash, a sanitizer report, another
// exception escaping) is a finding.
#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>
#include <vector>

#include "spikekit/core/error.hpp"
#include "spikekit/events/reader.hpp"

#ifndef SPIKEKIT_FUZZ_FORMAT
#error "define SPIKEKIT_FUZZ_FORMAT"
#endif
#define SPIKEKIT_STR2(x) #x
#define SPIKEKIT_STR(x) SPIKEKIT_STR2(x)

namespace {

// The scratch file, removed when the process ends.
struct scratch_file {
    std::string path =
        "/tmp/spikekit_fuzz_" SPIKEKIT_STR(SPIKEKIT_FUZZ_FORMAT) "_" + std::to_string(::getpid());
    ~scratch_file() { std::remove(path.c_str()); }
};

const std::string& scratch() {
    static const scratch_file file;
    return file.path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::FILE* f = std::fopen(scratch().c_str(), "wb");
    if (!f) return 0;
    if (size > 0) std::fwrite(data, 1, size, f);
    std::fclose(f);
    spikekit::events::reader_options opt;
    opt.fmt = spikekit::events::format_from_name(SPIKEKIT_STR(SPIKEKIT_FUZZ_FORMAT));
    if (!opt.fmt) __builtin_trap();
    opt.allow_time_jumps = size > 0 && (data[size - 1] & 1); // exercise both checking modes
    try {
        spikekit::events::event_reader r(scratch(), opt);
        std::vector<spikekit::events::dvs_event> buf(1 +
                                                     size % 61); // odd chunk sizes exercise the staging path
        while (r.read(buf) > 0) {
        }
    } catch (const spikekit::error&) {
    }
    return 0;
}
