#pragma once
// Pictures of a run's output file (what `spikekit run` writes, core/output.hpp): a spike raster, population
// rates, membrane traces and weights, drawn with io::figure into PNG or SVG. Used by `spikekit plot` and
// `spikekit run --plot`.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spikekit::app {

struct plot_request {
    bool raster = false, rates = false;   // neither, nor traces or weights: raster and rates
    std::vector<std::string> traces;      // "POP[.VARIABLE][:IDS]", IDS such as 0,3,10-12
    std::vector<std::string> weights;     // projection names (their /weights/P datasets)
    std::optional<double> from_ms, to_ms; // time window (default: the whole run)
    double bin_ms = 0;                    // rate bins (0: about 100 bins over the window, at least dt)
};

// Draws the panels `req` asks for from the output file `h5` into `out` (.png or .svg, atomically) and
// returns what was drawn: {"output", "panels": [...], "spikes": N, "from_ms", "to_ms"}. Bad requests (no
// such population, variable, neuron or projection) are input_errors naming the file and what it holds.
nlohmann::json plot_results(const std::string& h5, const plot_request& req, const std::string& out);

} // namespace spikekit::app
