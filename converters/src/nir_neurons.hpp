#pragma once
// NIR neuron nodes as spikekit populations, discretised at dt (see nir_neurons.cpp for the equations).
#include <string>
#include <vector>

#include "spikekit/converters/nir.hpp"
#include "spikekit/core/network.hpp"

namespace spikekit::converters::nirneurons {

// A threshold no membrane reaches: the populations of non-spiking nodes (LI, CubaLI, I, readouts).
inline constexpr double never_fires = 1e30;

struct mapped {
    population pop;
    std::vector<double> gain; // per neuron: the factor from a step's NIR input value to the kernel's jump
    std::string note;         // the discretisation, for the user
    bool spiking = true;
};

mapped map_neuron(const std::string& file, const nir_node& n, const nir_import_options& o);
// A population that holds a linear output in front of an Output node: V = the input of the step.
mapped map_readout(const nir_node& out, const nir_import_options& o);

} // namespace spikekit::converters::nirneurons
