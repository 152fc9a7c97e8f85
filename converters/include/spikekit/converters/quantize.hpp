#pragma once
// Quantization of a converted network to the integer arithmetic of chips (lif_int, int_lif_arith.hpp).
//
// In the normalised form of a layer (spikes of value 1, threshold 1) the weights are
// W'[o][i] = W[o][i] * theta_in[i] / theta_out[o] and the bias b'[o] = b[o] / theta_out[o]. They are
// quantized symmetrically to `bits` bits with one scale s per layer (or per output channel):
// q = round(W' / s) in [-(2^(bits-1) - 1), 2^(bits-1) - 1], s = max |W'| / (2^(bits-1) - 1). The integer
// neuron counts its membrane, bias and threshold in finer units u = s / 2^shift, shift = max(0, 16 - bits):
// a weight q adds q * 2^shift (a bits-wide mantissa shifted left, like a chip's weight exponent), the bias is
// round(b' / u) and the threshold round(1 / u) (at least 1). Why: with u = s the bias and threshold steps
// were up to ~1 % of the threshold; a first-layer bias (BatchNorm shift) then crossed a spike-count boundary
// for a whole channel's background at once (F-MNIST CNN+BN at T = 8: 79.3 % against 81.3 % float, 10,000
// images). quantize() returns the float model that computes exactly the integer network (q * s and the
// rounded bias and threshold mapped back through theta), so the evaluator measures its accuracy.
//
// theta_in is traced back through pooling, padding and flattening to the spiking layer (or the input) that
// feeds the weighted layer; theta_out is the threshold of the spiking layer the weighted layer drives,
// directly or through one residual Add (1 for the output layer). Where either cannot be traced (a weighted
// layer fed by a sum of differently scaled layers) the layer is quantized as it is, with theta = 1.
// Identity paths of residual Adds carry no weights and are not quantized.
#include <vector>

#include "spikekit/converters/convert.hpp"

namespace spikekit::converters {

struct quantization {
    int bits = 8; // 2..16
    bool per_channel = false;
};

// Integer parameters of one weighted layer after quantization (what a chip or lif_int receives).
struct quantized_layer {
    std::vector<int> weight, bias; // same layout as the float layer
    std::vector<float> scale;      // weight step s, one per layer or per output channel
    std::vector<int> threshold;    // integer threshold per scale entry, in units of s / 2^shift (as the bias)
    int shift = 0;                 // a weight q adds q * 2^shift to the membrane
};

// The shift of the state units for `bits`-bit weights: 16 - bits (0 from 16 bits on).
int state_shift(int bits);

snn_model quantize(const snn_model& m, const quantization& q,
                   std::vector<quantized_layer>* integer = nullptr);

} // namespace spikekit::converters
