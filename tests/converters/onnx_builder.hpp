#pragma once
// Builds small ONNX models in memory for the importer tests (weights as raw little-endian floats, as
// torch.onnx.export writes them).
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "../support/test_support.hpp"

namespace spikekit::test {

struct onnx_builder {
    onnx::ModelProto m;
    onnx::GraphProto* g;

    explicit onnx_builder(std::vector<long> input_dims, int opset = 13, bool dynamic_batch = true) {
        m.set_ir_version(7);
        auto* o = m.add_opset_import();
        o->set_domain("");
        o->set_version(opset);
        g = m.mutable_graph();
        g->set_name("test");
        auto* in = g->add_input();
        in->set_name("x");
        auto* tt = in->mutable_type()->mutable_tensor_type();
        tt->set_elem_type(onnx::TensorProto::FLOAT);
        for (std::size_t k = 0; k < input_dims.size(); ++k) {
            auto* d = tt->mutable_shape()->add_dim();
            if (k == 0 && dynamic_batch)
                d->set_dim_param("N");
            else
                d->set_dim_value(input_dims[k]);
        }
    }

    void initializer(const std::string& name, std::vector<long> dims, const std::vector<float>& v) {
        auto* t = g->add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::FLOAT);
        for (long d : dims) t->add_dims(d);
        t->set_raw_data(std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float)));
    }

    void ints(const std::string& name, const std::vector<long>& v) {
        auto* t = g->add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::INT64);
        t->add_dims(static_cast<long>(v.size()));
        for (long x : v) t->add_int64_data(x);
    }

    // A scalar float Constant node (torch.onnx.export writes the constants of elementwise ops this way).
    void constant(const std::string& name, float v) {
        auto* a = node("Constant", {}, name)->add_attribute();
        a->set_name("value");
        a->set_type(onnx::AttributeProto::TENSOR);
        a->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
        a->mutable_t()->add_float_data(v);
    }

    onnx::NodeProto* node(const std::string& op, std::initializer_list<std::string> inputs,
                          const std::string& output) {
        auto* n = g->add_node();
        n->set_op_type(op);
        n->set_name(output + "_node");
        for (const auto& i : inputs) n->add_input(i);
        n->add_output(output);
        return n;
    }

    static void attr(onnx::NodeProto* n, const std::string& name, std::initializer_list<long> v) {
        auto* a = n->add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::INTS);
        for (long x : v) a->add_ints(x);
    }
    static void attr(onnx::NodeProto* n, const std::string& name, long v) {
        auto* a = n->add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::INT);
        a->set_i(v);
    }

    std::string bytes(const std::string& output) {
        g->add_output()->set_name(output);
        return m.SerializeAsString();
    }
};

// Deterministic pseudo-random values in [-1, 1) for weights and inputs.
inline std::vector<float> values(std::size_t n, unsigned seed) {
    std::vector<float> v(n);
    unsigned s = seed * 2654435761u + 1;
    for (auto& x : v) {
        s = s * 1664525u + 1013904223u;
        x = static_cast<float>(s >> 8) / static_cast<float>(1u << 23) - 1.0f;
    }
    return v;
}

// A committed reference model (tests/data/onnx/, made by tools/train_reference.py).
inline std::string fixture(const std::string& name) {
    return source_path("tests/data/onnx/" + name);
}

} // namespace spikekit::test
