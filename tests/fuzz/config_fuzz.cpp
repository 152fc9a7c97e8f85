// libFuzzer target: the JSON config parser, through the whole path a config takes before a build: JSON text
// -> network description -> validation against the built-in models -> the memory estimate -> the canonical
// JSON written back and parsed again. Any input either gives a description or throws input_error; a
// description that validated must round-trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/memory.hpp"
#include "spikekit/neurons/models.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto models = spikekit::neurons::builtin_models();
    spikekit::network_description d;
    try {
        d = spikekit::parse_config(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json",
                                   models, "/nonexistent");
    } catch (const spikekit::input_error&) {
        return 0;
    }
    (void)spikekit::estimate_memory(d, models).total();
    const auto again =
        spikekit::parse_config(spikekit::to_json(d), "fuzz-roundtrip.json", models, "/nonexistent");
    if (!again.same_network(d)) std::abort(); // what was accepted must be written back losslessly
    return 0;
}
