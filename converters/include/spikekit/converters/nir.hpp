#pragma once
// NIR (Neuromorphic Intermediate Representation, Pedersen et al., Nature Communications 15, 8122, 2024) in
// and out of spikekit's network description. The facts of the format (HDF5 layout of nir.write, node types
// and their fields, defaults, the quirks of real files) are in ../shared/notes/conversion.md section 2 and
// come from neuromorphs/NIR (nir/serialization.py, nir/ir/*.py).
//
// Reading: read_nir() gives the graph as written (nested graphs kept), checked: every node has a known type,
// every field its expected kind (numeric, integer, string) and shape, every edge names existing nodes, and
// the shapes along every edge agree. Every failure is an input_error naming the file, the node and the field.
// With `lenient`, a shape disagreement along an edge whose two shapes hold the same number of elements (what
// the reference reader refuses only by type strictness, e.g. lif_rockpool.nir's Output [1,1,1] after LIF [1])
// is accepted and listed in nir_graph::relaxed.
//
// Import (nir_import.cpp): neuron nodes become populations, the linear nodes between them become projections.
// The discretisation is listed in nir_import_result::notes; see converters/README.md.
// Export (nir_export.cpp): the inverse, refusing what NIR cannot express.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spikekit/core/network.hpp"

namespace spikekit::converters {

// One dataset of a node group: numbers (converted to double on read; `integer` if stored as an integer type)
// or strings.
struct nir_value {
    std::vector<double> numbers;
    std::vector<std::string> strings;
    std::vector<std::size_t> shape; // empty: scalar
    bool integer = false;
    bool text = false; // a string dataset
    std::size_t count() const {
        std::size_t n = 1;
        for (auto d : shape) n *= d;
        return n;
    }
};

struct nir_node {
    std::string name; // the key under nodes/ (top level: "node")
    std::string type; // Input, Output, Affine, ..., NIRGraph
    std::map<std::string, nir_value> fields;
    std::map<std::string, std::string> metadata; // string entries of metadata/
    // NIRGraph only:
    std::vector<nir_node> nodes;
    std::vector<std::pair<std::string, std::string>> edges;
    // Filled by read_nir for every non-graph node: shapes of what enters and leaves the node (batch
    // excluded).
    std::vector<std::size_t> in_shape, out_shape;
    bool port = false; // an Input or Output of a nested graph: passes its input on unchanged

    const nir_value* find(const std::string& f) const {
        auto it = fields.find(f);
        return it == fields.end() ? nullptr : &it->second;
    }
};

struct nir_graph {
    std::string file;
    std::string version;
    nir_node root;                    // type NIRGraph
    std::vector<std::string> relaxed; // what --lenient accepted
    // Filled by check_nir: the graph with nested graphs dissolved (names dotted, "G.B"), shapes inferred, and
    // the edges as indices into `flat`.
    std::vector<nir_node> flat;
    std::vector<std::pair<std::size_t, std::size_t>> flat_edges;
};

// Read and check a NIR file (see above).
nir_graph read_nir(const std::string& path, bool lenient = false);
// Check a graph in memory (read_nir calls it; export calls it on what it writes).
void check_nir(nir_graph& g, bool lenient);
// The graph as text: nodes with type and shapes, one line each (nested graphs indented), then the edges.
std::string describe_nir(const nir_graph& g);
// Write `g` in the layout of nir.write (version dataset, node groups with a `type` string dataset, edges as a
// string (E, 2) dataset), atomically.
void write_nir(const nir_graph& g, const std::string& path);

enum class nir_reset { zero, subtract };

struct nir_import_options {
    double dt_ms = 1.0; // NIR times are in seconds (as every writer uses them); dt in ms as spikekit's
    // Unset: a node's metadata "reset" ("zero" or "subtract", as spikekit's exporter writes it) if present,
    // else zero. Set: every spiking node.
    std::optional<nir_reset> reset;
    bool lenient = false;
    double duration_ms = 0.0; // of the description; 0: 1000 steps
};

struct nir_import_result {
    network_description desc; // synapses and kernels held in memory (list kinds); save_network() externalises
    nir_graph graph;
    std::vector<std::string> notes;           // the discretisation chosen for each neuron node, relaxations
    std::vector<std::string> inputs, outputs; // populations of the graph's Input nodes and behind its Outputs
};

nir_import_result import_nir(const std::string& path, const nir_import_options& o);
nir_import_result import_nir(nir_graph g, const nir_import_options& o);

// The populations that replay a graph's input (spike sources) and the every-step source of the biases.
inline constexpr const char* nir_bias_population = "bias";
// Spike times of the bias source for a run of `duration_ms` (one spike per step).
std::vector<double> nir_bias_times(double dt_ms, double duration_ms);

struct nir_export_options {
    bool approximate = false; // drop refractory periods (NIR has none) instead of refusing, and say so
};

struct nir_export_result {
    nir_graph graph;
    std::vector<std::string> notes; // approximations made
};

// The description as a NIR graph. Refuses (input_error naming the population or projection) what NIR cannot
// express: conductance synapses, adaptive thresholds, plastic projections, currents, per-synapse delays.
nir_export_result export_nir(const network_description& d, const nir_export_options& o = {});

// Write a description whose list-kind connectivity, weights and kernels are moved into `dir`/weights.h5
// (as hdf5 references) and whose JSON goes to `dir`/network.json; both atomically, `dir` created.
void save_network(const network_description& d, const std::string& dir);

// The inverse: hdf5-kind connectivity and weights read into list kinds, so that many simulations can be built
// from the description at once (the HDF5 library is not thread-safe) without reading the file each time.
void load_arrays(network_description& d);

} // namespace spikekit::converters
