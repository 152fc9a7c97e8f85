// Spike sources: populations whose spikes are drawn or given, not computed from inputs.
//
// poisson_source: each neuron spikes in a step with probability rate * dt (independent Bernoulli trials, so
//   rate * dt must stay below 1); the draws are counter-based on (seed, population, neuron, step).
// spike_source: each neuron spikes at its given times; a time t falls in the step ending at t, i.e. it is
//   emitted at the end of step round(t / dt) - 1 and recorded at round(t / dt) * dt. Several times in one
//   step give one spike.
#include <algorithm>

#include "model_base.hpp"
#include "spikekit/core/random.hpp"
#include "spikekit/neurons/models.hpp"

namespace spikekit::neurons::detail {
namespace {

struct source_base : neuron_group {
    double get(std::size_t, std::uint32_t, std::int64_t) const override { return 0.0; }
    void set(std::size_t, std::uint32_t, double) override {}
    static constexpr std::span<const state_info> state = {};
    static constexpr std::span<const receptor_info> receptors = {};
    static constexpr bool source = true;
    static std::string check(const param_map&) { return {}; }
};

struct poisson_source_group final : source_base {
    static constexpr std::string_view name = "poisson_source";
    static constexpr std::string_view doc = "Independent Poisson spike trains: a spike per step with "
                                            "probability rate*dt, between start and stop.";
    static constexpr param_info params[] = {
        {"rate", "Hz", 10.0, 0.0, unbounded, "firing rate"},
        {"start", "ms", 0.0, 0.0, unbounded, "first time a spike may occur"},
        {"stop", "ms", unbounded, 0.0, unbounded, "no spikes from this time on"},
    };
    static std::string check(const param_map&) { return {}; }

    poisson_source_group(const param_reader& r, std::uint32_t n, double dt,
                         const std::vector<std::vector<double>>&)
        : prob_(derive(
              n, [dt](double rate) { return rate * dt * 1e-3; }, r("rate"))),
          start_(derive(
              n, [dt](double t) { return steps_of(t, dt); }, r("start"))),
          stop_(derive(
              n, [dt](double t) { return std::isfinite(t) ? steps_of(t, dt) : INT64_MAX; }, r("stop"))) {}

    void step(const step_args& a, std::uint32_t begin, std::uint32_t end,
              std::vector<std::uint32_t>& spikes) override {
        if (!prob_.varies() && !start_.varies() && !stop_.varies() &&
            (a.step < start_.one || a.step >= stop_.one))
            return;
        updates_ += end - begin;
        for (std::uint32_t i = begin; i < end; ++i) {
            if (a.step < start_[i] || a.step >= stop_[i]) continue;
            rng::stream r(a.rng_key, i, static_cast<std::uint64_t>(a.step));
            if (r.uniform() < prob_[i]) spikes.push_back(i);
        }
    }

  private:
    column<double> prob_;
    column<std::int64_t> start_, stop_;
};

struct spike_source_group final : source_base {
    static constexpr std::string_view name = "spike_source";
    static constexpr std::string_view doc = "Neurons that spike at given times (population field "
                                            "spike_times: one list of times in ms per neuron).";
    static constexpr std::span<const param_info> params = {};
    static constexpr bool spike_times = true;

    spike_source_group(const param_reader&, std::uint32_t n, double dt,
                       const std::vector<std::vector<double>>& times)
        : steps_(n), cursor_(n, 0) {
        for (std::uint32_t i = 0; i < n && i < times.size(); ++i) {
            for (double t : times[i]) steps_[i].push_back(std::max<std::int64_t>(0, steps_of(t, dt) - 1));
            steps_[i].erase(std::unique(steps_[i].begin(), steps_[i].end()), steps_[i].end());
        }
        expose("cursor", cursor_);
    }

    std::string invalid_state(std::int64_t) const override {
        for (std::size_t i = 0; i < cursor_.size(); ++i)
            if (cursor_[i] < 0 || static_cast<std::size_t>(cursor_[i]) > steps_[i].size())
                return "cursor[" + std::to_string(i) + "] = " + std::to_string(cursor_[i]) +
                       ": past the neuron's " + std::to_string(steps_[i].size()) + " spike times";
        return {};
    }

    void step(const step_args& a, std::uint32_t begin, std::uint32_t end,
              std::vector<std::uint32_t>& spikes) override {
        for (std::uint32_t i = begin; i < end; ++i) {
            auto& c = cursor_[i];
            const auto& st = steps_[i];
            while (c < static_cast<std::int64_t>(st.size()) && st[static_cast<std::size_t>(c)] < a.step) ++c;
            if (c < static_cast<std::int64_t>(st.size()) && st[static_cast<std::size_t>(c)] == a.step) {
                spikes.push_back(i);
                ++c;
                ++updates_;
            }
        }
    }

  private:
    std::vector<std::vector<std::int64_t>> steps_;
    std::vector<std::int64_t> cursor_;
};

} // namespace

void add_source_models(model_registry& r) {
    r.add(std::make_shared<table_model<poisson_source_group>>());
    r.add(std::make_shared<table_model<spike_source_group>>());
}

} // namespace spikekit::neurons::detail
