// Checking a NIR graph: nested graphs dissolved into one flat graph, edges resolved, shapes inferred along
// the edges and compared (conversion.md 2.4: fan-in sums, cycles allowed, "G.B" addresses node B of subgraph
// G, exact names first since exporters put dots into plain names).
#include <algorithm>
#include <sstream>

#include "nir_schema.hpp"
#include "nir_shapes.hpp"
#include "spikekit/converters/nir.hpp"
#include "spikekit/core/error.hpp"

namespace spikekit::converters {
namespace {

using shape_t = std::vector<std::size_t>;

struct flattener {
    nir_graph& g;

    // Flat indices of what an edge from (`from` = true) or to `name` means inside `graph` (flat prefix
    // `prefix`).
    std::vector<std::size_t> resolve(const nir_node& graph, const std::string& prefix,
                                     const std::string& name, bool from, const std::string& where) {
        for (const auto& c : graph.nodes) {
            if (c.name != name) continue;
            if (c.type != "NIRGraph") return {index(prefix + name)};
            std::vector<std::size_t> ports;
            for (const auto& inner : c.nodes)
                if (inner.type == (from ? "Output" : "Input"))
                    for (auto k : resolve(c, prefix + name + ".", inner.name, from, where))
                        ports.push_back(k);
            if (ports.empty())
                throw input_error(g.file, where,
                                  "subgraph '" + prefix + name + "' has no " + (from ? "Output" : "Input") +
                                      " node");
            return ports;
        }
        const auto dot = name.find('.');
        if (dot != std::string::npos)
            for (const auto& c : graph.nodes)
                if (c.type == "NIRGraph" && c.name == name.substr(0, dot))
                    return resolve(c, prefix + c.name + ".", name.substr(dot + 1), from, where);
        throw input_error(g.file, where, "no node named '" + name + "' (dangling edge)");
    }

    std::size_t index(const std::string& flat_name) const {
        for (std::size_t k = 0; k < g.flat.size(); ++k)
            if (g.flat[k].name == flat_name) return k;
        throw input_error(g.file, "node '" + flat_name + "'", "not found");
    }

    void add_nodes(const nir_node& graph, const std::string& prefix, bool nested) {
        for (const auto& c : graph.nodes) {
            if (c.type == "NIRGraph") {
                add_nodes(c, prefix + c.name + ".", true);
                continue;
            }
            nir_node n = c;
            n.name = prefix + c.name;
            n.port = nested && (c.type == "Input" || c.type == "Output");
            g.flat.push_back(std::move(n));
        }
    }

    void add_edges(const nir_node& graph, const std::string& prefix, const std::string& path) {
        for (std::size_t k = 0; k < graph.edges.size(); ++k) {
            const auto& [a, b] = graph.edges[k];
            const std::string where = path + "/edges[" + std::to_string(k) + "] (" + a + " -> " + b + ")";
            for (auto s : resolve(graph, prefix, a, true, where))
                for (auto t : resolve(graph, prefix, b, false, where)) g.flat_edges.emplace_back(s, t);
        }
        for (const auto& c : graph.nodes)
            if (c.type == "NIRGraph") add_edges(c, prefix + c.name + ".", path + "/nodes/" + c.name);
    }
};

std::string text(const shape_t& s) {
    std::string t = "[";
    for (std::size_t k = 0; k < s.size(); ++k) t += (k ? "," : "") + std::to_string(s[k]);
    return t + "]";
}

std::size_t count(const shape_t& s) {
    std::size_t n = 1;
    for (auto d : s) n *= d;
    return n;
}

} // namespace

void check_nir(nir_graph& g, bool lenient) {
    g.flat.clear();
    g.flat_edges.clear();
    flattener f{g};
    f.add_nodes(g.root, "", false);
    f.add_edges(g.root, "", "node");
    for (auto& n : g.flat) nirshapes::own_shapes(g.file, n);
    // Shapes that come from the predecessor (convolutions without input_shape, pools, Flatten without
    // input_type, ports): propagated along the edges until nothing changes (cycles allowed).
    for (bool changed = true; changed;) {
        changed = false;
        for (const auto& [s, t] : g.flat_edges) {
            nir_node& b = g.flat[t];
            if (!b.in_shape.empty() || g.flat[s].out_shape.empty()) continue;
            nirshapes::from_input(g.file, b, g.flat[s].out_shape);
            changed = true;
        }
    }
    for (const auto& [s, t] : g.flat_edges) {
        const nir_node &a = g.flat[s], &b = g.flat[t];
        if (a.out_shape == b.in_shape) continue;
        const std::string where = "edge " + a.name + " -> " + b.name;
        const std::string what = a.name + " (" + a.type + ") gives " + text(a.out_shape) + " but " + b.name +
                                 " (" + b.type + ") field '" + nirshapes::input_field(b) + "' expects " +
                                 text(b.in_shape);
        if (!lenient || a.out_shape.empty() || b.in_shape.empty() || count(a.out_shape) != count(b.in_shape))
            throw input_error(g.file, where, "shape mismatch: " + what);
        g.relaxed.push_back(where + ": " + what + " (same number of elements, taken as equal)");
    }
    for (const auto& n : g.flat)
        if (n.in_shape.empty() || n.out_shape.empty())
            throw input_error(
                g.file, "node '" + n.name + "'",
                "its input shape cannot be inferred (no edge into it and no input_shape/input_type)");
}

std::string describe_nir(const nir_graph& g) {
    std::ostringstream o;
    o << g.file << ": NIR " << (g.version.empty() ? "(no version)" : g.version) << ", " << g.flat.size()
      << " nodes, " << g.flat_edges.size() << " edges\n";
    std::size_t width = 4;
    for (const auto& n : g.flat) width = std::max(width, n.name.size());
    for (const auto& n : g.flat) {
        o << "  " << n.name << std::string(width + 2 - n.name.size(), ' ') << n.type
          << std::string(n.type.size() < 10 ? 10 - n.type.size() : 1, ' ') << text(n.in_shape) << " -> "
          << text(n.out_shape);
        if (n.port) o << "  (port of a nested graph)";
        o << nirshapes::summary(n) << "\n";
    }
    o << "edges:\n";
    for (const auto& [s, t] : g.flat_edges) o << "  " << g.flat[s].name << " -> " << g.flat[t].name << "\n";
    for (const auto& r : g.relaxed) o << "relaxed (--lenient): " << r << "\n";
    return o.str();
}

} // namespace spikekit::converters
