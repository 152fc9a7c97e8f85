// spikekit.Simulation (stepwise runs) and the tables of models and rules. spikekit.run() is written in Python
// on top of Simulation (python/spikekit/__init__.py).
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>

#include <pybind11/stl.h>

#include "common.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/memory.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/core/summary.hpp"
#include "spikekit/events/replay.hpp"
#include "spikekit/learning/rules.hpp"
#include "spikekit/neurons/models.hpp"

namespace spikekit::python {
namespace {

// A network built from a config (JSON text or a file) or a checkpoint, and the kernel running it. Keeps the
// registries alive for as long as the simulation refers to them.
class py_simulation {
  public:
    // `source` is a file path (from_file) or JSON text labelled `label` in error messages; `resume` names a
    // checkpoint to continue from (its config is used when `source` is empty).
    py_simulation(const std::string& source, bool from_file, const std::string& label,
                  std::optional<double> duration_ms, unsigned threads, std::optional<std::uint64_t> seed,
                  const std::string& resume)
        : models_(neurons::builtin_models()), rules_(learning::builtin_rules()) {
        if (!resume.empty()) desc_ = parse_config(simulation::checkpoint_config(resume), resume, models_);
        if (!source.empty()) {
            auto d = from_file ? load_config(source, models_) : parse_config(source, label, models_);
            if (!resume.empty() && !d.same_network(desc_))
                throw input_error(label, "", "describes another network than checkpoint " + resume);
            if (resume.empty()) desc_ = std::move(d);
        }
        if (seed) desc_.sim.seed = *seed;
        if (duration_ms) desc_.sim.duration_ms = *duration_ms;
        if (auto problem = duration_problem(desc_.sim.duration_ms, desc_.sim.dt_ms); !problem.empty())
            throw input_error(label, "duration_ms", problem);
        if (threads == 0) threads = desc_.sim.threads;
        const auto avail = available_memory();
        check_memory(desc_, models_,
                     avail ? static_cast<double>(avail) : std::numeric_limits<double>::infinity(),
                     "available memory");
        events::resolve_replays(desc_);
        {
            py::gil_scoped_release nogil; // building a large network takes seconds
            sim_ = std::make_unique<simulation>(desc_, models_, threads, &rules_);
            if (!resume.empty()) sim_->restore_checkpoint(resume);
        }
        start_ms_ = sim_->time_ms();
        weights_before_ = sim_->plastic_weights();
    }

    // Advances by `ms` (default: up to the configured duration) with the GIL released.
    void run(std::optional<double> ms) {
        const double len = ms ? *ms : desc_.sim.duration_ms - sim_->time_ms();
        if (!(len >= 0) || !std::isfinite(len))
            throw input_error("", "duration_ms", "expected a time >= 0 ms, got " + std::to_string(len));
        if (auto problem = duration_problem(sim_->time_ms() + len, desc_.sim.dt_ms); !problem.empty())
            throw input_error("", "duration_ms", problem);
        const auto t0 = std::chrono::steady_clock::now();
        {
            py::gil_scoped_release nogil;
            sim_->run(len);
        }
        run_s_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }

    // {population: (ids uint32, times_ms float64)}: a copy (take=False) or the recordings themselves, moved
    // into NumPy without a copy and cleared in the simulation (take=True).
    py::dict spikes(bool take) {
        std::vector<recorded_spikes> recs = take ? sim_->take_spikes() : sim_->spikes();
        const double dt = sim_->dt_ms();
        py::dict out;
        for (auto& r : recs) {
            std::vector<double> t(r.steps.size());
            for (std::size_t i = 0; i < t.size(); ++i) t[i] = static_cast<double>(r.steps[i] + 1) * dt;
            out[py::str(r.population)] =
                py::make_tuple(to_numpy(std::move(r.node_ids)), to_numpy(std::move(t)));
        }
        return out;
    }

    // [(population, variable, unit, times_ms, ids, values[samples, neurons])], times as in the HDF5 output.
    py::list traces() const {
        py::list out;
        const double dt = sim_->dt_ms();
        for (const auto& tr : sim_->traces()) {
            const std::size_t n = tr.node_ids.size(), samples = n ? tr.values.size() / n : 0;
            std::vector<double> t(samples);
            for (std::size_t k = 0; k < samples; ++k)
                t[k] = static_cast<double>(tr.first_step + static_cast<std::int64_t>(k) * tr.interval_steps) *
                       dt;
            const py::array values =
                to_numpy(std::vector<float>(tr.values))
                    .reshape({static_cast<py::ssize_t>(samples), static_cast<py::ssize_t>(n)});
            out.append(py::make_tuple(tr.population, tr.variable, tr.unit, to_numpy(std::move(t)),
                                      to_numpy(std::vector<std::uint32_t>(tr.node_ids)), values));
        }
        return out;
    }

