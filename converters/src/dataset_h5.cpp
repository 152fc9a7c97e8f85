// HDF5 images and labels (/<split>/images + /<split>/labels, or /images + /labels).
#include <hdf5.h>

#include "spikekit/converters/dataset.hpp"
#include "spikekit/core/error.hpp"

namespace spikekit::converters::detail {
namespace {

// Closes an HDF5 handle with the right function at scope exit.
struct handle {
    hid_t id;
    herr_t (*close)(hid_t);
    ~handle() {
        if (id >= 0) close(id);
    }
};

bool has_link(hid_t f, const std::string& path) {
    const auto slash = path.find('/', 1);
    if (slash != std::string::npos && H5Lexists(f, path.substr(0, slash).c_str(), H5P_DEFAULT) <= 0)
        return false;
    return H5Lexists(f, path.c_str(), H5P_DEFAULT) > 0;
}

std::vector<hsize_t> dims_of(hid_t ds) {
    handle space{H5Dget_space(ds), H5Sclose};
    const int rank = H5Sget_simple_extent_ndims(space.id);
    std::vector<hsize_t> d(static_cast<std::size_t>(std::max(rank, 0)));
    if (rank > 0) H5Sget_simple_extent_dims(space.id, d.data(), nullptr);
    return d;
}

} // namespace

dataset load_hdf5(const std::string& file, split s, std::size_t limit) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); // errors become input_errors, not stack dumps on stderr
    handle f{H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    if (f.id < 0) throw input_error(file, "", "cannot open as HDF5");
    const std::string group = s == split::train ? "/train" : "/test";
    const std::string prefix = has_link(f.id, group + "/images") ? group : "";
    const std::string xi = prefix + "/images", yi = prefix + "/labels";
    if (!has_link(f.id, xi) || !has_link(f.id, yi))
        throw input_error(file, group + "/images",
                          "no images and labels datasets (" + group + "/images or /images)");
    handle x{H5Dopen2(f.id, xi.c_str(), H5P_DEFAULT), H5Dclose};
    handle y{H5Dopen2(f.id, yi.c_str(), H5P_DEFAULT), H5Dclose};
    if (x.id < 0 || y.id < 0) throw input_error(file, xi, "cannot open the images or labels dataset");
    const auto xd = dims_of(x.id), yd = dims_of(y.id);
    dataset d;
    d.source = file + ":" + xi;
    d.sample = sample_shape_of(xd, file, xi);
    if (yd.size() != 1) throw input_error(file, yi, "labels must be 1-D");
    d.count = xd[0];
    handle type{H5Dget_type(x.id), H5Tclose};
    const bool pixels = H5Tget_class(type.id) == H5T_INTEGER && H5Tget_size(type.id) == 1 &&
                        H5Tget_sign(type.id) == H5T_SGN_NONE;
    d.x.resize(d.count * d.sample.size());
    d.labels.resize(yd[0]);
    if ((!d.x.empty() && H5Dread(x.id, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, d.x.data()) < 0) ||
        (!d.labels.empty() &&
         H5Dread(y.id, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, d.labels.data()) < 0))
        throw input_error(file, xi, "cannot read the images or labels (not numeric?)");
    if (pixels)
        for (auto& v : d.x) v /= 255.0f;
    finish_dataset(d, limit, file + ":" + yi);
    return d;
}

} // namespace spikekit::converters::detail
