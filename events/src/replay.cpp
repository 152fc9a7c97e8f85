#include "spikekit/events/replay.hpp"

#include "spikekit/core/error.hpp"
#include "spikekit/events/camera_replay.hpp"
#include "spikekit/events/ecg.hpp"

namespace spikekit::events {

void resolve_replays(network_description& d) {
    for (std::size_t k = 0; k < d.populations.size(); ++k) {
        auto& p = d.populations[k];
        if (!p.replay) continue;
        const std::string where = "populations[" + std::to_string(k) + "].replay";
        const auto& r = *p.replay;
        if (r.kind == "events")
            p.spike_times = camera_replay_spike_times(r.file, r.options, p.size, where);
        else if (r.kind == "ecg")
            p.spike_times = ecg_replay_spike_times(r.file, r.options, p.size, where);
        else
            throw input_error(d.source_file, where + ".kind", "unknown replay kind '" + r.kind + "' (expected events or ecg)");
    }
}

} // namespace spikekit::events
