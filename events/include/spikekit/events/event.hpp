#pragma once
// Plain event types shared by every reader, writer and transform (CONVENTIONS.md #5).
#include <cstdint>

namespace spikekit::events {

// One event of an event camera: pixel, time in microseconds, polarity (1 = ON, 0 = OFF). 16 bytes.
struct dvs_event {
    std::int64_t t_us;
    std::uint16_t x, y;
    std::uint8_t p;
    std::uint8_t pad[3] = {0, 0, 0};
};
static_assert(sizeof(dvs_event) == 16);

// One sample of a sampled signal (ECG): time in microseconds, value in physical units (mV).
struct sample {
    std::int64_t t_us;
    float value;
};

} // namespace spikekit::events
