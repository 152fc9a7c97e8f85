// `spikekit events info|convert|render` run as a user would: JSON keys and values, cuts checked against
// the same cut done in memory, the rendered PNG decoded back, bad input mapped to exit code 2.
#include <array>

#include <nlohmann/json.hpp>
#include <zlib.h>

#include "camera_test_support.hpp"
#include "spikekit/events/transforms.hpp"

using namespace spikekit;
using namespace spikekit::test;
using events::dvs_event;

namespace {

const std::string bin = SPIKEKIT_BIN;

command_result cli(const std::string& args, bool merge = false) {
    return run_command(bin + " events " + args, merge);
}

std::uint32_t be32(const bytes& b, std::size_t at) {
    return std::uint32_t{b[at]} << 24 | std::uint32_t{b[at + 1]} << 16 | std::uint32_t{b[at + 2]} << 8 |
           b[at + 3];
}

struct decoded_png {
    std::uint32_t width = 0, height = 0;
    bytes rgb;
};

// Decodes the PNGs our encoder writes (8-bit RGB, no interlace), checking every chunk's CRC.
decoded_png decode_png(const bytes& png) {
    decoded_png img;
    REQUIRE(png.size() > 8);
    REQUIRE(
        std::equal(png.begin(), png.begin() + 8, bytes{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}.begin()));
    bytes z;
    for (std::size_t at = 8; at + 12 <= png.size();) {
        const std::uint32_t len = be32(png, at);
        REQUIRE(at + 12 + len <= png.size());
        const std::string type(png.begin() + static_cast<std::ptrdiff_t>(at + 4),
                               png.begin() + static_cast<std::ptrdiff_t>(at + 8));
        CHECK(crc32(0L, png.data() + at + 4, len + 4) == be32(png, at + 8 + len));
        if (type == "IHDR") {
            img.width = be32(png, at + 8);
            img.height = be32(png, at + 12);
            CHECK(png[at + 16] == 8); // bit depth
            CHECK(png[at + 17] == 2); // truecolour
        }
        if (type == "IDAT")
            z.insert(z.end(), png.begin() + static_cast<std::ptrdiff_t>(at + 8),
                     png.begin() + static_cast<std::ptrdiff_t>(at + 8 + len));
        at += 12 + len;
    }
    bytes raw((3 * std::size_t{img.width} + 1) * img.height);
    uLongf n = static_cast<uLongf>(raw.size());
    REQUIRE(uncompress(raw.data(), &n, z.data(), static_cast<uLong>(z.size())) == Z_OK);
    REQUIRE(n == raw.size());
    for (std::uint32_t y = 0; y < img.height; ++y) {
        const std::size_t row = y * (3 * std::size_t{img.width} + 1);
        REQUIRE(raw[row] == 0); // filter None
        img.rgb.insert(img.rgb.end(), raw.begin() + static_cast<std::ptrdiff_t>(row + 1),
                       raw.begin() + static_cast<std::ptrdiff_t>(row + 1 + 3 * img.width));
    }
    return img;
}

} // namespace

TEST_CASE("events info --json: the documented keys and the README's values") {
    const auto f = event_file("prophesee/evt2_sample.raw");
    if (!have(f)) return;
    const auto r = cli("info " + f + " --json");
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["format"] == "evt2");
    CHECK(j["width"] == 640);
    CHECK(j["height"] == 480);
    CHECK(j["events"] == 539481);
    CHECK(j["t_first_us"] == 1317888);
    CHECK(j["t_last_us"] == 1367888);
    CHECK(j["on_fraction"].get<double>() == doctest::Approx(367855.0 / 539481.0));
    CHECK(j["rate_ev_per_s"].get<double>() == doctest::Approx(539481.0 / 0.05));
    const auto text = cli("info " + f);
    CHECK(text.exit_code == 0);
    CHECK(contains(text.out, "640 x 480"));
}

TEST_CASE(
    "events convert: a time window, crop and downsample give the events the transforms give in memory") {
    const auto f = event_file("prophesee/evt3_sample.raw");
    if (!have(f)) return;
    temp_dir dir("camera_cli_convert");
    for (const char* ext : {".raw", ".h5", ".evt3.raw"}) {
        const auto out = dir.file(std::string("cut") + ext);
        const std::string fmt = std::string(ext) == ".evt3.raw" ? " --output-format evt3" : "";
        const auto r = cli("convert " + f + " " + out +
                           " --from 1ms --to 3.5ms --crop 400,100,640,480 --downsample 2 --json" + fmt);
        REQUIRE(r.exit_code == 0);
        CHECK(nlohmann::json::parse(r.out)["width"] == 320);
        // The same cut by hand.
        const auto all = events::read_all(f);
        std::vector<dvs_event> want;
        for (auto e : all) {
            const std::int64_t dt = e.t_us - all.front().t_us;
            if (dt < 1000 || dt >= 3500 || e.x < 400 || e.x >= 1040 || e.y < 100 || e.y >= 580) continue;
            e.x = static_cast<std::uint16_t>((e.x - 400) / 2);
            e.y = static_cast<std::uint16_t>((e.y - 100) / 2);
            want.push_back(e);
        }
        REQUIRE(!want.empty());
        events::event_reader back(out);
        CHECK(back.info().width == 320);
        CHECK(back.info().height == 240);
        CHECK(same_events(events::read_all(out), want));
    }
}

