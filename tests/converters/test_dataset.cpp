// Data loaders: MNIST IDX (plain and gzipped), .npy pairs and HDF5, with their errors; the real sets when
// present.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <hdf5.h>
#include <zlib.h>

#include "../support/test_support.hpp"
#include "spikekit/converters/dataset.hpp"
#include "spikekit/core/error.hpp"

using namespace spikekit::converters;
using spikekit::test::temp_dir;

namespace {

std::string be32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
            static_cast<char>(v)};
}

// 3 images of 2x3 pixels (value = 10 * image + pixel) and labels 7, 8, 9.
std::string idx_images() {
    std::string s = be32(0x803) + be32(3) + be32(2) + be32(3);
    for (int i = 0; i < 3; ++i)
        for (int p = 0; p < 6; ++p) s += static_cast<char>(10 * i + p);
    return s;
}
std::string idx_labels() {
    return be32(0x801) + be32(3) + std::string{7, 8, 9};
}

void write(const std::string& path, const std::string& bytes, bool gzip) {
    if (!gzip) {
        std::ofstream(path, std::ios::binary) << bytes;
        return;
    }
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
}

std::string error_of(const std::string& path, split s = split::test) {
    try {
        load_dataset(path, s);
    } catch (const spikekit::input_error& e) {
        return e.what();
    }
    return "no error";
}

std::string npy(const std::string& descr, const std::string& shape, const std::string& data) {
    std::string h = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    while ((10 + h.size() + 1) % 64 != 0) h += ' ';
    h += '\n';
    std::string s = "\x93NUMPY";
    s += '\x01';
    s += '\x00';
    s += static_cast<char>(h.size() & 0xff);
    s += static_cast<char>(h.size() >> 8);
    return s + h + data;
}

} // namespace

TEST_CASE("MNIST IDX directories load gzipped or not and scaled to [0 1] by split") {
    for (bool gz : {false, true}) {
        temp_dir d(gz ? "idx_gz" : "idx_plain");
        const std::string ext = gz ? ".gz" : "";
        write(d.file("t10k-images-idx3-ubyte" + ext), idx_images(), gz);
        write(d.file("t10k-labels-idx1-ubyte" + ext), idx_labels(), gz);
        const dataset s = load_dataset(d.path.string(), split::test);
        CHECK(s.count == 3);
        CHECK(s.sample == shape{1, 2, 3});
        CHECK(s.labels == std::vector<int>{7, 8, 9});
        CHECK(s.image(2)[4] == doctest::Approx(24.0 / 255.0));
        CHECK(load_dataset(d.path.string(), split::test, 2).count == 2);
        CHECK(error_of(d.path.string(), split::train).find("missing train-images-idx3-ubyte") !=
              std::string::npos);
    }
}

TEST_CASE("truncated or mislabelled or wrongly counted IDX files name the file and the byte") {
    temp_dir d("idx_bad");
    const std::string img = d.file("t10k-images-idx3-ubyte"), lab = d.file("t10k-labels-idx1-ubyte");
    write(lab, idx_labels(), false);
    write(img, idx_images().substr(0, 30), false);
    std::string e = error_of(d.path.string());
    CHECK(e.find(img) != std::string::npos);
    CHECK(e.find("truncated") != std::string::npos);

    write(img, be32(0x801) + idx_images().substr(4), false);
    CHECK(error_of(d.path.string()).find("byte 0: IDX magic") != std::string::npos);

    write(img, idx_images(), false);
    write(lab, be32(0x801) + be32(2) + std::string{1, 2}, false);
    CHECK(error_of(d.path.string()).find("2 labels for 3 images") != std::string::npos);

    write(img + ".gz", idx_images().substr(0, 20), false); // not gzip at all is read as plain; corrupt gzip:
    std::filesystem::remove(img);
    std::string gz;
    {
        write(d.file("full.gz"), idx_images(), true);
        std::ifstream f(d.file("full.gz"), std::ios::binary);
        std::stringstream ss;
        ss << f.rdbuf();
        gz = ss.str();
    }
    write(img + ".gz", gz.substr(0, gz.size() / 2), false);
    e = error_of(d.path.string());
    CHECK(e.find(img + ".gz") != std::string::npos);
    CHECK(e != "no error");
}

