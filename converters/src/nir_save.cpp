// A description with in-memory synapse lists saved as network.json + weights.h5 (see nir.hpp).
#include <filesystem>
#include <fstream>

#include "nir_h5.hpp"
#include "spikekit/converters/nir.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/io/atomic_file.hpp"

namespace spikekit::converters {
namespace {

template <class T>
nir_value numbers(const std::vector<T>& v, bool integer) {
    nir_value x;
    x.numbers.assign(v.begin(), v.end());
    x.shape = {v.size()};
    x.integer = integer;
    return x;
}

} // namespace

void save_network(const network_description& in, const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw runtime_error(dir + ": cannot create the directory: " + ec.message());
    network_description d = in;
    const std::string file = "weights.h5";
    io::write_atomically((std::filesystem::path(dir) / file).string(), [&](const std::string& tmp) {
        nirh5::file_writer w(tmp);
        for (std::size_t k = 0; k < d.projections.size(); ++k) {
            auto& p = d.projections[k];
            const std::string base = "/p" + std::to_string(k);
            bool group = false;
            auto open = [&] {
                if (!group) w.group(base);
                group = true;
            };
            if (p.conn.type == connectivity::kind::list) {
                open();
                w.write(base + "/sources", numbers(p.conn.sources, true));
                w.write(base + "/targets", numbers(p.conn.targets, true));
                p.conn.type = connectivity::kind::hdf5;
                p.conn.file = file;
                p.conn.sources_dataset = base + "/sources";
                p.conn.targets_dataset = base + "/targets";
                p.conn.sources.clear();
                p.conn.targets.clear();
            }
            if (p.weight.type == value_spec::kind::list) {
                open();
                w.write(base + "/weights", numbers(p.weight.values, false));
                p.weight.type = value_spec::kind::hdf5;
                p.weight.file = file;
                p.weight.dataset = base + "/weights";
                p.weight.values.clear();
            }
        }
        w.close();
    });
    const std::string json = to_json(d);
    io::write_atomically((std::filesystem::path(dir) / "network.json").string(), [&](const std::string& tmp) {
        std::ofstream f(tmp, std::ios::binary);
        f << json;
        if (!f.flush()) throw runtime_error(tmp + ": cannot write");
    });
}

void load_arrays(network_description& d) {
    for (auto& p : d.projections) {
        if (p.conn.type == connectivity::kind::hdf5) {
            nirh5::file_reader r(p.conn.file);
            const auto s = r.read(p.conn.sources_dataset, "projection " + p.name + " sources").numbers;
            const auto t = r.read(p.conn.targets_dataset, "projection " + p.name + " targets").numbers;
            p.conn.type = connectivity::kind::list;
            p.conn.sources.assign(s.begin(), s.end());
            p.conn.targets.assign(t.begin(), t.end());
        }
        if (p.weight.type == value_spec::kind::hdf5) {
            nirh5::file_reader r(p.weight.file);
            p.weight.values = r.read(p.weight.dataset, "projection " + p.name + " weight").numbers;
            p.weight.type = value_spec::kind::list;
        }
    }
}

} // namespace spikekit::converters