TEST_CASE("events render: the PNG shows ON and OFF counts in the viewer colours - SVG embeds it") {
    temp_dir dir("camera_cli_render");
    // N-MNIST records: ON at (1, 0) twice, OFF at (2, 1); the sensor is 3 x 2 from the events' extent.
    const bytes nm = {1, 0, 0x80, 0, 1, 1, 0, 0x80, 0, 2, 2, 1, 0, 0, 3};
    const auto in = write_bytes(dir, "tiny.bin", nm);
    REQUIRE(cli("render " + in + " --out " + dir.file("f.png")).exit_code == 0);
    const auto img = decode_png(file_bytes(dir.file("f.png")));
    REQUIRE(img.width == 3);
    REQUIRE(img.height == 2);
    auto px = [&](unsigned x, unsigned y) {
        const std::size_t i = 3 * (y * 3 + x);
        return std::array<int, 3>{img.rgb[i], img.rgb[i + 1], img.rgb[i + 2]};
    };
    // Colours saturate at the largest count (2): ON (1,0) is the full ON colour, the one OFF event at (2,1)
    // is sqrt(1/2) of the way from the background to the OFF colour.
    CHECK(px(1, 0) == std::array<int, 3>{216, 223, 236});
    CHECK(px(2, 1) == std::array<int, 3>{54, 100, 157});
    CHECK(px(0, 0) == std::array<int, 3>{30, 37, 52});
    CHECK(px(0, 1) == std::array<int, 3>{30, 37, 52});
    REQUIRE(cli("render " + in + " --out " + dir.file("f.svg")).exit_code == 0);
    const auto svg = file_bytes(dir.file("f.svg"));
    CHECK(contains(std::string(svg.begin(), svg.end()), "data:image/png;base64,iVBORw0KGgo"));
}

TEST_CASE("events verbs: bad files and bad options exit 2 with a message naming the problem") {
    temp_dir dir("camera_cli_bad");
    const auto bad =
        write_bytes(dir, "bad.raw", bytes{'%', ' ', 'e', 'v', 't', ' ', '2', '.', '0', '\n', 0, 0, 0, 0x30});
    auto r = cli("info " + bad, true);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.out, bad + ": byte 10: unknown EVT 2.0 word type 0x3"));
    r = cli("info " + dir.file("missing.raw"), true);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.out, "cannot open"));
    const auto good = write_bytes(dir, "t.bin", bytes{1, 1, 0x80, 0, 1});
    for (const char* opts :
         {"--crop 1,2,3", "--downsample 0", "--from 5ks", "--from 2ms --to 1ms", "--bogus"}) {
        r = cli("convert " + good + " " + dir.file("o.raw") + " " + opts, true);
        CHECK_MESSAGE(r.exit_code == 2, opts);
    }
    r = cli("convert " + good + " " + dir.file("o.txt"), true);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.out, "cannot write '.txt'"));
    CHECK(cli("render " + good + " --out " + dir.file("x.jpg"), true).exit_code == 2);
    CHECK(cli("frobnicate " + good, true).exit_code == 2);
    r = cli("info " + good + " --crop 0,0,1,1", true);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.out, "option --crop does not apply to events info"));
    CHECK(cli("--help").exit_code == 0);
    CHECK(!std::filesystem::exists(dir.file("o.raw"))); // nothing half-written
}

TEST_CASE("events info --input-format reads a .raw whose header is missing") {
    temp_dir dir("camera_cli_format");
    bytes b;
    put_le<std::uint32_t>(b, 0x80000001u);                         // TIME_HIGH 1
    put_le<std::uint32_t>(b, 1u << 28 | 3u << 22 | 5u << 11 | 7u); // CD_ON t_lsb 3 at (5, 7)
    const auto raw = write_bytes(dir, "bare.raw", b);
    auto r = cli("info " + raw, true);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.out, "without the `%` header"));
    r = cli("info " + raw + " --input-format evt2 --json");
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["events"] == 1);
    CHECK(j["t_first_us"] == 64 + 3);
    CHECK(cli("info " + raw + " --input-format evt9", true).exit_code == 2);
}

TEST_CASE("events convert refuses to write over its input, also through another path or a link") {
    temp_dir dir("camera_cli_same");
    const auto good = write_bytes(dir, "t.bin", bytes{1, 1, 0x80, 0, 1});
    const auto before = file_bytes(good);
    std::filesystem::create_symlink(good, dir.file("link.bin"));
    for (const std::string& out : {good, dir.path.string() + "/./t.bin", dir.file("link.bin")}) {
        const auto r = cli("convert " + good + " " + out + " --output-format evt2", true);
        CAPTURE(out);
        CHECK(r.exit_code == 2);
        CHECK(contains(r.out, "is the input " + good));
    }
    CHECK(file_bytes(good) == before);
}

TEST_CASE("events convert: AEDAT 4 epoch times go into EVT 3.0 rebased, the offset kept in the header") {
    const auto f = event_file("tonic/sample.aedat4");
    if (!have(f)) return;
    temp_dir dir("camera_cli_aedat4_evt3");
    const auto out = dir.file("sample.raw");
    const auto r = cli("convert " + f + " " + out + " --output-format evt3 --json", true);
    REQUIRE(r.exit_code == 0);
    const auto all = events::read_all(f);
    REQUIRE(all.front().t_us >= (std::int64_t{1} << 34)); // Unix-epoch microseconds
    const auto text = file_bytes(out);
    CHECK(contains(std::string(text.begin(), text.begin() + 300),
                   "% time_offset_us " + std::to_string(all.front().t_us) + "\n"));
    // The reader adds the offset back: the same events at the same absolute times.
    const auto back = events::read_all(out);
    CHECK(same_events(back, all));
    // --rebase-time asks for times from 0: no offset.
    REQUIRE(
        cli("convert " + f + " " + dir.file("zero.raw") + " --output-format evt3 --rebase-time").exit_code ==
        0);
    const auto zero = events::read_all(dir.file("zero.raw"));
    REQUIRE(!zero.empty());
    CHECK(zero.front().t_us == 0);
}
