#include "spikekit/core/output.hpp"

#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/io/h5.hpp"

namespace spikekit {

void write_results_hdf5(const std::string& path, const simulation& sim) {
    const auto weights = sim.plastic_weights();
    write_results_hdf5(path, run_results{sim.description(), sim.dt_ms(), sim.time_ms(), sim.spikes(),
                                         sim.traces(), weights});
}

void write_results_hdf5(const std::string& path, const run_results& res) {
    write_atomically(path, [&](const std::string& tmp) {
        io::h5::writer w(tmp);
        const double dt = res.dt_ms;
        w.group("/spikes");
        for (const auto& r : res.spikes) {
            const std::string g = "/spikes/" + r.population;
            std::vector<double> ts(r.steps.size());
            for (std::size_t i = 0; i < ts.size(); ++i) ts[i] = static_cast<double>(r.steps[i] + 1) * dt;
            std::vector<std::uint64_t> ids(r.node_ids.begin(), r.node_ids.end());
            w.write(g + "/timestamps", ts);
            w.write(g + "/node_ids", ids);
            w.attr(g, "sorting", "by_time");
            w.attr(g + "/timestamps", "units", "ms");
        }
        for (const auto& t : res.traces) {
            const std::string g = "/report/" + t.population + "/" + t.variable;
            const std::size_t n = t.node_ids.size();
            const std::size_t samples = n ? t.values.size() / n : 0;
            w.write(g + "/data", t.values, {static_cast<hsize_t>(samples), static_cast<hsize_t>(n)});
            w.attr(g + "/data", "units", t.unit);
            w.write(g + "/mapping/node_ids",
                    std::vector<std::uint64_t>(t.node_ids.begin(), t.node_ids.end()));
            const double start = static_cast<double>(t.first_step) * dt;
            const double step = static_cast<double>(t.interval_steps) * dt;
            w.write(g + "/mapping/time",
                    std::vector<double>{start, start + static_cast<double>(samples) * step, step});
        }
        // Learned weights, in the form a config reads back as a projection's initial state:
        // "connectivity": {"rule": "hdf5", "file": F, "sources_dataset": "/weights/P/source",
        // "targets_dataset":
        // "/weights/P/target"}, "weight": {"hdf5": {"file": F, "dataset": "/weights/P/weight"}} (same for
        // delay).
        for (const auto& pw : res.weights) {
            const std::string g = "/weights/" + pw.projection;
            w.write(g + "/source", pw.source);
            w.write(g + "/target", pw.target);
            w.write(g + "/weight", pw.weight);
            w.write(g + "/delay", pw.delay_ms);
            w.attr(g + "/delay", "units", "ms");
        }
        w.group("/spikekit");
        w.attr("/spikekit", "version", "0.1.0");
        // A dataset, not an attribute: attributes stop at 64 KB, a converted network's config does not.
        w.write_string("/spikekit/config", to_json(res.description));
        w.attr("/spikekit", "dt", dt);
        w.attr("/spikekit", "t_stop", res.t_stop_ms);
        w.attr("/spikekit", "seed", static_cast<double>(res.description.sim.seed));
        w.close();
    });
}

std::string results_config(const std::string& path) {
    const io::h5::reader r(path);
    return r.has("/spikekit/config") ? r.read_string("/spikekit/config")
                                     : r.read_string_attr("/spikekit", "config");
}

} // namespace spikekit
