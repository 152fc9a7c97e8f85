#pragma once
// The ANN the ECG monitor trains before conversion: one hidden ReLU layer between the beat's input rates and
// the class logits (in -> hidden -> classes), trained with Adam on a class-weighted cross-entropy.
// Deterministic: weights and minibatch order come from one seeded mt19937_64; every sum runs in a fixed
// order, so the same data and seed give the same model on any machine with IEEE float.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>


namespace spikekit::app::ecg {

struct mlp {
    int in = 0, hidden = 0, out = 0;
    std::vector<float> w1, b1, w2, b2; // w1 [hidden][in], w2 [out][hidden]

    void init(int n_in, int n_hidden, int n_out, std::uint64_t seed);
    // Logits of one sample; `h` receives the hidden activations when given.
    std::vector<float> forward(const float* x, std::vector<float>* h = nullptr) const;
    int predict(const float* x) const;
    nlohmann::json to_json() const;
    static mlp from_json(const nlohmann::json& j, const std::string& file);
};

struct training_options {
    int hidden = 48;
    int epochs = 20;
    int batch = 64;
    double learning_rate = 2e-3;
    double class_weight_power = 1.0; // class weight = (n_max / n_class)^power
    double weight_decay = 1e-4;      // L2 term added to the gradient (as torch.optim.Adam's weight_decay)
    std::uint64_t seed = 1;
};

// Trains on samples x[i * in .. ] with labels y[i] in [0, classes); `progress` receives (epoch, loss).
mlp train_mlp(const std::vector<float>& x, const std::vector<int>& y, int in, int classes,
              const training_options& o, const std::function<void(int, double)>& progress = {});

} // namespace spikekit::app::ecg
