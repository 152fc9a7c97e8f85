// The quantized clip-floor activation of QCFS training (Bu et al., ICLR 2022),
//   lambda * clip(floor(x L / lambda + 1/2) / L, 0, 1),
// written in standard ONNX as the chain tools/train_reference.py exports:
//   Mul(L / lambda) -> Add(0.5) -> Floor -> Div(L) -> Clip(0, 1) -> Mul(lambda),
// each value read by the next node only (Mul and Add take their constant on either side). The chain becomes
// one clip layer with clip_max = lambda, levels = L and qcfs_scale = the first factor, which the engine
// evaluates with the same float operations in the same order. Floor, Div and Mul anywhere else are refused.
#include <cmath>

#include "onnx_context.hpp"

namespace spikekit::converters::detail {
namespace {

constexpr int max_levels = 1 << 16;

class qcfs_chain {
  public:
    qcfs_chain(const onnx_context& ctx, const onnx::NodeProto& first) : ctx_(ctx), at_(&first) {}

    std::string why; // the first mismatch
    std::vector<const onnx::NodeProto*> nodes;

    bool fail(const std::string& problem) {
        why = problem;
        return false;
    }

    // Moves to the one node reading the current node's output, which must be an `op`.
    bool step(const std::string& op) {
        const std::string& v = at_->output(0);
        const auto u = ctx_.uses.find(v);
        if (u == ctx_.uses.end() || u->second != 1 || v == ctx_.graph_output)
            return fail("'" + v + "' must be read by exactly one node, a " + op);
        for (const auto& n : ctx_.graph_proto->node())
            for (const auto& in : n.input()) {
                if (in != v) continue;
                if (n.op_type() != op)
                    return fail(node_label(n) + " reads '" + v + "' where " + op + " is expected");
                prev_ = v;
                at_ = &n;
                nodes.push_back(&n);
                return true;
            }
        return fail("nothing reads '" + v + "'");
    }

    // The scalar constant at input k of the current node (NaN when it is not one).
    float scalar(int k) const {
        if (!ctx_.is_constant(*at_, k)) return NAN;
        const constant& c = ctx_.const_input(*at_, k);
        return c.f.size() == 1 ? c.f[0] : NAN;
    }

    // The scalar the current binary node combines with the previous value; `either` allows it on the left.
    float operand(bool either) const {
        if (at_->input_size() != 2) return NAN;
        if (at_->input(0) == prev_) return scalar(1);
        return either && at_->input(1) == prev_ ? scalar(0) : NAN;
    }

  private:
    const onnx_context& ctx_;
    const onnx::NodeProto* at_;
    std::string prev_;
};

// The computed input and the factor of the first Mul.
bool first_mul(const onnx_context& ctx, const onnx::NodeProto& n, int& src, float& scale, std::string& why) {
    const int k = ctx.is_constant(n, 1) ? 1 : 0;
    if (n.input_size() != 2 || !ctx.is_constant(n, k) || ctx.is_constant(n, 1 - k) ||
        ctx.const_input(n, k).f.size() != 1) {
        why = "it must multiply a computed tensor by a scalar constant";
        return false;
    }
    src = ctx.layer_input(n, 1 - k);
    scale = ctx.const_input(n, k).f[0];
    if (!(scale > 0.0f) || std::isinf(scale)) {
        why = "the factor L / lambda must be finite and > 0";
        return false;
    }
    return true;
}

} // namespace

bool match_qcfs(onnx_context& ctx, const onnx::NodeProto& first, std::string& why) {
    int src = 0;
    float scale = 0.0f;
    if (!first_mul(ctx, first, src, scale, why)) return false;
    qcfs_chain c(ctx, first);
    const bool shape_ok = c.step("Add") && (c.operand(true) == 0.5f || c.fail("the Add must add 0.5")) &&
                          c.step("Floor") && c.step("Div");
    const float levels = shape_ok ? c.operand(false) : NAN;
    const bool levels_ok =
        shape_ok &&
        ((levels >= 1.0f && levels <= max_levels && levels == std::floor(levels)) ||
         c.fail("the Div must divide by a whole number of levels L in 1.." + std::to_string(max_levels)));
    const bool clip_ok =
        levels_ok && c.step("Clip") &&
        ((c.scalar(1) == 0.0f && c.scalar(2) == 1.0f) || c.fail("the Clip must be Clip(0, 1)"));
    const float lambda = clip_ok && c.step("Mul") ? c.operand(true) : NAN;
    if (!(lambda > 0.0f) || std::isinf(lambda)) {
        why = c.why.empty() ? "the last Mul must multiply by a finite lambda > 0" : c.why;
        return false;
    }
    if (std::abs(scale * lambda / levels - 1.0f) > 1e-4f) {
        why = "the first factor " + std::to_string(scale) +
              " is not L / lambda = " + std::to_string(levels / lambda);
        return false;
    }
    layer l;
    l.kind = op::clip;
    l.inputs = {src};
    l.out = ctx.at(src).out;
    l.clip_max = lambda;
    l.levels = static_cast<int>(levels);
    l.qcfs_scale = scale;
    const int index = ctx.add(first, std::move(l));
    ctx.g.layers.back().onnx_op = "QCFS";
    ctx.produced[c.nodes.back()->output(0)] = index;
    ctx.consumed.insert(c.nodes.begin(), c.nodes.end());
    return true;
}

} // namespace spikekit::converters::detail
