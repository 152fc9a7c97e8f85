// Cortex-M build of the exported model (bare metal, semihosting output under QEMU): replays the model's
// own inputs and prints the output spikes (replay.hpp), then the measured stack high-water mark.
#include "replay.hpp"
#include "semihost.h"

// Marker functions: the instruction-counting QEMU plugin (tools/insncount.c) counts what runs between a
// call of the first and a call of the second; noinline and distinct, so each has its own address.
extern "C" __attribute__((noinline)) void spikekit_measure_begin(void) {
    __asm__ volatile("" ::: "memory");
}
extern "C" __attribute__((noinline)) void spikekit_measure_end(void) {
    __asm__ volatile("nop" ::: "memory");
}
// Called after each step: closes the step for the plugin's largest-step count.
extern "C" __attribute__((noinline)) void spikekit_step_done(void) {
    __asm__ volatile("nop\n\tnop" ::: "memory");
}

namespace {
app::storage state;
std::uint32_t next_event = 0;
bool embedded(spikekit::runtime::input_event& e) {
    if (next_event >= model::n_events) return false;
    e = model::events[next_event++];
    return true;
}
} // namespace

int main() {
    const int rc = app::replay(state, model::steps, embedded, sh_write);
    app::write_line(sh_write, "stack_bytes", board_stack_high_water());
    return rc;
}
