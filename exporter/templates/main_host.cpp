// Host build of the exported model: replays the model's own inputs, or with --stdin the events given as
// lines "STEP CHANNEL" (in step order), and prints the output spikes (see replay.hpp).
//   snn_host [--stdin] [--steps N]
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "replay.hpp"

extern "C" void spikekit_measure_begin(void) {}
extern "C" void spikekit_measure_end(void) {}
extern "C" void spikekit_step_done(void) {}

namespace {
app::storage state;
void write_stdout(const char* s) {
    std::fputs(s, stdout);
}
} // namespace

int main(int argc, char** argv) {
    bool from_stdin = false;
    std::uint32_t steps = model::steps;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--stdin")) {
            from_stdin = true;
        } else if (!std::strcmp(argv[i], "--steps") && i + 1 < argc) {
            steps = static_cast<std::uint32_t>(std::strtoul(argv[++i], nullptr, 10));
        } else {
            std::fprintf(stderr, "usage: %s [--stdin] [--steps N]\n", argv[0]);
            return 2;
        }
    }
    std::uint32_t next = 0;
    auto embedded = [&](spikekit::runtime::input_event& e) {
        if (next >= model::n_events) return false;
        e = model::events[next++];
        return true;
    };
    auto from_input = [&](spikekit::runtime::input_event& e) {
        unsigned long step = 0, channel = 0;
        if (std::scanf("%lu %lu", &step, &channel) != 2) return false;
        e = {static_cast<std::uint32_t>(step), static_cast<std::uint32_t>(channel)};
        return true;
    };
    const int rc = from_stdin ? app::replay(state, steps, from_input, write_stdout)
                              : app::replay(state, steps, embedded, write_stdout);
    return std::fflush(stdout) == 0 ? rc : 1;
}