    // The synapses of plastic projection `name` now: source, target (local ids), weight, delay_ms.
    py::dict weights(const std::string& name) const {
        for (auto& w : sim_->plastic_weights()) {
            if (w.projection != name) continue;
            py::dict d;
            d["source"] = to_numpy(std::move(w.source));
            d["target"] = to_numpy(std::move(w.target));
            d["weight"] = to_numpy(std::move(w.weight));
            d["delay_ms"] = to_numpy(std::move(w.delay_ms));
            return d;
        }
        std::string known;
        for (const auto& w : sim_->plastic_weights()) known += (known.empty() ? "" : ", ") + w.projection;
        throw input_error("", name,
                          "no plastic projection of that name (plastic projections: " +
                              (known.empty() ? std::string("none") : known) + ")");
    }

    void set_rates(const std::string& input,
                   const py::array_t<double, py::array::c_style | py::array::forcecast>& r) {
        if (r.ndim() != 1) throw input_error("", input, "expected a 1-D array of rates in Hz");
        sim_->set_rates(input, std::span<const double>(r.data(), static_cast<std::size_t>(r.size())));
    }

    py::object summary(const std::optional<std::string>& checkpoint,
                       const std::optional<std::string>& output) const {
        return to_python(run_summary(*sim_, {start_ms_, checkpoint, run_s_, output, std::nullopt,
                                             compare_weights(weights_before_, sim_->plastic_weights())}));
    }

    simulation& sim() { return *sim_; }
    const network_description& desc() const { return desc_; }

  private:
    model_registry models_;
    rule_registry rules_;
    network_description desc_;
    std::unique_ptr<simulation> sim_;
    double start_ms_ = 0, run_s_ = 0;
    std::vector<projection_weights> weights_before_; // plastic weights when the run began
};

py::object model_table() {
    nlohmann::json all = nlohmann::json::object();
    const auto reg = neurons::builtin_models();
    for (const auto& n : reg.names()) all[n] = model_json(*reg.find(n));
    return to_python(all);
}

py::object rule_table() {
    nlohmann::json all = nlohmann::json::object();
    const auto reg = learning::builtin_rules();
    for (const auto& n : reg.names()) all[n] = rule_json(*reg.find(n));
    return to_python(all);
}

} // namespace

network_description load_description(const std::string& source, bool from_file, const std::string& label) {
    const auto models = neurons::builtin_models();
    auto d = from_file ? load_config(source, models) : parse_config(source, label, models);
    events::resolve_replays(d);
    return d;
}

void bind_simulation(py::module_& m) {
    py::class_<py_simulation>(m, "Simulation")
        .def(py::init<const std::string&, bool, const std::string&, std::optional<double>, unsigned,
                      std::optional<std::uint64_t>, const std::string&>(),
             py::arg("source"), py::arg("from_file"), py::arg("label"), py::arg("duration_ms"),
             py::arg("threads"), py::arg("seed"), py::arg("resume"))
        .def("run", &py_simulation::run, py::arg("ms") = py::none())
        .def("spikes", &py_simulation::spikes, py::arg("take") = false)
        .def("traces", &py_simulation::traces)
        .def("weights", &py_simulation::weights, py::arg("projection"))
        .def("set_rates", &py_simulation::set_rates, py::arg("input"), py::arg("rates_hz"))
        .def(
            "reward", [](py_simulation& s, double amount) { s.sim().reward(amount); }, py::arg("amount"))
        .def_property(
            "learning", [](py_simulation& s) { return s.sim().learning(); },
            [](py_simulation& s, bool on) { s.sim().set_learning(on); })
        .def(
            "save_checkpoint",
            [](py_simulation& s, const std::string& path) {
                py::gil_scoped_release nogil;
                s.sim().save_checkpoint(path);
            },
            py::arg("path"))
        .def("summary", &py_simulation::summary, py::arg("checkpoint") = py::none(),
             py::arg("output") = py::none())
        .def("config", [](py_simulation& s) { return to_json(s.desc()); })
        .def_property_readonly("time_ms", [](py_simulation& s) { return s.sim().time_ms(); })
        .def_property_readonly("dt_ms", [](py_simulation& s) { return s.sim().dt_ms(); })
        .def_property_readonly("duration_ms", [](py_simulation& s) { return s.desc().sim.duration_ms; })
        .def_property_readonly("neurons", [](py_simulation& s) { return s.sim().neurons(); })
        .def_property_readonly("synapses", [](py_simulation& s) { return s.sim().synapses(); })
        .def_property_readonly("populations", [](py_simulation& s) {
            std::vector<std::string> names;
            for (const auto& p : s.desc().populations) names.push_back(p.name);
            return names;
        });
    m.def("models", &model_table, "the neuron models: doc, params (unit, default, range), state, receptors");
    m.def("rules", &rule_table, "the plasticity rules: doc, params (unit, default, range)");
}

} // namespace spikekit::python
