// "stdp_int": on-chip integer STDP, the arithmetic of int_stdp_arith.hpp driven by the kernel's events.
//
// The window is given as exponentials (A_plus exp(-dt/tau_plus) for dt >= 0, -A_minus exp(dt/tau_minus) for
// dt < 0, in weight LSBs) and sampled once, at lowering, into a lut_len-entry table over time differences in
// steps, dt in [-lut_len/2, lut_len/2), with frac_bits fractional bits per entry (PAICORE online cores hold a
// 60-entry table). Weights are whole numbers of weight_bits bits in [w_min, w_max]; the kernel's weight array
// holds the same integers (integer receptors). Interaction is nearest-spike: one timestamp per slot and
// neuron. Random words for stochastic rounding come from the counter-based generator keyed by
// (projection key, synapse, step), so results are the same for any thread count or visiting order. Every
// decay_interval, weights move toward zero by `decay` LSB (the chip's weight_decay_value register).
#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "rules_detail.hpp"
#include "spikekit/arith/counter_rng.hpp"
#include "spikekit/learning/int_stdp.hpp"
#include "trace_stdp.hpp"

namespace spikekit::learning::detail {
namespace {

constexpr param_info int_params[] = {
    {"weight_bits", "1", 8.0, 1.0, 8.0, "weight width in bits", true},
    {"signed", "1", 0.0, 0.0, 1.0, "1: two's complement weights, 0: unsigned", true},
    {"w_min", "weight", 0.0, -128.0, 255.0, "lower weight bound (LSB)", true},
    {"w_max", "weight", 255.0, -128.0, 255.0, "upper weight bound (LSB), within weight_bits", true},
    {"A_plus", "1", 8.0, 0.0, 255.0, "potentiation at dt = 0, in weight LSB"},
    {"A_minus", "1", 8.4, 0.0, 255.0, "depression at dt = 0-, in weight LSB"},
    {"tau_plus", "ms", 20.0, 0.0, unbounded, "potentiation window", false, true},
    {"tau_minus", "ms", 20.0, 0.0, unbounded, "depression window", false, true},
    {"lut_len", "1", 60.0, 2.0, intstdp::lut_capacity, "table entries (PAICORE: 60)", true},
    {"frac_bits", "1", 8.0, 0.0, 15.0, "fractional bits of table entries (stochastic rounding)", true},
    {"decay", "1", 0.0, 0.0, 255.0, "weight decay per decay_interval, LSB toward zero", true},
    {"decay_interval", "ms", 1000.0, 0.0, unbounded, "time between decay events", false, true}};

constexpr std::int64_t never = std::numeric_limits<std::int64_t>::min();

class int_stdp_state final : public plastic_state {
  public:
    int_stdp_state(const intstdp::params& q, const synapse_layout& layout, std::span<float> w,
                   const lower_args& a, std::int64_t decay_steps)
        : q_(q), layout_(layout), w_(w), wi_(w.size()), last_pre_(layout.slots(), never),
          last_post_(layout.posts(), never), dt_(a.dt_ms), key_(a.rng_key), decay_steps_(decay_steps) {
        for (std::size_t k = 0; k < w.size(); ++k)
            set(k, intstdp::clamp(static_cast<std::int32_t>(std::lround(w[k])), q_));
        expose("last_pre_step", last_pre_);
        expose("last_post_step", last_post_);
    }

    void on_pre(syn_range r, double t) override {
        if (r.begin >= r.end) return;
        assert(layout_.slot_of(r.end - 1) == layout_.slot_of(r.begin) && "on_pre: one pre slot per range");
        const std::int64_t s = step_of(t);
        for (std::uint32_t k = r.begin; k < r.end; ++k) {
            const std::int64_t tp = last_post_[layout_.post_of(k)];
            if (tp != never && tp < s) update(k, tp - s, s, 0);
        }
        last_pre_[layout_.slot_of(r.begin)] = s;
    }
    void on_post(std::uint32_t i, double t) override {
        const std::int64_t s = step_of(t);
        for (auto k : layout_.incoming(i)) {
            const std::int64_t ta = last_pre_[layout_.slot_of(k)];
            if (ta != never) update(k, s - ta, s, 1);
        }
        last_post_[i] = s;
    }
    bool needs_step() const override { return q_.decay > 0; }
    void on_step(std::int64_t step) override {
        if ((step + 1) % decay_steps_ != 0) return;
        for (std::size_t k = 0; k < wi_.size(); ++k) set(k, intstdp::decay(wi_[k], q_));
    }