TEST_CASE(".npy pairs load uint8 and float32 images with integer labels and bad headers are named") {
    temp_dir d("npy");
    std::string px;
    for (int k = 0; k < 16; ++k) px += static_cast<char>(k * 15);
    std::ofstream(d.file("test_images.npy"), std::ios::binary) << npy("|u1", "(2, 2, 2, 2)", px);
    const std::int64_t labels[2] = {3, 1};
    std::ofstream(d.file("test_labels.npy"), std::ios::binary)
        << npy("<i8", "(2,)", std::string(reinterpret_cast<const char*>(labels), sizeof labels));
    dataset s = load_dataset(d.path.string(), split::test);
    CHECK(s.sample == shape{2, 2, 2});
    CHECK(s.labels == std::vector<int>{3, 1});
    CHECK(s.image(1)[3] == doctest::Approx(165.0 / 255.0));

    const float f[6] = {0.5f, -1.0f, 2.0f, 0.0f, 0.25f, 1.0f};
    std::ofstream(d.file("train_images.npy"), std::ios::binary)
        << npy("<f4", "(2, 3)", std::string(reinterpret_cast<const char*>(f), sizeof f));
    std::ofstream(d.file("train_labels.npy"), std::ios::binary)
        << npy("<i8", "(2,)", std::string(reinterpret_cast<const char*>(labels), sizeof labels));
    s = load_dataset(d.path.string(), split::train);
    CHECK(s.sample == shape{3, 1, 1});
    CHECK(s.image(0)[1] == -1.0f);

    std::ofstream(d.file("train_images.npy"), std::ios::binary)
        << npy(">f4", "(2, 3)", std::string(24, '\0'));
    CHECK(error_of(d.path.string(), split::train).find("not a little-endian") != std::string::npos);
    std::ofstream(d.file("train_images.npy"), std::ios::binary)
        << npy("<f4", "(2, 3)", std::string(20, '\0'));
    CHECK(error_of(d.path.string(), split::train).find("(truncated)") != std::string::npos);
    std::ofstream(d.file("train_images.npy"), std::ios::binary) << "PK\x03\x04 not numpy";
    CHECK(error_of(d.path.string(), split::train).find("not a .npy file") != std::string::npos);
}

TEST_CASE("HDF5 files load /<split>/images and /<split>/labels") {
    temp_dir d("h5");
    const std::string path = d.file("data.h5");
    {
        const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        H5Gclose(H5Gcreate2(f, "/test", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        const hsize_t xd[3] = {2, 2, 2}, yd[1] = {2};
        const unsigned char px[8] = {0, 255, 51, 0, 0, 0, 0, 102};
        const int lab[2] = {4, 2};
        hid_t s = H5Screate_simple(3, xd, nullptr);
        hid_t ds = H5Dcreate2(f, "/test/images", H5T_STD_U8LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(ds, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, px);
        H5Dclose(ds);
        H5Sclose(s);
        s = H5Screate_simple(1, yd, nullptr);
        ds = H5Dcreate2(f, "/test/labels", H5T_STD_I32LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(ds, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, lab);
        H5Dclose(ds);
        H5Sclose(s);
        H5Fclose(f);
    }
    const dataset s = load_dataset(path, split::test);
    CHECK(s.sample == shape{1, 2, 2});
    CHECK(s.labels == std::vector<int>{4, 2});
    CHECK(s.image(0)[1] == doctest::Approx(1.0));
    CHECK(s.image(1)[3] == doctest::Approx(0.4));
    CHECK(error_of(path, split::train).find("no images and labels datasets") != std::string::npos);
    std::ofstream(d.file("fake.h5")) << "not hdf5";
    CHECK(error_of(d.file("fake.h5")).find("not an HDF5 file") != std::string::npos);
}

TEST_CASE("data of the wrong shape for a model is an input error naming the data file") {
    dataset d;
    d.source = "digits.npy";
    d.sample = {1, 8, 8};
    CHECK_NOTHROW(check_sample_shape(d, {1, 8, 8}));
    CHECK_NOTHROW(check_sample_shape(d, {64, 1, 1})); // a flat model takes any layout of the same size
    try {
        check_sample_shape(d, {1, 28, 28});
        FAIL("expected an error");
    } catch (const spikekit::input_error& e) {
        CHECK(std::string(e.what()) ==
              "digits.npy: samples of shape 1x8x8 do not fit the model's input 1x28x28");
    }
}

TEST_CASE("the real MNIST and Fashion-MNIST test sets load with their published label counts") {
    const std::string mnist = spikekit::test::shared_path("data/mnist");
    if (!std::filesystem::exists(mnist + "/t10k-images-idx3-ubyte.gz")) {
        MESSAGE("skipped: " << mnist << " (the shared MNIST test set) is missing");
        return;
    }
    const dataset m = load_dataset(mnist, split::test);
    CHECK(m.count == 10000);
    CHECK(m.sample == shape{1, 28, 28});
    std::vector<int> counts(10, 0);
    for (int l : m.labels) ++counts[static_cast<std::size_t>(l)];
    CHECK(counts ==
          std::vector<int>{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}); // README of the data
    const std::string fashion = "/usr/share/datasets/fashion-mnist";
    if (!std::filesystem::exists(fashion)) {
        MESSAGE("skipped Fashion-MNIST: " << fashion
                                          << " is missing (apt-get install dataset-fashion-mnist)");
        return;
    }
    const dataset f = load_dataset(fashion, split::test, 100);
    CHECK(f.count == 100);
    CHECK(*std::max_element(f.x.begin(), f.x.end()) <= 1.0f);
}
