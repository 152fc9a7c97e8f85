// libFuzzer target: WFDB signal decoding. Input layout: byte 0 selects the format, byte 1 the number of
// signals (1..8), bytes 2-3 the number of frames (big-endian, may claim more than the data holds), then the
// signal data. Decoding either fills exactly frames x signals samples or throws input_error.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "spikekit/core/error.hpp"
#include "spikekit/events/wfdb.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    constexpr std::array<int, 11> formats = {8, 16, 24, 32, 61, 80, 160, 212, 310, 311, 999};
    if (size < 4) return 0;
    const int format = formats[data[0] % formats.size()];
    const std::size_t nsig = 1 + data[1] % 8;
    const std::size_t frames = (std::size_t{data[2]} << 8) | data[3];
    const std::vector<std::int32_t> initial(nsig, 7);
    std::vector<std::int32_t> out(frames * nsig);
    try {
        spikekit::events::decode_wfdb_samples(format, std::span(data + 4, size - 4), nsig, frames, out.data(),
                                              nsig, initial, "fuzz.dat");
    } catch (const spikekit::input_error&) {
    }
    return 0;
}
