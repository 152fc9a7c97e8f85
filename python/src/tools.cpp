// Chips from Python: map a network onto a chip model and run it there, with the reports `spikekit map --json`
// and `spikekit run --chip --json` print.
#include <optional>

#include <pybind11/stl.h>

#include "common.hpp"
#include "spikekit/chips/chip.hpp"
#include "spikekit/chips/mapping.hpp"
#include "spikekit/chips/run.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/neurons/int_lif.hpp"
#include "spikekit/neurons/models.hpp"

namespace spikekit::python {
namespace {

chips::chip_network for_chip(const network_description& d) {
    const auto models = neurons::builtin_models();
    return chips::lower_network(d, models, [](const population& p) -> std::optional<intlif::params> {
        if (p.model != "lif_int") return std::nullopt; // a chip runs integer LIF only; run_on_chip says why
        return neurons::lower_int_lif(p.params);
    });
}

// The placement (spikekit map --json) of the network on `chip`; InputError, with the CLI's message, when it
// does not fit.
py::object map_network(const std::string& source, bool from_file, const std::string& label,
                       const std::string& chip_name, std::optional<unsigned> weight_bits) {
    const auto d = load_description(source, from_file, label);
    const auto chip = chips::find_chip(chip_name);
    chips::map_options opt;
    if (weight_bits) opt.weight_bits = *weight_bits;
    const auto p = chips::map_network(for_chip(d), chip, opt);
    if (!p.fits) throw input_error(label, "", "does not fit chip '" + chip.name + "': " + p.problem->message);
    return py::module_::import("json").attr("loads")(chips::placement_json(p));
}

// Mapped and run event by event: (report dict, {population: (ids, times_ms)}).
py::tuple chip_run(const std::string& source, bool from_file, const std::string& label,
                   const std::string& chip_name, bool gals) {
    const auto d = load_description(source, from_file, label);
    const auto chip = chips::find_chip(chip_name);
    const auto net = for_chip(d);
    chips::chip_result res;
    {
        py::gil_scoped_release nogil;
        const auto p = chips::map_network(net, chip);
        if (!p.fits)
            throw input_error(label, "", "does not fit chip '" + chip.name + "': " + p.problem->message);
        chips::run_options o;
        o.gals = gals;
        res = chips::run_on_chip(net, chip, p, o);
    }
    py::dict spikes;
    for (auto& s : res.spikes) {
        std::vector<double> t(s.steps.size());
        for (std::size_t i = 0; i < t.size(); ++i) t[i] = static_cast<double>(s.steps[i] + 1) * net.dt_ms;
        spikes[py::str(s.population)] =
            py::make_tuple(to_numpy(std::move(s.node_ids)), to_numpy(std::move(t)));
    }
    return py::make_tuple(to_python(chips::report_json(res.report)), spikes);
}

} // namespace

void bind_tools(py::module_& m) {
    m.def("map_network", &map_network, py::arg("source"), py::arg("from_file"), py::arg("label"),
          py::arg("chip"), py::arg("weight_bits") = py::none());
    m.def("chip_run", &chip_run, py::arg("source"), py::arg("from_file"), py::arg("label"), py::arg("chip"),
          py::arg("gals") = false);
}

} // namespace spikekit::python
