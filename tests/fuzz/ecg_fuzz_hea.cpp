// libFuzzer target: the WFDB header (.hea) parser. Any input either parses or throws input_error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "spikekit/core/error.hpp"
#include "spikekit/events/wfdb.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto h = spikekit::events::parse_wfdb_header(
            std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.hea");
        // Exercise what a reader does next with the parsed fields.
        for (const auto& s : h.signals) (void)spikekit::events::wfdb_bytes_for(s.format, 3);
    } catch (const spikekit::input_error&) {
    }
    return 0;
}
