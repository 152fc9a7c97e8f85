// Training of the ECG monitor's ANN (ecg_mlp.hpp).
#include "ecg_mlp.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "spikekit/core/error.hpp"

namespace spikekit::app::ecg {
namespace {

std::size_t sz(int v) {
    return static_cast<std::size_t>(v);
}

// Adam (Kingma & Ba 2015) on one parameter array.
struct adam {
    std::vector<float> m, v;
    void step(std::vector<float>& w, const std::vector<float>& g, double lr, int t, double decay) {
        if (m.empty()) m.assign(w.size(), 0.0f), v.assign(w.size(), 0.0f);
        const double b1 = 0.9, b2 = 0.999, c1 = 1 - std::pow(b1, t), c2 = 1 - std::pow(b2, t);
        for (std::size_t i = 0; i < w.size(); ++i) {
            const double gi = double{g[i]} + decay * double{w[i]};
            m[i] = static_cast<float>(b1 * double{m[i]} + (1 - b1) * gi);
            v[i] = static_cast<float>(b2 * double{v[i]} + (1 - b2) * gi * gi);
            w[i] -= static_cast<float>(lr * (double{m[i]} / c1) / (std::sqrt(double{v[i]} / c2) + 1e-8));
        }
    }
};

std::vector<float> floats(const nlohmann::json& j, const char* key, std::size_t n, const std::string& file) {
    if (!j.contains(key) || !j[key].is_array() || j[key].size() != n)
        throw input_error(file, std::string("ann.") + key,
                          "expected an array of " + std::to_string(n) + " numbers");
    return j[key].get<std::vector<float>>();
}

} // namespace

void mlp::init(int n_in, int n_hidden, int n_out, std::uint64_t seed) {
    in = n_in;
    hidden = n_hidden;
    out = n_out;
    std::mt19937_64 rng(seed);
    // He-uniform initialisation, drawn from the raw generator so every platform draws the same numbers.
    const auto uniform = [&](double limit) {
        return static_cast<float>(limit * (2.0 * static_cast<double>(rng() >> 11) * 0x1.0p-53 - 1.0));
    };
    w1.resize(sz(hidden) * sz(in));
    for (auto& w : w1) w = uniform(std::sqrt(6.0 / in));
    b1.assign(sz(hidden), 0.0f);
    w2.resize(sz(out) * sz(hidden));
    for (auto& w : w2) w = uniform(std::sqrt(6.0 / hidden));
    b2.assign(sz(out), 0.0f);
}

std::vector<float> mlp::forward(const float* x, std::vector<float>* h) const {
    std::vector<float> a(sz(hidden)), y(sz(out));
    for (std::size_t j = 0; j < a.size(); ++j) {
        float s = b1[j];
        const float* w = &w1[j * sz(in)];
        for (std::size_t i = 0; i < sz(in); ++i) s += w[i] * x[i];
        a[j] = std::max(0.0f, s);
    }
    for (std::size_t k = 0; k < y.size(); ++k) {
        float s = b2[k];
        for (std::size_t j = 0; j < a.size(); ++j) s += w2[k * sz(hidden) + j] * a[j];
        y[k] = s;
    }
    if (h) *h = std::move(a);
    return y;
}

int mlp::predict(const float* x) const {
    const auto y = forward(x);
    return static_cast<int>(std::max_element(y.begin(), y.end()) - y.begin());
}

nlohmann::json mlp::to_json() const {
    return {{"in", in}, {"hidden", hidden}, {"out", out}, {"w1", w1}, {"b1", b1}, {"w2", w2}, {"b2", b2}};
}

mlp mlp::from_json(const nlohmann::json& j, const std::string& file) {
    mlp m;
    for (const char* k : {"in", "hidden", "out"})
        if (!j.contains(k) || !j[k].is_number_integer() || j[k].get<int>() < 1 || j[k].get<int>() > 4096)
            throw input_error(file, std::string("ann.") + k, "expected a layer size in [1, 4096]");
    m.in = j["in"].get<int>();
    m.hidden = j["hidden"].get<int>();
    m.out = j["out"].get<int>();
    m.w1 = floats(j, "w1", sz(m.hidden) * sz(m.in), file);
    m.b1 = floats(j, "b1", sz(m.hidden), file);
    m.w2 = floats(j, "w2", sz(m.out) * sz(m.hidden), file);
    m.b2 = floats(j, "b2", sz(m.out), file);
    return m;
}

mlp train_mlp(const std::vector<float>& x, const std::vector<int>& y, int in, int classes,
              const training_options& o, const std::function<void(int, double)>& progress) {
    mlp m;
    m.init(in, o.hidden, classes, o.seed);
    const std::size_t n = y.size();
    std::vector<double> count(sz(classes), 0.0), weight(sz(classes), 0.0);
    for (int c : y) ++count[sz(c)];
    const double most = *std::max_element(count.begin(), count.end());
    for (std::size_t c = 0; c < weight.size(); ++c)
        weight[c] = count[c] > 0 ? std::pow(most / count[c], o.class_weight_power) : 0.0;
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::mt19937_64 rng(o.seed + 1);
    adam a1, a2, a3, a4;
    std::vector<float> g1(m.w1.size()), gb1(m.b1.size()), g2(m.w2.size()), gb2(m.b2.size());
    int t = 0;
    for (int epoch = 0; epoch < o.epochs; ++epoch) {
        for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
        // cosine decay of the learning rate over the epochs
        const double lr = o.learning_rate * 0.5 * (1 + std::cos(M_PI * epoch / o.epochs));
        double loss = 0;
        for (std::size_t start = 0; start < n; start += sz(o.batch)) {
            const std::size_t end = std::min(n, start + sz(o.batch));
            std::fill(g1.begin(), g1.end(), 0.0f);
            std::fill(gb1.begin(), gb1.end(), 0.0f);
            std::fill(g2.begin(), g2.end(), 0.0f);
            std::fill(gb2.begin(), gb2.end(), 0.0f);
            double wsum = 0;
            for (std::size_t b = start; b < end; ++b) wsum += weight[sz(y[order[b]])];
            for (std::size_t b = start; b < end; ++b) {
                const std::size_t s = order[b];
                const float* xs = &x[s * sz(in)];
                std::vector<float> h;
                auto z = m.forward(xs, &h);
                const float zmax = *std::max_element(z.begin(), z.end());
                double den = 0;
                for (auto& v : z) den += std::exp(static_cast<double>(v - zmax));
                const double w = weight[sz(y[s])] / wsum;
                loss -= w * (static_cast<double>(z[sz(y[s])] - zmax) - std::log(den));
                std::vector<float> dh(h.size(), 0.0f);
                for (std::size_t k = 0; k < z.size(); ++k) {
                    const double p = std::exp(static_cast<double>(z[k] - zmax)) / den;
                    const auto d = static_cast<float>(w * (p - (static_cast<int>(k) == y[s] ? 1.0 : 0.0)));
                    gb2[k] += d;
                    for (std::size_t j = 0; j < h.size(); ++j) {
                        g2[k * h.size() + j] += d * h[j];
                        dh[j] += d * m.w2[k * h.size() + j];
                    }
                }
                for (std::size_t j = 0; j < h.size(); ++j) {
                    if (h[j] <= 0.0f) continue;
                    gb1[j] += dh[j];
                    for (std::size_t i = 0; i < sz(in); ++i) g1[j * sz(in) + i] += dh[j] * xs[i];
                }
            }
            ++t;
            a1.step(m.w1, g1, lr, t, o.weight_decay);
            a2.step(m.b1, gb1, lr, t, o.weight_decay);
            a3.step(m.w2, g2, lr, t, o.weight_decay);
            a4.step(m.b2, gb2, lr, t, o.weight_decay);
        }
        if (progress) progress(epoch + 1, loss * static_cast<double>(o.batch) / static_cast<double>(n));
    }
    return m;
}

} // namespace spikekit::app::ecg
