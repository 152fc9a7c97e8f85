// Reading a NIR file into a nir_graph (the HDF5 layout of nir.write; conversion.md 2.2) and writing one back.
#include <algorithm>
#include <cmath>

#include "nir_h5.hpp"
#include "nir_schema.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/io/atomic_file.hpp"

namespace spikekit::converters {
namespace {

// Numbers stored as a string, strings stored as numbers, floats where NIR stores integers: each is an
// input_error naming the node and the field, except integral floats in lenient mode (listed as relaxed).
void check_field(const std::string& file, const std::string& where, const nirschema::field_spec& f,
                 const nir_value& v, bool lenient, std::vector<std::string>& relaxed) {
    using nirschema::kind;
    if (f.k == kind::number && v.text)
        throw input_error(file, where, "expected numbers, found a string dataset");
    if (f.k == kind::integer || f.k == kind::integer_or_string) {
        if (v.text) {
            if (f.k == kind::integer_or_string && v.strings.size() == 1 &&
                (v.strings[0] == "same" || v.strings[0] == "valid"))
                return;
            throw input_error(file, where, "expected integers, found a string dataset");
        }
        if (!v.integer) {
            const bool integral = std::all_of(v.numbers.begin(), v.numbers.end(),
                                              [](double x) { return std::nearbyint(x) == x; });
            if (!lenient || !integral)
                throw input_error(file, where,
                                  "expected an integer dataset (int64), found floating-point numbers");
            relaxed.push_back(where + ": integral floating-point numbers taken as integers");
        }
    }
}

nir_node read_node(const nirh5::file_reader& h, const std::string& path, const std::string& name,
                   bool lenient, std::vector<std::string>& relaxed, const std::string& file) {
    nir_node n;
    n.name = name;
    const std::string where = path.substr(1);
    if (!h.exists(path + "/type"))
        throw input_error(file, where + "/type", "missing: every NIR node names its type");
    const nir_value t = h.read(path + "/type", where + "/type");
    if (!t.text || t.strings.size() != 1)
        throw input_error(file, where + "/type", "expected one string (the node type)");
    n.type = t.strings[0];
    const auto* spec = nirschema::find(n.type);
    if (!spec)
        throw input_error(file, where + "/type",
                          "unknown node type '" + n.type + "' (known: " + nirschema::known_types() + ")");
    for (const auto& c : h.children(path)) {
        const std::string p = path + "/" + c;
        if (c == "type") continue;
        if (c == "metadata") {
            for (const auto& m : h.children(p))
                if (!h.is_group(p + "/" + m)) {
                    const nir_value v = h.read(p + "/" + m, where + "/metadata/" + m);
                    if (v.text && v.strings.size() == 1) n.metadata[m] = v.strings[0];
                }
            continue;
        }
        if (n.type == "NIRGraph" && c == "nodes") {
            for (const auto& k : h.children(p))
                n.nodes.push_back(read_node(h, p + "/" + k, k, lenient, relaxed, file));
            continue;
        }
        if (h.is_group(p)) continue; // an unknown sub-group (future fields) is ignored
        n.fields[c] = h.read(p, where + "/" + c);
    }
    for (const auto& f : spec->fields) {
        const nir_value* v = n.find(std::string(f.name));
        if (!v) {
            if (f.required)
                throw input_error(file, where + "/" + std::string(f.name),
                                  "missing (required by " + n.type + ")");
            continue;
        }
        check_field(file, where + "/" + std::string(f.name), f, *v, lenient, relaxed);
    }
    if (n.type == "NIRGraph") {
        const nir_value* e = n.find("edges");
        if (e && e->text) {
            if (e->shape.size() != 2 || e->shape[1] != 2)
                throw input_error(file, where + "/edges", "expected a (E, 2) string dataset");
            for (std::size_t k = 0; k + 1 < e->strings.size(); k += 2)
                n.edges.emplace_back(e->strings[k], e->strings[k + 1]);
        } else if (e && e->count() != 0) { // an empty edge list is written as float64 (0,) by h5py
            throw input_error(file, where + "/edges", "expected a (E, 2) string dataset of node names");
        }
        n.fields.erase("edges");
    }
    return n;
}

void write_node(nirh5::file_writer& w, const std::string& path, const nir_node& n) {
    w.group(path);
    nir_value t;
    t.text = true;
    t.strings = {n.type};
    w.write(path + "/type", t);
    for (const auto& [k, v] : n.fields) w.write(path + "/" + k, v);
    if (!n.metadata.empty()) {
        w.group(path + "/metadata");
        for (const auto& [k, s] : n.metadata) {
            nir_value m;
            m.text = true;
            m.strings = {s};
            w.write(path + "/metadata/" + k, m);
        }
    }
    if (n.type != "NIRGraph") return;
    w.group(path + "/nodes");
    for (const auto& c : n.nodes) write_node(w, path + "/nodes/" + c.name, c);
    nir_value e;
    if (n.edges.empty()) { // as h5py writes an empty list
        e.shape = {0};
    } else {
        e.text = true;
        e.shape = {n.edges.size(), 2};
        for (const auto& [a, b] : n.edges) {
            e.strings.push_back(a);
            e.strings.push_back(b);
        }
    }
    w.write(path + "/edges", e);
}

} // namespace

nir_graph read_nir(const std::string& path, bool lenient) {
    nirh5::file_reader h(path);
    nir_graph g;
    g.file = path;
    if (h.exists("/version")) {
        const nir_value v = h.read("/version", "version");
        if (v.text && !v.strings.empty()) g.version = v.strings[0];
    }
    if (!h.exists("/node") || !h.is_group("/node"))
        throw input_error(path, "node", "missing: a NIR file holds its graph in the group /node");
    g.root = read_node(h, "/node", "node", lenient, g.relaxed, path);
    if (g.root.type != "NIRGraph")
        throw input_error(path, "node/type", "expected NIRGraph at the top, found " + g.root.type);
    check_nir(g, lenient);
    return g;
}

void write_nir(const nir_graph& g, const std::string& path) {
    io::write_atomically(path, [&](const std::string& tmp) {
        nirh5::file_writer w(tmp);
        nir_value v;
        v.text = true;
        v.strings = {g.version.empty() ? std::string("1.0.7") : g.version};
        w.write("/version", v);
        write_node(w, "/node", g.root);
        w.close();
    });
}

} // namespace spikekit::converters
