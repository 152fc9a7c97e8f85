// spikekit plot OUTPUT.h5: pictures of a run (see plot.hpp).
#include <cstdio>
#include <iostream>

#include "cli.hpp"
#include "plot.hpp"
#include "verbs.hpp"

namespace spikekit::app {
namespace {

constexpr const char* plot_help =
    R"(usage: spikekit plot OUTPUT.h5 [--raster] [--rates] [--trace POP[.VAR][:IDS]]...
                     [--weights PROJECTION]... [--from T] [--to T] [--bin T] --out FILE.png|FILE.svg

Draw the output file of spikekit run: one panel per request, one colour per population, axes in ms, Hz
and the recorded units. Without --raster, --rates, --trace or --weights: the raster and the rates.

options:
  --raster          spike raster, populations stacked in the config's order
  --rates           population rates (spikes per neuron per second) in bins of --bin
  --trace SPEC      recorded state of some neurons: POP (first recorded variable, first 5 neurons),
                    POP.VAR, POP:0,3,10-12 or POP.VAR:IDS; repeat for several panels
  --weights P       learned weights of plastic projection P: histogram, and the pre x post matrix
  --from T, --to T  time window (default: the whole run); 250ms, 0.5 s, 100 (ms)
  --bin T           rate bin (default: about 100 bins over the window, at least dt)
  -o, --out FILE    the picture: .png or .svg
  -j, --json        print what was drawn as JSON on stdout
  -h, --help        this text

exit codes: 0 ok, 1 runtime failure, 2 bad input (file, option)
)";

} // namespace

int plot_verb(const std::vector<std::string>& argv) {
    args a(argv, {"--raster", "--rates", "--json", "--help"},
           {"--trace", "--weights", "--from", "--to", "--bin", "--out"});
    if (a.flag("--help")) {
        std::cout << plot_help;
        return ok;
    }
    if (a.positional().size() != 1)
        throw usage_error("plot expects one OUTPUT.h5 file (see spikekit plot --help)");
    const auto out = a.get("--out");
    if (!out) throw usage_error("plot needs --out FILE.png or FILE.svg");
    check_figure_path("--out", *out, a.positional());
    plot_request req;
    req.raster = a.flag("--raster");
    req.rates = a.flag("--rates");
    req.traces = a.all("--trace");
    req.weights = a.all("--weights");
    if (a.get("--from")) req.from_ms = a.quantity("--from", "ms", 0);
    if (a.get("--to")) req.to_ms = a.quantity("--to", "ms", 0);
    req.bin_ms = a.quantity("--bin", "ms", 0);
    if (a.get("--bin") && !(req.bin_ms > 0)) throw usage_error("option --bin expects a time > 0");
    const auto j = plot_results(a.positional()[0], req, *out);
    if (a.flag("--json"))
        std::cout << j.dump(2) << "\n";
    else
        std::printf("plotted    %s -> %s\n", a.positional()[0].c_str(), out->c_str());
    return ok;
}

} // namespace spikekit::app
