#pragma once
// Drive one lowered neuron group directly, step by step, to compare its state with analytic solutions in
// double precision.
#include <memory>
#include <vector>

#include "spikekit/neurons/models.hpp"

namespace spikekit::test {

struct single_neuron {
    std::unique_ptr<neuron_group> group;
    const neuron_model* model;
    std::vector<float> in0, in1;
    std::vector<double> ext;
    std::int64_t step_no = 0;

    single_neuron(const char* name, const param_map& given, double dt, std::uint32_t n = 1) {
        static const auto reg = neurons::builtin_models();
        model = reg.find(name);
        group = model->lower(with_defaults(model->params(), given), n, dt, {});
        in0.assign(n, 0.0f);
        in1.assign(n, 0.0f);
        ext.assign(n, 0.0);
    }
    // One step with the given inputs on receptor 0 and 1; returns the spiking neurons.
    std::vector<std::uint32_t> step(float x0 = 0, float x1 = 0) {
        for (auto& v : in0) v = x0;
        for (auto& v : in1) v = x1;
        float* in[2] = {in0.data(), in1.data()};
        step_args a;
        a.step = step_no++;
        a.input = in;
        a.i_ext = ext.data();
        std::vector<std::uint32_t> spikes;
        group->step(a, 0, static_cast<std::uint32_t>(in0.size()), spikes);
        return spikes;
    }
    double get(const char* var, std::uint32_t i = 0) const {
        return group->get(static_cast<std::size_t>(model->state_index(var)), i, step_no);
    }
    void set(const char* var, double v, std::uint32_t i = 0) {
        group->set(static_cast<std::size_t>(model->state_index(var)), i, v);
    }
};

} // namespace spikekit::test
