// io::h5: strings of any size as datasets, per-dataset CRC-32 that refuses any changed byte, dataset listing.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "../support/test_support.hpp"
#include "spikekit/io/error.hpp"
#include "spikekit/io/h5.hpp"

using namespace spikekit;

TEST_CASE("a string dataset holds several MB (attributes stop at 64 KB)") {
    test::temp_dir dir("h5_string");
    const auto path = dir.file("s.h5");
    std::string big(5'000'000, 'x');
    for (std::size_t i = 0; i < big.size(); i += 997) big[i] = static_cast<char>('a' + i % 26);
    {
        io::h5::writer w(path);
        CHECK_THROWS_AS(w.attr("/", "too_big", big), runtime_error); // why the config left the attributes
        w.write_string("/g/text", big);
        w.write_string("/g/empty", "");
        w.close();
    }
    io::h5::reader r(path);
    CHECK(r.read_string("/g/text") == big);
    CHECK(r.read_string("/g/empty").empty());
    CHECK(r.datasets() == std::vector<std::string>{"/g/empty", "/g/text"});
}

TEST_CASE("with checksums, any flipped byte of a dataset is refused naming the file and the dataset") {
    test::temp_dir dir("h5_crc");
    const auto path = dir.file("c.h5");
    std::vector<double> values(1000);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = 0.25 * static_cast<double>(i);
    {
        io::h5::writer w(path, false); // contiguous: the bytes sit in the file as written
        w.checksum_datasets();
        w.write("/a/values", values);
        w.write_string("/a/text", "hello checksum");
        w.close();
    }
    CHECK_NOTHROW(io::h5::reader(path).verify_checksums(true));
    // Find the stored bytes of value 500 (125.0) and flip one bit.
    std::string bytes(std::filesystem::file_size(path), '\0');
    std::ifstream(path, std::ios::binary).read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    const double marker = 125.0;
    const auto at = bytes.find(std::string(reinterpret_cast<const char*>(&marker), sizeof marker));
    REQUIRE(at != std::string::npos);
    bytes[at + 3] = static_cast<char>(bytes[at + 3] ^ 0x10);
    std::ofstream(path, std::ios::binary) << bytes;
    io::h5::reader r(path);
    CHECK_NOTHROW(r.verify_checksum("/a/text", true));
    const std::string want = path + ": /a/values: checksum mismatch";
    CHECK_THROWS_WITH_AS(r.verify_checksums(true), doctest::Contains(want.c_str()), input_error);
}

TEST_CASE("a dataset without a checksum is refused only when checksums are required") {
    test::temp_dir dir("h5_nocrc");
    const auto path = dir.file("n.h5");
    {
        io::h5::writer w(path);
        w.write("/x", std::vector<std::int64_t>{1, 2, 3});
        w.close();
    }
    io::h5::reader r(path);
    CHECK_NOTHROW(r.verify_checksums(false));
    CHECK_THROWS_WITH_AS(r.verify_checksums(true), doctest::Contains("/x: no checksum"), input_error);
}

TEST_CASE("groups list their links, string arrays of any shape and scalars round-trip (NIR's layout)") {
    test::temp_dir dir("h5_nir_layout");
    const auto path = dir.file("g.h5");
    {
        io::h5::writer w(path, false);
        w.group("/node/nodes/b");
        w.group("/node/nodes/a.x");
        w.write_strings("/node/type", {"NIRGraph"}, {});
        w.write_strings("/node/edges", {"a.x", "b", "b", "a.x", "b", "b"}, {3, 2});
        w.write_scalar("/node/nodes/b/groups", std::int64_t{3});
        w.write_scalar("/node/nodes/b/tau", 0.0025);
        w.close();
    }
    io::h5::reader r(path);
    CHECK(r.children("/node/nodes") == std::vector<std::string>{"a.x", "b"});
    CHECK(r.is_group("/node/nodes/b"));
    CHECK_FALSE(r.is_group("/node/type"));
    CHECK_FALSE(r.is_group("/missing"));
    CHECK_THROWS_WITH_AS(r.children("/node/type"), doctest::Contains("expected a group"), input_error);
    CHECK(r.read_strings("/node/type") == std::vector<std::string>{"NIRGraph"});
    CHECK(r.dims("/node/edges") == std::vector<hsize_t>{3, 2});
    CHECK(r.read_strings("/node/edges") == std::vector<std::string>{"a.x", "b", "b", "a.x", "b", "b"});
    CHECK(r.element_of("/node/nodes/b/groups").cls == H5T_INTEGER);
    CHECK(r.dims("/node/nodes/b/groups").empty());
    CHECK(r.read_ints("/node/nodes/b/groups") == std::vector<std::int64_t>{3});
    CHECK(r.read_doubles("/node/nodes/b/tau") == std::vector<double>{0.0025});
    CHECK_THROWS_WITH_AS(r.read_strings("/node/nodes/b/tau"), doctest::Contains("expected a string dataset"),
                         input_error);
}

TEST_CASE("objects carry no modification times, so the same content written twice gives the same bytes") {
    test::temp_dir dir("h5_times");
    const auto path = dir.file("t.h5");
    {
        io::h5::writer w(path);
        w.group("/a/b");
        w.write("/a/b/x", std::vector<double>(5000, 1.5));
        w.write_string("/a/s", "text");
        w.write_scalar("/a/n", std::int64_t{7});
        w.close();
    }
    hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(f >= 0);
    // "/a" is an intermediate group made by the link-creation list, "/a/b" an explicit one
    for (const char* name : {"/a", "/a/b", "/a/b/x", "/a/s", "/a/n"}) {
        CAPTURE(name);
        H5O_info_t info{};
        REQUIRE(H5Oget_info_by_name2(f, name, &info, H5O_INFO_TIME, H5P_DEFAULT) >= 0);
        CHECK(info.mtime == 0);
        CHECK(info.ctime == 0);
    }
    H5Fclose(f);
}
