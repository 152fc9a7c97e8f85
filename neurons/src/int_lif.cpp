// lif_int: the chip-style integer LIF of int_lif_arith.hpp inside the simulation kernel.
// Inputs arrive as sums of whole-number weights; they are exact in the kernel's float ring buffer while
// |sum| < 2^24 per neuron and step (e.g. 65 000 synapses of 8-bit weight), which the group checks.
#include <algorithm>
#include <cmath>

#include "model_base.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/lowering.hpp"
#include "spikekit/neurons/int_lif.hpp"
#include "spikekit/neurons/models.hpp"

namespace spikekit::neurons::detail {
namespace {

constexpr state_info int_state[] = {{"V_m", "1", "membrane potential (integer)"}};
constexpr receptor_info int_receptors[] = {
    {"exc", "1", "integer weight added to V", true, true},
    {"inh", "1", "integer weight added to V (negative to inhibit)", true, true}};

struct lif_int_group final : neuron_group {
    static constexpr std::string_view name = "lif_int";
    static constexpr std::string_view doc =
        "Chip-style integer LIF (spikekit/arith/int_lif.hpp), bit-identical to the chip models and the\n"
        "MCU runtime. Per step: refractory? drop input : leak, v = sat(v + input + bias), v >= threshold ->\n"
        "spike and reset (to reset_value, by subtracting threshold, or none). Divisions by 2^k round toward "
        "zero.";
    static constexpr param_info params[] = {
        {"threshold", "1", 64, -2147483648.0, 2147483647.0, "firing threshold", true},
        {"reset_value", "1", 0, -2147483648.0, 2147483647.0, "value after a spike (reset_mode 0)", true},
        {"reset_mode", "1", 0, 0, 2, "0 to reset_value, 1 subtract threshold, 2 none", true},
        {"leak_mode", "1", 0, 0, 3, "0 none, 1 linear, 2 shift, 3 multiply", true},
        {"leak_value", "1", 0, 0, 2147483647.0, "linear leak per step toward 0", true},
        {"leak_shift", "1", 0, 0, 31, "shift leak: v -= v / 2^leak_shift", true},
        {"leak_mul", "1", 0, -2147483648.0, 2147483647.0, "multiply leak numerator", true},
        {"leak_frac_bits", "1", 0, 0, 31, "multiply leak: v = v * leak_mul / 2^leak_frac_bits", true},
        {"v_bits", "1", 16, 2, 32, "membrane width in bits (saturating)", true},
        {"bias", "1", 0, -2147483648.0, 2147483647.0, "added every step", true},
        {"refractory", "1", 0, 0, 65535, "refractory period in steps", true},
        {"v_floor", "1", -2147483648.0, -2147483648.0, 2147483647.0, "lower bound of the membrane", true},
    };
    static constexpr auto& state = int_state;
    static constexpr auto& receptors = int_receptors;
    static constexpr bool source = false;
    static std::string check(const param_map& p) {
        const char* why = intlif::invalid_reason(lower_int_lif(p));
        return why ? why : std::string{};
    }

    // One parameter set (`prm_`); bias and threshold per neuron when they vary (the arithmetic's per-neuron
    // step, as chips and the MCU runtime hold them); a whole set per neuron when another parameter varies.
    lif_int_group(const param_reader& r, std::uint32_t n, double, const std::vector<std::vector<double>>&)
        : v_(n, 0), ref_(n, 0) {
        prm_ = lower_int_lif(r.p);
        const auto i32 = [](double x) { return static_cast<std::int32_t>(x); };
        bias_ = derive(n, i32, r("bias"));
        threshold_ = derive(n, i32, r("threshold"));
        each_ = spread_if_any_varies(n, bias_, threshold_);
        const bool other = std::any_of(r.per.begin(), r.per.end(), [](const auto& kv) {
            return kv.first != "bias" && kv.first != "threshold";
        });
        if (other) {
            param_map q = r.p;
            sets_.resize(n);
            for (std::uint32_t i = 0; i < n; ++i) {
                for (const auto& [k, v] : r.per) q.find(k)->second = v[i];
                sets_[i] = lower_int_lif(q);
            }
        }
        expose("V_m", v_);
        expose("ref", ref_);
    }

    std::string invalid_state(std::int64_t) const override {
        for (std::size_t i = 0; i < v_.size(); ++i) {
            const auto& q = set_of(i);
            if (intlif::saturate(v_[i], q.v_bits) != v_[i])
                return "V_m[" + std::to_string(i) + "] = " + std::to_string(v_[i]) + ": outside the " +
                       std::to_string(q.v_bits) + "-bit membrane";
            if (ref_[i] < 0 || ref_[i] > q.refractory)
                return "ref[" + std::to_string(i) + "] = " + std::to_string(ref_[i]) + ": outside [0, " +
                       std::to_string(q.refractory) + "]";
        }
        return {};
    }

    double get(std::size_t, std::uint32_t i, std::int64_t) const override {
        return static_cast<double>(v_[i]);
    }
    void set(std::size_t, std::uint32_t i, double x) override {
        v_[i] = intlif::saturate(static_cast<std::int64_t>(std::llround(x)), set_of(i).v_bits);
    }