  private:
    std::int64_t step_of(double t) const { return std::llround(t / dt_); }
    // side 0: pre arrival, 1: post spike; both may touch one synapse in one step, so they draw apart.
    void update(std::uint32_t k, std::int64_t dt, std::int64_t step, unsigned side) {
        if (intstdp::lut_value(q_, dt) == 0) return; // no random draw for changes that cannot happen
        rng::word_stream r(key_, std::uint64_t{k} * 2 + side, static_cast<std::uint64_t>(step));
        set(k, intstdp::update(wi_[k], dt, r.bits(), q_));
    }
    void set(std::size_t k, std::int16_t v) {
        wi_[k] = v;
        w_[k] = static_cast<float>(v);
    }

    intstdp::params q_;
    const synapse_layout& layout_;
    std::span<float> w_;
    std::vector<std::int16_t> wi_;
    std::vector<std::int64_t> last_pre_, last_post_;
    double dt_;
    std::uint64_t key_;
    std::int64_t decay_steps_;
};

class int_stdp_rule final : public plasticity_rule {
  public:
    std::string_view name() const override { return "stdp_int"; }
    std::string_view doc() const override {
        return "on-chip integer STDP (spikekit/arith/int_stdp.hpp): nearest-spike, window as a lookup table "
               "over dt in steps, stochastic rounding, weights of 1-8 bits within [w_min, w_max], optional "
               "decay";
    }
    std::span<const param_info> params() const override { return int_params; }
    std::string check(const param_map& p) const override {
        const auto bits = static_cast<std::uint8_t>(param(p, "weight_bits"));
        const bool sgn = param(p, "signed") != 0.0;
        const double lo = intstdp::representable_min(bits, sgn), hi = intstdp::representable_max(bits, sgn);
        if (param(p, "w_min") < lo || param(p, "w_max") > hi)
            return "expected w_min and w_max in [" + std::to_string(static_cast<int>(lo)) + ", " +
                   std::to_string(static_cast<int>(hi)) + "] for " + std::to_string(bits) + "-bit " +
                   (sgn ? "signed" : "unsigned") + " weights";
        if (std::max(param(p, "A_plus"), param(p, "A_minus")) *
                std::ldexp(1.0, static_cast<int>(param(p, "frac_bits"))) >
            32767.0)
            return "A_plus and A_minus times 2^frac_bits must fit a 16-bit table entry";
        if (const char* why = intstdp::invalid_reason(lower_int_stdp(p, 1.0))) return why;
        return check_bounds(p);
    }
    std::unique_ptr<plastic_state> lower(const param_map& p, const synapse_layout& layout,
                                         std::span<float> weights, const lower_args& a) const override {
        return std::make_unique<int_stdp_state>(lower_int_stdp(p, a.dt_ms), layout, weights, a,
                                                int_stdp_decay_steps(p, a.dt_ms));
    }
};

} // namespace

void add_int_stdp_rule(rule_registry& r) {
    r.add(std::make_shared<int_stdp_rule>());
}

} // namespace spikekit::learning::detail

namespace spikekit::learning {

using detail::param;

std::int64_t int_stdp_decay_steps(const param_map& p, double dt_ms) {
    return std::max<std::int64_t>(1, std::llround(param(p, "decay_interval") / dt_ms));
}

intstdp::params lower_int_stdp(const param_map& p, double dt_ms) {
    intstdp::params q;
    q.weight_bits = static_cast<std::uint8_t>(param(p, "weight_bits"));
    q.is_signed = param(p, "signed") != 0.0;
    q.w_min = static_cast<std::int16_t>(param(p, "w_min"));
    q.w_max = static_cast<std::int16_t>(param(p, "w_max"));
    q.lut_len = static_cast<std::uint8_t>(param(p, "lut_len"));
    q.lut_first = static_cast<std::int16_t>(-(q.lut_len / 2));
    q.frac_bits = static_cast<std::uint8_t>(param(p, "frac_bits"));
    q.decay = static_cast<std::uint8_t>(param(p, "decay"));
    const double scale = std::ldexp(1.0, q.frac_bits);
    for (int k = 0; k < q.lut_len; ++k) {
        const double t = (q.lut_first + k) * dt_ms;
        const double v = t >= 0.0 ? param(p, "A_plus") * std::exp(-t / param(p, "tau_plus"))
                                  : -param(p, "A_minus") * std::exp(t / param(p, "tau_minus"));
        q.lut[k] = static_cast<std::int16_t>(std::clamp<double>(std::round(v * scale), -32768.0, 32767.0));
    }
    return q;
}

} // namespace spikekit::learning
