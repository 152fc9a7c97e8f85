#pragma once
// The ECG monitor's model folder and its two executions.
//
// MODEL/ holds
//   ecg.json       the feature settings, the classes, the float ANN and a summary of its training;
//   network.json   the integer spiking network (below), replaying one beat of training data.
// The network is the ANN converted by threshold balancing (Rueckauer et al. 2017; the largest hidden
// activation on training beats) and written with true 8-bit weights: input (spike counts) ->
// bias neuron + `hidden` lif_int neurons (reset by subtraction, no leak, 16-bit membrane, one threshold for
// the layer with every weight and bias in [-127, 127]) -> `output` lif_int neurons that never fire (32-bit
// membrane, no reset), read by argmax. Not `spikekit convert --out-bits 8`: its weights are 8-bit mantissas
// shifted left by 8 (quantize.hpp), which the chip presets' 8- and 9-bit synapse memories refuse.
// A beat is classified by the float ANN (ann_classify) or by running the spiking network in the simulation
// kernel with the beat's spike counts as its input (snn_classifier): each input neuron fires its count
// evenly over the `steps` steps, the bias neuron every step; the class is the output neuron with the largest
// membrane potential at the end (the output neurons never fire), ties to the lowest index.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ecg_data.hpp"
#include "ecg_mlp.hpp"
#include "spikekit/core/model.hpp"
#include "spikekit/core/network.hpp"

namespace spikekit::app::ecg {

struct model {
    std::string dir;
    feature_config features;
    class_set classes;
    mlp ann;
    nlohmann::json training; // what ecg train recorded
};

// The integer spiking network of the model's ANN, thresholds balanced on `calibration` (not empty).
network_description integer_network(const model& m, const std::vector<beat>& calibration, int bits = 8);
// Converts the ANN (thresholds balanced on `calibration`) and writes the whole folder atomically per file.
void save_model(const model& m, const std::vector<beat>& calibration, int bits = 8);
model load_model(const std::string& dir);
// The model shipped in the repository (trained --split inter on DS1).
std::string default_model_dir();

int ann_classify(const model& m, const beat& b);

// One kernel simulation per beat of the integer network.
class snn_classifier {
  public:
    explicit snn_classifier(const model& m);
    struct result {
        int predicted = 0;
        std::uint64_t spikes = 0, synaptic_events = 0;
    };
    result classify(const beat& b) const;
    // The description with this beat as its input (for the chip model).
    network_description with_input(const beat& b) const;
    const network_description& description() const { return desc_; }
    std::int64_t steps() const { return steps_; } // steps of one classification (input + depth)

  private:
    const model& m_;
    network_description desc_;
    model_registry models_;
    std::string input_, output_;
    std::int64_t steps_ = 0;
};

// Accuracy, per-class sensitivity / positive predictivity and the confusion matrix [reference][predicted].
struct scores {
    std::vector<std::vector<std::uint64_t>> confusion;
    std::uint64_t beats = 0, correct = 0;
    explicit scores(int classes);
    void add(int reference, int predicted);
    double accuracy() const;
    double se(int c) const;
    double ppv(int c) const;
    nlohmann::json to_json(const class_set& cs) const;
    void print(const class_set& cs, const char* title) const;
};

} // namespace spikekit::app::ecg
