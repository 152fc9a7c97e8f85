#include "conv_projection.hpp"

#include <algorithm>
#include <cmath>

#include "spikekit/core/error.hpp"
#include "spikekit/core/lowering.hpp"

namespace spikekit::lowering {

std::vector<std::int32_t> conv_taps(std::uint32_t n_in, std::uint32_t k, std::uint32_t stride,
                                    std::uint32_t pad, std::uint32_t dil, std::uint32_t n_out) {
    std::vector<std::int32_t> out(std::size_t{n_in} * k, -1);
    for (std::uint32_t i = 0; i < n_in; ++i)
        for (std::uint32_t t = 0; t < k; ++t) {
            const auto num = static_cast<std::int64_t>(i) + pad - static_cast<std::int64_t>(t) * dil;
            if (num < 0 || num % stride) continue;
            const auto o = num / stride;
            if (o < n_out) out[std::size_t{i} * k + t] = static_cast<std::int32_t>(o);
        }
    return out;
}

} // namespace spikekit::lowering

namespace spikekit::detail {

conv_projection::conv_projection(conv_kernel k)
    : geo(k.geo), kernel(std::move(k.weight)), delay(k.delay_steps) {
    out_row = lowering::conv_taps(geo.in_shape[1], geo.kernel[0], geo.stride[0], geo.padding[0],
                                  geo.dilation[0], geo.out_h());
    out_col = lowering::conv_taps(geo.in_shape[2], geo.kernel[1], geo.stride[1], geo.padding[1],
                                  geo.dilation[1], geo.out_w());
}

void conv_projection::deliver(const std::vector<std::uint32_t>& spikes, std::int64_t step,
                              std::uint32_t slots, std::uint64_t channels, float* ring) const {
    const std::uint32_t C = geo.in_shape[0], H = geo.in_shape[1], W = geo.in_shape[2];
    const std::uint32_t kh = geo.kernel[0], kw = geo.kernel[1], OH = geo.out_h(), OW = geo.out_w();
    const std::uint32_t cin_g = C / geo.groups, cout_g = geo.out_channels / geo.groups;
    float* out = ring + static_cast<std::uint64_t>((step + delay) % slots) * channels + chan_base;
    auto lo = std::lower_bound(spikes.begin(), spikes.end(), src_gid0);
    for (; lo != spikes.end() && *lo < src_gid0 + C * H * W; ++lo) {
        const std::uint32_t local = *lo - src_gid0;
        const std::uint32_t c = local / (H * W), y = local / W % H, x = local % W;
        const std::uint32_t group = c / cin_g, ci = c % cin_g;
        for (std::uint32_t ky = 0; ky < kh; ++ky) {
            const auto oy = out_row[std::size_t{y} * kh + ky];
            if (oy < 0) continue;
            for (std::uint32_t kx = 0; kx < kw; ++kx) {
                const auto ox = out_col[std::size_t{x} * kw + kx];
                if (ox < 0) continue;
                const std::uint64_t pos =
                    static_cast<std::uint64_t>(oy) * OW + static_cast<std::uint64_t>(ox);
                for (std::uint32_t o = group * cout_g; o < (group + 1) * cout_g; ++o) {
                    out[std::uint64_t{o} * OH * OW + pos] +=
                        kernel[((std::size_t{o} * cin_g + ci) * kh + ky) * kw + kx];
                }
            }
        }
    }
}

std::uint64_t conv_projection::out_degree(std::uint32_t local) const {
    const std::uint32_t H = geo.in_shape[1], W = geo.in_shape[2], kh = geo.kernel[0], kw = geo.kernel[1];
    const std::uint32_t y = local / W % H, x = local % W;
    std::uint64_t rows = 0, cols = 0;
    for (std::uint32_t ky = 0; ky < kh; ++ky) rows += out_row[std::size_t{y} * kh + ky] >= 0;
    for (std::uint32_t kx = 0; kx < kw; ++kx) cols += out_col[std::size_t{x} * kw + kx] >= 0;
    return rows * cols * (geo.out_channels / geo.groups);
}

std::uint64_t conv_projection::connections() const {
    std::uint64_t n = 0;
    const std::uint32_t src = geo.in_shape[0] * geo.in_shape[1] * geo.in_shape[2];
    for (std::uint32_t i = 0; i < src; ++i) n += out_degree(i);
    return n;
}

} // namespace spikekit::detail
