#pragma once
// Neuron models: a model is a description (parameter table, state variables, receptors, documentation)
// plus a factory for a lowered, structure-of-arrays group that the kernel advances one step at a time.
//
// core only defines the interfaces; the models themselves live in the `neurons` library, which fills a
// model_registry. No global registry exists: whoever loads a config passes the registry it wants.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spikekit/core/params.hpp"
#include "spikekit/core/registry.hpp"

namespace spikekit {

// Parameters that vary from neuron to neuron: name -> one value per neuron (lowering::lower_params).
using per_neuron_values = std::map<std::string, std::vector<double>, std::less<>>;

// A synaptic input port of a model. Weights arriving there are in `weight_unit`.
struct receptor_info {
    std::string_view name;        // "exc", "inh", ...
    std::string_view weight_unit; // "mV" (voltage jump), "pA" (current jump), "nS" (conductance jump), "1"
    std::string_view doc = {};
    bool sign_free = true;        // false: weights must be >= 0 (conductances)
    bool integer_weights = false; // weights must be whole numbers (integer arithmetic profile)
};

// Everything one step of a group needs besides its own state.
struct step_args {
    std::int64_t step = 0;         // index of the step being computed: time goes from step*dt to (step+1)*dt
    float* const* input = nullptr; // per receptor: input arriving this step, indexed by local neuron id;
                                   // the group reads each entry and sets it back to 0
    const double* i_ext = nullptr; // external current per neuron [pA], or nullptr
    std::uint64_t rng_key = 0;     // key for this population's random stream (stochastic models)
};

// Named state arrays a group owns; checkpoints, initial values and recorders go through them.
class group_state {
  public:
    struct real_array {
        std::string name;
        std::vector<double>* data;
    };
    struct int_array {
        std::string name;
        std::vector<std::int64_t>* data;
    };
    std::span<const real_array> real_arrays() const { return reals_; }
    std::span<const int_array> int_arrays() const { return ints_; }
    // After a checkpoint's arrays were put in place (sizes, finiteness and general ranges already checked),
    // `step` being the restored step: the first value this group cannot run with, as "array[i] = value:
    // why", or "" when all are valid.
    virtual std::string invalid_state(std::int64_t step) const {
        (void)step;
        return {};
    }

    virtual ~group_state() = default;

  protected:
    void expose(std::string name, std::vector<double>& v) { reals_.push_back({std::move(name), &v}); }
    void expose(std::string name, std::vector<std::int64_t>& v) { ints_.push_back({std::move(name), &v}); }

  private:
    std::vector<real_array> reals_;
    std::vector<int_array> ints_;
};

// The lowered, executable form of a population.
class neuron_group : public group_state {
  public:
    virtual ~neuron_group() = default;
    // Advance neurons [begin, end) by one step; append the local ids that spiked, in increasing order.
    virtual void step(const step_args& a, std::uint32_t begin, std::uint32_t end,
                      std::vector<std::uint32_t>& spikes) = 0;
    // Value of state variable `var` (index into the model's state table) of neuron i after step `step`-1.
    virtual double get(std::size_t var, std::uint32_t i, std::int64_t step) const = 0;
    virtual void set(std::size_t var, std::uint32_t i, double value) = 0;
    // Event-driven mode: neurons that receive no input are not updated; the decay is integrated in one go
    // when the next input arrives. Only models whose autonomous dynamics cannot produce a spike offer it.
    virtual bool enable_event_driven() { return false; }
    // Adaptation frozen (simulation::set_learning(false)): state that learns over a run, such as an adaptive
    // threshold, is held as it is. Models without such state ignore it.
    virtual void freeze_adaptation(bool frozen) { (void)frozen; }
    // Number of single-neuron updates done so far (shows the event-driven path at work).
    std::uint64_t updates() const { return updates_; }

  protected:
    std::uint64_t updates_ = 0;
};

class neuron_model {
  public:
    virtual ~neuron_model() = default;
    virtual std::string_view name() const = 0;
    virtual std::string_view doc() const = 0; // equations and meaning, for --help and docs
    virtual std::span<const param_info> params() const = 0;
    virtual std::span<const state_info> state() const = 0;
    virtual std::span<const receptor_info> receptors() const = 0;
    // Input channels in the delay ring: one per receptor, unless all receptors act on the state the same
    // way (delta synapses add to V whatever their sign): then they share one channel, input[r] points to it
    // for every r, and the group reads input[0] only. Halves the ring for delta networks.
    virtual bool shared_input() const { return false; }
    // Constraints between parameters (V_reset < V_th, ...); empty string if fine.
    virtual std::string check(const param_map& p) const {
        (void)p;
        return {};
    }
    // True for sources (no state equations, spikes given or drawn): they take no inputs.
    virtual bool is_source() const { return false; }
    // True for models whose spikes are given per neuron (a population's spike_times or replay).
    virtual bool takes_spike_times() const { return false; }
    // `p` is complete (defaults filled) and checked; `per` gives one value per neuron (`size` of them) for
    // the parameters that vary, each neuron's set checked (lowering::lower_params). A group keeps its
    // one-value arithmetic for the parameters that do not vary.
    virtual std::unique_ptr<neuron_group>
    lower(const param_map& p, const per_neuron_values& per, std::uint32_t size, double dt_ms,
          const std::vector<std::vector<double>>& spike_times) const = 0;
    std::unique_ptr<neuron_group> lower(const param_map& p, std::uint32_t size, double dt_ms,
                                        const std::vector<std::vector<double>>& spike_times) const {
        return lower(p, {}, size, dt_ms, spike_times);
    }

    std::ptrdiff_t state_index(std::string_view var) const {
        auto s = state();
        for (std::size_t i = 0; i < s.size(); ++i)
            if (s[i].name == var) return static_cast<std::ptrdiff_t>(i);
        return -1;
    }
    std::ptrdiff_t receptor_index(std::string_view r) const {
        auto s = receptors();
        for (std::size_t i = 0; i < s.size(); ++i)
            if (s[i].name == r) return static_cast<std::ptrdiff_t>(i);
        return -1;
    }
};

// The neuron models a program knows, by name (neurons::builtin_models() fills one).
class model_registry : public registry<neuron_model> {};

} // namespace spikekit
