// spikekit plot: the run's output file read back (SONATA spikes, reports, learned weights; core/output.hpp)
// and drawn as panels of one io::figure.
#include "plot.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "spikekit/core/error.hpp"
#include "spikekit/core/output.hpp"
#include "spikekit/io/figure.hpp"
#include "spikekit/io/h5.hpp"

namespace spikekit::app {
namespace {

struct population {
    std::string name;
    std::size_t size = 0;
    std::vector<double> t;
    std::vector<std::uint64_t> id;
};

struct run_data {
    std::string path;
    nlohmann::json config;
    double dt = 0.1, t_stop = 0;
    std::vector<population> pops; // with recorded spikes, in the config's order
    std::vector<std::string> datasets;
};

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s.empty() ? "none" : s;
}

run_data load(const io::h5::reader& r) {
    run_data d;
    d.path = r.path();
    if (!r.has("/spikekit/config") && !r.has_attr("/spikekit", "config"))
        throw input_error(d.path, "/spikekit", "not an output of spikekit run (no /spikekit/config)");
    d.config = nlohmann::json::parse(results_config(d.path), nullptr, false);
    if (d.config.is_discarded()) throw input_error(d.path, "/spikekit/config", "is not valid JSON");
    d.dt = r.read_double_attr("/spikekit", "dt");
    d.t_stop = r.read_double_attr("/spikekit", "t_stop");
    d.datasets = r.datasets();
    for (const auto& p : d.config.value("populations", nlohmann::json::array())) {
        const std::string g = "/spikes/" + p.value("name", "");
        if (!r.has(g + "/timestamps")) continue;
        population pop{
            p.value("name", ""),
            p.value("size", std::size_t{0}),
            r.read_doubles(g + "/timestamps"),
            r.read<std::uint64_t>(g + "/node_ids"),
        };
        d.pops.push_back(std::move(pop));
    }
    return d;
}

struct window {
    double from, to;
};

// Spike raster: populations stacked bottom to top in the config's order, one colour each.
void raster(io::figure& fig, const run_data& d, window w, double plot_h, std::size_t& drawn) {
    auto& p = fig.add_panel();
    p.title = "spikes";
    p.height = 2;
    p.x.label = "time (ms)";
    p.y.label = d.pops.size() > 1 ? "neuron (populations stacked)" : "neuron";
    p.x.min = w.from, p.x.max = w.to;
    std::size_t total = 0;
    for (const auto& pop : d.pops) total += pop.size;
    p.y.min = 0, p.y.max = static_cast<double>(std::max<std::size_t>(total, 1));
    const double radius =
        std::clamp(0.5 * plot_h / static_cast<double>(std::max<std::size_t>(total, 1)), 0.6, 2.0);
    std::size_t offset = 0;
    for (const auto& pop : d.pops) {
        std::vector<double> xs, ys;
        for (std::size_t i = 0; i < pop.t.size(); ++i)
            if (pop.t[i] >= w.from && pop.t[i] <= w.to)
                xs.push_back(pop.t[i]), ys.push_back(static_cast<double>(offset + pop.id[i]) + 0.5);
        drawn += xs.size();
        p.points(std::move(xs), std::move(ys), pop.name + " (" + std::to_string(pop.size) + ")", {}, radius);
        offset += pop.size;
    }
}

// Population rates: spikes per neuron per second in bins of `bin` ms, drawn as steps.
void rates(io::figure& fig, const run_data& d, window w, double bin) {
    auto& p = fig.add_panel();
    p.title = "population rates (" + [&] {
        char b[32];
        std::snprintf(b, sizeof b, "%g", bin);
        return std::string(b);
    }() + " ms bins)";
    p.x.label = "time (ms)";
    p.y.label = "rate (Hz)";
    p.x.min = w.from, p.x.max = w.to;
    p.y.min = 0;
    const auto bins = static_cast<std::size_t>(std::ceil((w.to - w.from) / bin - 1e-9));
    for (const auto& pop : d.pops) {
        std::vector<double> counts(std::max<std::size_t>(bins, 1), 0.0), xs;
        for (double t : pop.t)
            if (t >= w.from && t < w.to)
                counts[std::min(counts.size() - 1, static_cast<std::size_t>((t - w.from) / bin))] += 1;
        for (std::size_t b = 0; b < counts.size(); ++b) {
            xs.push_back(w.from + static_cast<double>(b) * bin);
            counts[b] /= static_cast<double>(std::max<std::size_t>(pop.size, 1)) * bin * 1e-3;
        }
        xs.push_back(w.to), counts.push_back(counts.back());
        p.step(std::move(xs), std::move(counts), pop.name);
    }
}

// "0,3,10-12" -> {0, 3, 10, 11, 12}
std::vector<std::uint64_t> parse_ids(const std::string& s, const std::string& spec) {
    std::vector<std::uint64_t> ids;
    std::size_t at = 0;
    while (at <= s.size()) {
        const std::size_t end = std::min(s.find(',', at), s.size());
        const std::string part = s.substr(at, end - at);
        unsigned long long a = 0, b = 0;
        char dash = 0, extra = 0;
        const int n = std::sscanf(part.c_str(), "%llu%c%llu%c", &a, &dash, &b, &extra);
        if (n == 1 && part.find_first_not_of("0123456789") == std::string::npos)
            ids.push_back(a);
        else if (n == 3 && dash == '-' && b >= a && b - a < 100000)
            for (auto i = a; i <= b; ++i) ids.push_back(i);
        else
            throw input_error("--trace " + spec, "",
                              "expected neuron ids such as 0,3,10-12, got '" + part + "'");
        at = end + 1;
    }
    return ids;
}

// --trace POP[.VAR][:IDS]: the recorded variable of those neurons (default: the first five recorded).
void trace(io::figure& fig, const io::h5::reader& r, const run_data& d, const std::string& spec, window w) {
    const auto colon = spec.find(':');
    std::string pop = spec.substr(0, colon), var;
    if (const auto dot = pop.find('.'); dot != std::string::npos)
        var = pop.substr(dot + 1), pop = pop.substr(0, dot);
    std::vector<std::string> vars, recorded;
    for (const auto& ds : d.datasets) {
        if (ds.rfind("/report/", 0) != 0 || ds.size() < 13 || ds.compare(ds.size() - 5, 5, "/data") != 0)
            continue;
        const std::string rest = ds.substr(8, ds.size() - 13); // POP/VAR
        recorded.push_back(rest);
        if (rest.rfind(pop + "/", 0) == 0) vars.push_back(rest.substr(pop.size() + 1));
    }
    if (vars.empty())
        throw input_error(d.path, "--trace " + spec,
                          "no state of population '" + pop + "' was recorded; recorded: " + join(recorded) +
                              " (record it with \"record\": {\"state\": [...]} in the config)");
    if (var.empty()) var = vars.front();
    if (std::find(vars.begin(), vars.end(), var) == vars.end())
        throw input_error(d.path, "--trace " + spec,
                          "no variable '" + var + "' recorded for " + pop + "; recorded: " + join(vars));
    const std::string g = "/report/" + pop + "/" + var;
    const auto nodes = r.read<std::uint64_t>(g + "/mapping/node_ids");
    const auto time = r.read_doubles(g + "/mapping/time");
    const auto data = r.read_floats(g + "/data");
    const std::string unit = r.has_attr(g + "/data", "units") ? r.read_string_attr(g + "/data", "units") : "";
    std::vector<std::uint64_t> ids =
        colon == std::string::npos ? std::vector<std::uint64_t>{} : parse_ids(spec.substr(colon + 1), spec);
    if (ids.empty())
        for (std::size_t i = 0; i < nodes.size() && i < 5; ++i) ids.push_back(nodes[i]);
    auto& p = fig.add_panel();
    p.title = pop + "." + var;
    p.x.label = "time (ms)";
    p.y.label = var + (unit.empty() || unit == "1" ? "" : " (" + unit + ")");
    p.x.min = w.from, p.x.max = w.to;
    const std::size_t n = nodes.size(), samples = n ? data.size() / n : 0;
    for (auto id : ids) {
        const auto col = std::find(nodes.begin(), nodes.end(), id);
        if (col == nodes.end())
            throw input_error(d.path, "--trace " + spec,
                              "neuron " + std::to_string(id) + " of " + pop +
                                  " was not recorded; recorded: " + std::to_string(n) + " neurons from " +
                                  (n ? std::to_string(nodes.front()) : "-") + " to " +
                                  (n ? std::to_string(nodes.back()) : "-"));
        std::vector<double> xs, ys;
        const auto c = static_cast<std::size_t>(col - nodes.begin());
        for (std::size_t s = 0; s < samples; ++s) {
            const double t = time[0] + static_cast<double>(s) * time[2];
            if (t < w.from || t > w.to) continue;
            xs.push_back(t), ys.push_back(data[s * n + c]);
        }
        p.line(std::move(xs), std::move(ys), pop + " " + std::to_string(id), {}, 1.2);
    }
}

// --weights P: the learned weights' distribution, and the matrix (pre x post) when both sides have more than
// one neuron and it has at most a million cells.
void weights(io::figure& fig, const io::h5::reader& r, const run_data& d, const std::string& proj) {
    const std::string g = "/weights/" + proj;
    if (!r.has(g + "/weight")) {
        std::vector<std::string> names;
        for (const auto& ds : d.datasets)
            if (ds.rfind("/weights/", 0) == 0 && ds.size() > 16 &&
                ds.compare(ds.size() - 7, 7, "/weight") == 0)
                names.push_back(ds.substr(9, ds.size() - 16));
        throw input_error(d.path, "--weights " + proj,
                          "no learned weights of projection '" + proj + "'; the file has: " + join(names) +
                              " (only plastic projections save their weights)");
    }
    const auto w = r.read_doubles(g + "/weight");
    const auto src = r.read<std::uint64_t>(g + "/source"), tgt = r.read<std::uint64_t>(g + "/target");
    double lo = 0, hi = 0;
    for (double v : w) lo = std::min(lo, v), hi = std::max(hi, v);
    auto& h = fig.add_panel();
    h.title = proj + ": " + std::to_string(w.size()) + " weights";
    h.x.label = "weight";
    h.y.label = "synapses";
    h.histogram(w, 40, lo, hi > lo ? hi : lo + 1, "", io::category_colour(0));
    std::uint64_t pre = 0, post = 0;
    for (auto s : src) pre = std::max(pre, s + 1);
    for (auto t : tgt) post = std::max(post, t + 1);
    if (pre < 2 || post < 2 || pre * post > 1000000) return;
    std::vector<double> cells(pre * post, std::nan(""));
    for (std::size_t i = 0; i < w.size() && i < src.size() && i < tgt.size(); ++i)
        cells[src[i] * post + tgt[i]] = w[i];
    auto& m = fig.add_panel();
    m.title = proj + " (pre x post)";
    m.x.label = "post neuron";
    m.y.label = "pre neuron";
    m.heat_map(std::move(cells), pre, post, 0, static_cast<double>(post), 0, static_cast<double>(pre),
               "weight");
}

} // namespace

