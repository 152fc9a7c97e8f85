// io::encode_png and io::figure: the PNG decodes (signature, IHDR, chunk CRCs, the zlib stream inflates to
// the filtered rows), an SVG is well-formed and carries the labels as text, bad extensions are refused.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <zlib.h>

#include "../support/test_support.hpp"
#include "spikekit/io/error.hpp"
#include "spikekit/io/figure.hpp"

using namespace spikekit;

namespace {

std::uint32_t be32(const std::vector<std::uint8_t>& b, std::size_t at) {
    return std::uint32_t{b[at]} << 24 | std::uint32_t{b[at + 1]} << 16 | std::uint32_t{b[at + 2]} << 8 |
           b[at + 3];
}

// A PNG reader for what encode_png writes (8-bit RGB, filter 0): checks every chunk's CRC and returns the
// pixels.
io::image decode(const std::vector<std::uint8_t>& png) {
    const std::vector<std::uint8_t> sig = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    REQUIRE(png.size() > 8);
    REQUIRE(std::equal(sig.begin(), sig.end(), png.begin()));
    io::image img;
    std::vector<std::uint8_t> z;
    std::vector<std::string> types;
    for (std::size_t at = 8; at + 12 <= png.size();) {
        const std::uint32_t len = be32(png, at);
        REQUIRE(at + 12 + len <= png.size());
        const std::string type(png.begin() + static_cast<long>(at) + 4,
                               png.begin() + static_cast<long>(at) + 8);
        const uLong crc = crc32(0L, png.data() + at + 4, static_cast<uInt>(len + 4));
        CHECK(be32(png, at + 8 + len) == crc);
        if (type == "IHDR") {
            img.width = be32(png, at + 8);
            img.height = be32(png, at + 12);
            CHECK(png[at + 16] == 8); // bit depth
            CHECK(png[at + 17] == 2); // truecolour
        }
        if (type == "IDAT")
            z.insert(z.end(), png.begin() + static_cast<long>(at) + 8,
                     png.begin() + static_cast<long>(at + 8 + len));
        types.push_back(type);
        at += 12 + len;
    }
    REQUIRE(types.size() >= 3);
    CHECK(types.front() == "IHDR");
    CHECK(types.back() == "IEND");
    const std::size_t row = std::size_t{3} * img.width + 1;
    std::vector<std::uint8_t> raw(row * img.height + 16); // room to notice a stream that is too long
    uLongf n = static_cast<uLongf>(raw.size());
    REQUIRE(uncompress(raw.data(), &n, z.data(), static_cast<uLong>(z.size())) == Z_OK);
    REQUIRE(n == row * img.height);
    for (std::uint32_t y = 0; y < img.height; ++y) {
        CHECK(raw[y * row] == 0);
        img.rgb.insert(img.rgb.end(), raw.begin() + static_cast<long>(y * row + 1),
                       raw.begin() + static_cast<long>((y + 1) * row));
    }
    return img;
}

std::string read_text(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

std::vector<std::uint8_t> read_bytes(const std::string& path) {
    const std::string s = read_text(path);
    return {s.begin(), s.end()};
}

std::size_t count_colour(const io::image& img, io::colour c) {
    std::size_t n = 0;
    for (std::size_t i = 0; i + 2 < img.rgb.size(); i += 3)
        n += img.rgb[i] == c.r && img.rgb[i + 1] == c.g && img.rgb[i + 2] == c.b;
    return n;
}

// Every element opened is closed in order (no attributes with '<' or '>' inside: the writer escapes them).
bool well_formed(const std::string& xml) {
    std::vector<std::string> open;
    for (std::size_t at = xml.find('<'); at != std::string::npos; at = xml.find('<', at + 1)) {
        const std::size_t end = xml.find('>', at);
        if (end == std::string::npos) return false;
        const std::string tag = xml.substr(at + 1, end - at - 1);
        if (tag.empty()) return false;
        if (tag[0] == '?' || tag.back() == '/') continue;
        const std::string name =
            tag.substr(tag[0] == '/' ? 1 : 0, tag.find_first_of(" \n") - (tag[0] == '/' ? 1 : 0));
        if (tag[0] != '/')
            open.push_back(name);
        else if (open.empty() || open.back() != name)
            return false;
        else
            open.pop_back();
    }
    return open.empty();
}

// Two panels: a raster of two populations over a line, and a heat map with its colour bar.
io::figure sample() {
    io::figure fig(900, 600);
    fig.title = "sample run";
    auto& raster = fig.add_panel();
    raster.title = "spikes";
    raster.x.label = "time (ms)";
    raster.y.label = "neuron";
    std::vector<double> t, id;
    for (int i = 0; i < 400; ++i) t.push_back(i * 2.5), id.push_back((i * 37) % 80);
    raster.points(t, id, "exc");
    raster.points({100, 500, 900}, {85, 90, 95}, "inh");
    raster.line({0, 1000}, {40, 40}, "threshold", io::grey);
    raster.height = 2;
    auto& heat = fig.add_panel();
    heat.x.label = "post";
    heat.y.label = "pre";
    std::vector<double> w;
    for (int r = 0; r < 8; ++r)
        for (int c = 0; c < 16; ++c) w.push_back(std::sin(r * 0.5) * std::cos(c * 0.3));
    heat.heat_map(w, 8, 16, 0, 16, 0, 8, "weight (nS)");
    return fig;
}

// Four panels on two columns: steps and a trace with a gap, a histogram, a chip-like grid of rectangles with
// text and a colour bar, and an empty panel.
io::figure every_kind() {
    io::figure fig(1000, 640, 2);
    auto& trace = fig.add_panel();
    trace.title = "membrane";
    trace.x.label = "time (ms)";
    trace.y.label = "V (mV)";
    std::vector<double> t, v;
    for (int i = 0; i <= 200; ++i)
        t.push_back(i * 0.5), v.push_back(i == 120 ? std::nan("") : -65 + 10 * std::sin(i * 0.1));
    trace.line(t, v, "v");
    trace.step({0, 20, 40, 60, 100}, {-70, -60, -55, -62, -62}, "I step");
    trace.points({10, 30, 50}, {-52, -52, -52}, "beat N", io::category_colour(2), 4);
    auto& hist = fig.add_panel();
    hist.title = "weights";
    hist.x.label = "w (nS)";
    hist.y.label = "synapses";
    std::vector<double> w;
    for (int i = 0; i < 500; ++i) w.push_back(i % 3 == 0 ? 0.02 * (i % 10) : 1.0 - 0.03 * (i % 7));
    hist.histogram(w, 20, 0, 1, "after");
    auto& chip = fig.add_panel();
    chip.title = "cores";
    chip.equal_aspect = true;
    chip.x.hidden = chip.y.hidden = true;
    for (int c = 0; c < 16; ++c) {
        const double x = c % 4, y = c / 4;
        chip.rect(x + 0.05, y + 0.05, x + 0.95, y + 0.95, io::colour_map(c / 15.0));
        chip.text(x + 0.5, y + 0.5, std::to_string(c), io::white, io::anchor::centre);
    }
    chip.rect(0.9, 1.4, 1.1, 1.6, io::black);
    chip.colour_bar("load (µs)", 0, 150);
    fig.add_panel().title = "empty";
    return fig;
}

} // namespace

TEST_CASE("encode_png writes a PNG that decodes to the same pixels") {
    io::image img{5, 3, {}};
    for (std::uint8_t i = 0; i < 45; ++i) img.rgb.push_back(static_cast<std::uint8_t>(i * 5));
    const auto back = decode(io::encode_png(img));
    CHECK(back.width == 5);
    CHECK(back.height == 3);
    CHECK(back.rgb == img.rgb);
    CHECK_THROWS_AS(io::encode_png(io::image{4, 4, std::vector<std::uint8_t>(10)}), runtime_error);
    CHECK(io::base64(std::vector<std::uint8_t>{'M', 'a'}) == "TWE=");
}

TEST_CASE("a figure's PNG decodes at the figure's size and shows the palette, the colour map and the text") {
    test::temp_dir dir("figure_png");
    const auto fig = sample();
    fig.write(dir.file("fig.png"));
    const auto img = decode(read_bytes(dir.file("fig.png")));
    CHECK(img.width == 900);
    CHECK(img.height == 600);
    CHECK(count_colour(img, io::category_colour(0)) > 100); // exc dots
    CHECK(count_colour(img, io::category_colour(1)) > 10);  // inh dots
    CHECK(count_colour(img, io::colour_map(1.0)) > 0);      // the top of the colour bar
    CHECK(count_colour(img, io::colour{40, 40, 40}) > 500); // axes and glyphs
    // Drawing is deterministic: the same figure gives the same bytes.
    CHECK(io::encode_png(fig.render()) == read_bytes(dir.file("fig.png")));
    if (const char* keep = std::getenv("SPIKEKIT_KEEP_FIGURES")) {
        fig.write(std::string(keep) + "/figure_sample.png");
        fig.write(std::string(keep) + "/figure_sample.svg");
    }
}

TEST_CASE("a figure's SVG is well-formed and carries titles, labels, legend and tick labels as text") {
    test::temp_dir dir("figure_svg");
    sample().write(dir.file("fig.svg"));
    const std::string svg = read_text(dir.file("fig.svg"));
    CHECK(svg.rfind("<?xml", 0) == 0);
    CHECK(well_formed(svg));
    for (const char* s : {">sample run</text>", ">spikes</text>", ">time (ms)</text>", ">neuron</text>",
                          ">exc</text>", ">inh</text>", ">threshold</text>", ">weight (nS)</text>",
                          ">0</text>", ">1000</text>", ">post</text>"})
        CHECK_MESSAGE(svg.find(s) != std::string::npos, s);
    CHECK(svg.find("data:image/png;base64,") != std::string::npos); // the heat map
    io::figure esc;
    esc.add_panel().title = "a < b & c";
    CHECK(well_formed(esc.svg()));
    CHECK(esc.svg().find(">a &lt; b &amp; c</text>") != std::string::npos);
}

TEST_CASE("every kind of series draws into PNG and SVG") {
    const auto fig = every_kind();
    const auto img = fig.render();
    CHECK(img.width == 1000);
    CHECK(count_colour(img, io::category_colour(0)) > 50); // the trace
    CHECK(count_colour(img, io::colour_map(0)) > 50);      // the first core
    const auto svg = fig.svg();
    CHECK(well_formed(svg));
    CHECK(svg.find(">load (µs)</text>") != std::string::npos);
    CHECK(svg.find(">I step</text>") != std::string::npos);
    if (const char* keep = std::getenv("SPIKEKIT_KEEP_FIGURES"))
        fig.write(std::string(keep) + "/figure_kinds.png");
}

TEST_CASE("a figure path with another extension is refused, naming the path and the known ones") {
    io::figure fig;
    fig.add_panel().line({0, 1}, {0, 1});
    try {
        fig.write("out.jpg");
        FAIL("no error");
    } catch (const input_error& e) {
        CHECK(std::string(e.what()).find("out.jpg") != std::string::npos);
        CHECK(std::string(e.what()).find(".png or .svg") != std::string::npos);
    }
}

TEST_CASE("palette and colour map") {
    for (std::size_t i = 0; i < 8; ++i)
        for (std::size_t j = i + 1; j < 8; ++j) CHECK(io::category_colour(i) != io::category_colour(j));
    CHECK(io::category_colour(8) == io::category_colour(0));
    CHECK(io::colour_map(0) == io::colour{68, 1, 84});
    CHECK(io::colour_map(1) == io::colour{253, 231, 37});
    CHECK(io::colour_map(-3) == io::colour_map(0));
    CHECK(io::colour_map(std::nan("")) == io::colour_map(0));
}

TEST_CASE("a histogram counts values into equal bins and ignores those outside") {
    io::panel p;
    const auto counts = p.histogram({0.0, 0.1, 0.5, 0.99, 1.0, 2.0, -1.0}, 2, 0, 1);
    REQUIRE(counts.size() == 2);
    CHECK(counts[0] == 2);
    CHECK(counts[1] == 3);
}