    void step(const step_args& a, std::uint32_t begin, std::uint32_t end,
              std::vector<std::uint32_t>& spikes) override {
        updates_ += end - begin;
        if (!sets_.empty())
            step_with(a, begin, end, spikes,
                      [&](std::uint32_t i, std::int32_t& v, std::uint16_t& r, std::int32_t x) {
                          return intlif::step(v, r, x, sets_[i]);
                      });
        else if (each_)
            step_with(a, begin, end, spikes,
                      [&](std::uint32_t i, std::int32_t& v, std::uint16_t& r, std::int32_t x) {
                          return intlif::step(v, r, x, prm_, bias_.each[i], threshold_.each[i]);
                      });
        else
            step_with(a, begin, end, spikes,
                      [&](std::uint32_t, std::int32_t& v, std::uint16_t& r, std::int32_t x) {
                          return intlif::step(v, r, x, prm_);
                      });
    }

  private:
    const intlif::params& set_of(std::size_t i) const { return sets_.empty() ? prm_ : sets_[i]; }

    template <class Step>
    void step_with(const step_args& a, std::uint32_t begin, std::uint32_t end,
                   std::vector<std::uint32_t>& spikes, Step&& one) {
        for (std::uint32_t i = begin; i < end; ++i) {
            const double x = static_cast<double>(a.input[0][i]) + static_cast<double>(a.input[1][i]) +
                             (a.i_ext ? a.i_ext[i] : 0.0);
            a.input[0][i] = a.input[1][i] = 0.0f;
            if (std::abs(x) >= 16777216.0)
                throw runtime_error("lif_int: input of " + std::to_string(x) +
                                    " to one neuron in one step exceeds 2^24 "
                                    "(float accumulation would no longer be exact)");
            auto v = static_cast<std::int32_t>(v_[i]);
            auto r = static_cast<std::uint16_t>(ref_[i]);
            if (one(i, v, r, static_cast<std::int32_t>(std::llround(x)))) spikes.push_back(i);
            v_[i] = v;
            ref_[i] = r;
        }
    }

    intlif::params prm_;
    column<std::int32_t> bias_, threshold_;
    bool each_ = false;                // bias or threshold varies
    std::vector<intlif::params> sets_; // another parameter varies: every neuron's set
    std::vector<std::int64_t> v_, ref_;
};

} // namespace

void add_integer_models(model_registry& r) {
    r.add(std::make_shared<table_model<lif_int_group>>());
}

} // namespace spikekit::neurons::detail

namespace spikekit::neurons {

intlif::params lower_int_lif(const param_map& given) {
    const param_map p =
        with_defaults(detail::lif_int_group::params, given); // a description holds only what was written
    auto i32 = [&](const char* k) { return static_cast<std::int32_t>(detail::param(p, k)); };
    intlif::params q;
    q.threshold = i32("threshold");
    q.reset_value = i32("reset_value");
    q.reset = static_cast<intlif::reset_mode>(i32("reset_mode"));
    q.leak = static_cast<intlif::leak_mode>(i32("leak_mode"));
    q.leak_value = i32("leak_value");
    q.leak_shift = static_cast<std::uint8_t>(i32("leak_shift"));
    q.leak_mul = i32("leak_mul");
    q.leak_frac_bits = static_cast<std::uint8_t>(i32("leak_frac_bits"));
    q.v_bits = static_cast<std::uint8_t>(i32("v_bits"));
    q.bias = i32("bias");
    q.refractory = static_cast<std::uint16_t>(i32("refractory"));
    q.v_floor = i32("v_floor");
    return q;
}

} // namespace spikekit::neurons

namespace spikekit::neurons {

int_lif_population lower_int_lif(const network_description& d, const model_registry& models, std::size_t pi) {
    const auto lp = lowering::lower_params(d, models, pi); // each neuron's set checked against the profile
    const auto& pop = d.populations.at(pi);
    const std::string base = "populations[" + std::to_string(pi) + "].params";
    if (pop.model != "lif_int")
        throw input_error(d.source_file, "populations[" + std::to_string(pi) + "].model",
                          "expected lif_int, got " + pop.model);
    for (const auto& [k, v] : lp.per_neuron)
        if (k != "bias" && k != "threshold")
            throw input_error(d.source_file, base + "." + k,
                              "varies from neuron to neuron; chips and the MCU runtime hold only bias and "
                              "threshold per neuron");
    int_lif_population out;
    out.shared = lower_int_lif(lp.all);
    out.bias.resize(pop.size);
    out.threshold.resize(pop.size);
    for (std::uint32_t i = 0; i < pop.size; ++i) {
        out.bias[i] = static_cast<std::int32_t>(lp.at("bias", i));
        out.threshold[i] = static_cast<std::int32_t>(lp.at("threshold", i));
    }
    out.varies = !lp.per_neuron.empty();
    return out;
}

} // namespace spikekit::neurons