nlohmann::json plot_results(const std::string& h5, const plot_request& req, const std::string& out) {
    const io::h5::reader r(h5);
    const run_data d = load(r);
    window w{req.from_ms.value_or(0.0), req.to_ms.value_or(d.t_stop)};
    if (!(w.to > w.from))
        throw input_error(h5, "--from/--to",
                          "expected a window with --to after --from, got " + std::to_string(w.from) + " to " +
                              std::to_string(w.to) + " ms");
    const bool any = req.raster || req.rates || !req.traces.empty() || !req.weights.empty();
    const bool want_raster = req.raster || !any, want_rates = req.rates || !any;
    if ((want_raster || want_rates) && d.pops.empty() && (req.raster || req.rates))
        throw input_error(h5, "/spikes",
                          "no spikes were recorded (\"record\": {\"spikes\": [...]} in the config)");
    const double panels =
        (want_raster && !d.pops.empty() ? 2.0 : 0.0) + (want_rates && !d.pops.empty() ? 1.0 : 0.0) +
        static_cast<double>(req.traces.size()) + 2.0 * static_cast<double>(req.weights.size());
    const auto height = static_cast<std::uint32_t>(std::clamp(60 + 200 * panels, 300.0, 2400.0));
    io::figure fig(1000, height);
    fig.title = d.config.value("name", std::string("run")) + " (" + std::filesystem::path(h5).filename().string() + ")";
    nlohmann::json drawn = nlohmann::json::array();
    std::size_t spikes = 0;
    if (want_raster && !d.pops.empty()) {
        raster(fig, d, w, (height - 60) * 2.0 / std::max(panels, 1.0) - 80, spikes);
        drawn.push_back("raster");
    }
    if (want_rates && !d.pops.empty()) {
        const double bin =
            req.bin_ms > 0 ? req.bin_ms : std::max(d.dt, std::round((w.to - w.from) / 100 / d.dt) * d.dt);
        rates(fig, d, w, bin);
        drawn.push_back("rates");
    }
    for (const auto& t : req.traces) trace(fig, r, d, t, w), drawn.push_back("trace " + t);
    for (const auto& p : req.weights) weights(fig, r, d, p), drawn.push_back("weights " + p);
    if (drawn.empty())
        throw input_error(h5, "", "nothing to plot: no spikes were recorded; try --trace or --weights");
    fig.write(out);
    return {{"output", out},    {"input", h5},       {"panels", drawn},
            {"spikes", spikes}, {"from_ms", w.from}, {"to_ms", w.to}};
}

} // namespace spikekit::app
