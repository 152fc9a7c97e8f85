// libFuzzer target: the MIT annotation (.atr) parser and the code tables applied to its output.
#include <cstddef>
#include <cstdint>
#include <span>

#include "spikekit/core/error.hpp"
#include "spikekit/events/wfdb.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace spikekit::events;
    try {
        const auto ann = parse_mit_annotations(std::span(data, size), "fuzz.atr");
        std::size_t beats = 0;
        for (const auto& a : ann) {
            beats += is_beat(a.code);
            (void)annotation_symbol(a.code);
            (void)aami_name(aami_of(a.code));
        }
        (void)beats;
    } catch (const spikekit::input_error&) {
    }
    return 0;
}
