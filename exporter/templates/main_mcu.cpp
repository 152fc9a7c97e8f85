// Cortex-M build of the exported model (bare metal, semihosting output under QEMU): replays the model's
// own inputs, or with the command line "--stdin" (qemu-system-arm ... -append --stdin) the events read from
// the semihosting console as lines "STEP CHANNEL" in step order, ended by "end" (or the end of the input);
// prints the output spikes (replay.hpp), then the measured stack high-water mark.
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
// The console, read in blocks: one character, or -1 at the end of the input.
struct console {
    int handle = -1;
    char buf[64];
    int len = 0, pos = 0;
    int get() {
        if (pos == len) {
            len = sh_read(handle, buf, sizeof buf);
            pos = 0;
            if (len <= 0) return len = 0, -1;
        }
        return static_cast<unsigned char>(buf[pos++]);
    }
} in;

// The next decimal number on the console; false at "end", at the end of the input or at anything else.
bool read_number(std::uint32_t& out) {
    int c = in.get();
    while (c == ' ' || c == '\t' || c == '\n' || c == '\r') c = in.get();
    if (c < '0' || c > '9') return false;
    std::uint32_t x = 0;
    for (; c >= '0' && c <= '9'; c = in.get()) x = x * 10u + static_cast<std::uint32_t>(c - '0');
    out = x;
    return true;
}
bool from_console(spikekit::runtime::input_event& e) {
    return read_number(e.step) && read_number(e.channel);
}
bool asked_for_stdin() {
    char line[128];
    if (sh_cmdline(line, sizeof line) < 0) return false;
    for (const char* p = line; *p; ++p) {
        const char* a = p;
        const char* b = "--stdin";
        while (*b && *a == *b) ++a, ++b;
        if (!*b && (*a == 0 || *a == ' ')) return true;
    }
    return false;
}
} // namespace

int main() {
    const bool from_stdin = asked_for_stdin();
    if (from_stdin) in.handle = sh_open_read("/dev/stdin");
    const int rc = from_stdin ? app::replay(state, model::steps, from_console, sh_write)
                              : app::replay(state, model::steps, embedded, sh_write);
    app::write_line(sh_write, "stack_bytes", board_stack_high_water());
    return rc;
}
