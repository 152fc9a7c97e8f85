// HDF5 images and labels (/<split>/images + /<split>/labels, or /images + /labels), through the I/O layer.
#include "spikekit/converters/dataset.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/io/h5.hpp"

namespace spikekit::converters::detail {

dataset load_hdf5(const std::string& file, split s, std::size_t limit) {
    const io::h5::reader r(file);
    const std::string group = s == split::train ? "/train" : "/test";
    const std::string prefix = r.has(group + "/images") ? group : "";
    const std::string xi = prefix + "/images", yi = prefix + "/labels";
    if (!r.has(xi) || !r.has(yi))
        throw input_error(file, group + "/images",
                          "no images and labels datasets (" + group + "/images or /images)");
    const auto xd = r.dims(xi), yd = r.dims(yi);
    dataset d;
    d.source = file + ":" + xi;
    d.sample = sample_shape_of(xd, file, xi);
    if (yd.size() != 1) throw input_error(file, yi, "labels must be 1-D");
    d.count = xd[0];
    const bool pixels = r.is_u8(xi);
    d.x = r.read<float>(xi);
    const auto labels = r.read<std::int32_t>(yi);
    d.labels.assign(labels.begin(), labels.end());
    if (pixels)
        for (auto& v : d.x) v /= 255.0f;
    finish_dataset(d, limit, file + ":" + yi);
    return d;
}

} // namespace spikekit::converters::detail
