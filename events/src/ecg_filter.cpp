// Butterworth band-pass for ECG before encoding (see ecg.hpp): two biquads from the RBJ audio-EQ cookbook
// formulas with Q = 1/sqrt(2), which is the 2nd-order Butterworth response under the bilinear transform.
#include <cmath>
#include <numbers>

#include "spikekit/core/error.hpp"
#include "spikekit/events/ecg.hpp"

namespace spikekit::events {
namespace {

enum class kind { low, high };

void design(double fs, double f0, kind k, double& b0, double& b1, double& b2, double& a1, double& a2) {
    const double w0 = 2 * std::numbers::pi * f0 / fs;
    const double c = std::cos(w0), alpha = std::sin(w0) / std::numbers::sqrt2; // sin(w0) / (2Q)
    const double a0 = 1 + alpha;
    const double g = k == kind::low ? (1 - c) / 2 : (1 + c) / 2;
    b0 = g / a0;
    b1 = (k == kind::low ? 2 * g : -2 * g) / a0;
    b2 = g / a0;
    a1 = -2 * c / a0;
    a2 = (1 - alpha) / a0;
}

void check_corner(double f, double fs, const char* name) {
    if (!std::isfinite(f) || f < 0 || f >= fs / 2)
        throw input_error("", name,
                          "corner frequency " + std::to_string(f) + " Hz must be in [0, " +
                              std::to_string(fs / 2) + ") Hz (0 = off, fs/2 = Nyquist)");
}

} // namespace

void band_pass_filter::biquad::reset(double x) {
    // Steady state of the transposed direct form II for a constant input x: y = (DC gain) * x.
    const double y = on ? (b0 + b1 + b2) / (1 + a1 + a2) * x : x;
    s2 = b2 * x - a2 * y;
    s1 = y - b0 * x;
}

double band_pass_filter::biquad::step(double x) {
    if (!on) return x;
    const double y = b0 * x + s1;
    s1 = b1 * x - a1 * y + s2;
    s2 = b2 * x - a2 * y;
    return y;
}

band_pass_filter::band_pass_filter(double fs_hz, band_pass_params p) {
    if (!(fs_hz > 0) || !std::isfinite(fs_hz))
        throw input_error("", "band-pass", "sampling frequency must be > 0");
    check_corner(p.low_hz, fs_hz, "band-pass low");
    check_corner(p.high_hz, fs_hz, "band-pass high");
    if (p.low_hz > 0 && p.high_hz > 0 && p.low_hz >= p.high_hz)
        throw input_error("", "band-pass",
                          "low corner " + std::to_string(p.low_hz) + " Hz must be below the high corner " +
                              std::to_string(p.high_hz) + " Hz");
    if (p.low_hz > 0) {
        design(fs_hz, p.low_hz, kind::high, hp_.b0, hp_.b1, hp_.b2, hp_.a1, hp_.a2);
        hp_.on = true;
    }
    if (p.high_hz > 0) {
        design(fs_hz, p.high_hz, kind::low, lp_.b0, lp_.b1, lp_.b2, lp_.a1, lp_.a2);
        lp_.on = true;
    }
}

float band_pass_filter::process(float x) {
    if (!started_) {
        hp_.reset(x);
        lp_.reset(hp_.on ? 0.0 : static_cast<double>(x)); // the high-pass settles to 0 for a constant input
        started_ = true;
    }
    return static_cast<float>(lp_.step(hp_.step(x)));
}

void band_pass_filter::process(std::span<sample> inout) {
    for (auto& s : inout) s.value = process(s.value);
}

std::vector<sample> to_samples(std::span<const float> mv, double fs_hz, std::int64_t t0_us) {
    std::vector<sample> out(mv.size());
    const double dt_us = 1e6 / fs_hz;
    for (std::size_t n = 0; n < mv.size(); ++n)
        out[n] = {t0_us + std::llround(static_cast<double>(n) * dt_us), mv[n]};
    return out;
}

} // namespace spikekit::events
