// Readers validated on the real sample files against the check values of ../shared/data/events/README.md.
#include <algorithm>
#include <cstring>

#include "camera_test_support.hpp"

using namespace spikekit;
using namespace spikekit::test;
using events::dvs_event;

namespace {

struct summary {
    std::size_t n = 0, on = 0;
    std::int64_t t_first = 0, t_last = 0;
    unsigned max_x = 0, max_y = 0;
    bool monotonic = true;
};

summary summarize(const std::vector<dvs_event>& ev) {
    summary s;
    s.n = ev.size();
    if (ev.empty()) return s;
    s.t_first = ev.front().t_us;
    s.t_last = ev.back().t_us;
    for (std::size_t i = 0; i < ev.size(); ++i) {
        s.on += ev[i].p;
        s.max_x = std::max<unsigned>(s.max_x, ev[i].x);
        s.max_y = std::max<unsigned>(s.max_y, ev[i].y);
        if (i && ev[i].t_us < ev[i - 1].t_us) s.monotonic = false;
    }
    return s;
}

void check_event(const dvs_event& e, std::int64_t t, unsigned x, unsigned y, unsigned p) {
    CHECK(e.t_us == t);
    CHECK(e.x == x);
    CHECK(e.y == y);
    CHECK(e.p == p);
}

} // namespace

TEST_CASE("N-MNIST: the README's check values and all 1000 slayer samples") {
    const auto one = event_file("nmnist_small/1.bs2"), tonic = event_file("tonic/sample_nmnist.bin");
    if (!have(one) || !have(tonic)) return;
    CHECK(events::detect_format(one) == events::format::nmnist);
    const auto a = events::read_all(one);
    REQUIRE(a.size() == 4681);
    check_event(a[0], 893, 18, 16, 1);
    const auto b = events::read_all(tonic);
    REQUIRE(b.size() == 4325);
    check_event(b.front(), 654, 7, 15, 1);
    check_event(b.back(), 311175, 21, 14, 1);

    std::size_t files = 0, total = 0, on = 0;
    for (const auto& f : std::filesystem::directory_iterator(event_file("nmnist_small"))) {
        if (f.path().extension() != ".bs2") continue;
        const auto ev = events::read_all(f.path().string());
        const auto s = summarize(ev);
        CHECK(s.n * 5 == std::filesystem::file_size(f.path()));
        CHECK(s.max_x <= 33);
        CHECK(s.max_y <= 33);
        CHECK(s.t_last <= 336040);
        CHECK(s.monotonic);
        ++files;
        total += s.n;
        on += s.on;
    }
    CHECK(files == 1000);
    CHECK(static_cast<double>(on) / static_cast<double>(total) == doctest::Approx(0.498).epsilon(0.01));
}

TEST_CASE("EVT 2.0: counts, sensor, time span and first events of evt2_sample.raw") {
    const auto f = event_file("prophesee/evt2_sample.raw");
    if (!have(f)) return;
    events::event_reader r(f);
    CHECK(r.info().fmt == events::format::evt2);
    CHECK(r.info().width == 640);
    CHECK(r.info().height == 480);
    const auto ev = events::read_all(f);
    const auto s = summarize(ev);
    CHECK(s.n == 539481);
    CHECK(s.on == 367855);
    CHECK(s.t_first == 1317888);
    CHECK(s.t_last == 1367888);
    CHECK(s.max_x <= 599);
    CHECK(s.max_y <= 475);
    CHECK(s.monotonic);
    check_event(ev[0], 1317888, 237, 121, 1);
    check_event(ev[1], 1317888, 246, 121, 1);
    check_event(ev[2], 1317888, 248, 132, 1);
}

TEST_CASE("EVT 3.0: counts and first events - x, y, p of every event match the reference .npy") {
    const auto f = event_file("prophesee/evt3_sample.raw"), npy = event_file("prophesee/evt3_sample.npy");
    if (!have(f) || !have(npy)) return;
    events::event_reader r(f);
    CHECK(r.info().fmt == events::format::evt3);
    CHECK(r.info().width == 1280);
    CHECK(r.info().height == 720);
    const auto ev = events::read_all(f);
    const auto s = summarize(ev);
    REQUIRE(s.n == 219596);
    CHECK(s.t_first == 11718656);
    CHECK(s.t_last == 11727457);
    CHECK(s.max_x <= 1279);
    CHECK(s.max_y <= 719);
    CHECK(s.monotonic);
    check_event(ev[0], 11718656, 874, 200, 0);
    check_event(ev[1], 11718656, 806, 200, 1);
    check_event(ev[2], 11718656, 882, 201, 0);

    // numpy v1: magic, version, uint16 header length, header, then 16-byte records (t i8, x i2, y i2, p u1).
    const auto b = file_bytes(npy);
    REQUIRE(b.size() > 10);
    std::uint16_t hl = 0;
    std::memcpy(&hl, b.data() + 8, 2);
    const std::size_t off = 10 + hl;
    REQUIRE((b.size() - off) / 16 == ev.size());
    std::size_t xyp_same = 0, t_same_prefix = 0;
    bool prefix = true;
    for (std::size_t i = 0; i < ev.size(); ++i) {
        std::int64_t t;
        std::int16_t x, y;
        std::memcpy(&t, b.data() + off + 16 * i, 8);
        std::memcpy(&x, b.data() + off + 16 * i + 8, 2);
        std::memcpy(&y, b.data() + off + 16 * i + 10, 2);
        const std::uint8_t p = b[off + 16 * i + 12];
        xyp_same += ev[i].x == x && ev[i].y == y && ev[i].p == p;
        prefix = prefix && ev[i].t_us == t;
        t_same_prefix += prefix;
    }
    CHECK(xyp_same == ev.size());
    CHECK(t_same_prefix == 20121); // after that the .npy is later by k x 4096 us (README section 3)
}

TEST_CASE("DAT: sample_ncars.dat") {
    const auto f = event_file("tonic/sample_ncars.dat");
    if (!have(f)) return;
    CHECK(events::detect_format(f) == events::format::dat);
    const auto ev = events::read_all(f);
    const auto s = summarize(ev);
    REQUIRE(s.n == 2009);
    CHECK(s.t_first == 0);
    CHECK(s.t_last == 99952);
    CHECK(s.max_x <= 77);
    CHECK(s.max_y <= 41);
    CHECK(s.monotonic);
    check_event(ev[0], 0, 25, 8, 0);
    check_event(ev[1], 35, 67, 35, 0);
    check_event(ev[2], 152, 56, 27, 1);
}

TEST_CASE("AEDAT 4.0: sample.aedat4 (LZ4 packets, IMU packets skipped)") {
    const auto f = event_file("tonic/sample.aedat4");
    if (!have(f)) return;
    events::event_reader r(f);
    CHECK(r.info().fmt == events::format::aedat4);
    CHECK(r.info().width == 320);
    CHECK(r.info().height == 240);
    CHECK(r.info().camera == "DVXplorer_DXB00010");
    const auto s = summarize(events::read_all(f));
    CHECK(s.n == 111954);
    CHECK(s.on == 55023);
    CHECK(s.t_first == 1605537493718345);
    CHECK(s.t_last == 1605537494308262);
    CHECK(s.max_x <= 319);
    CHECK(s.max_y <= 239);
    CHECK(s.monotonic);
}

TEST_CASE("AEDAT 2.0: DAVIS240C recording and a header-only Davis346 file") {
    const auto f = event_file("davis240c/IMU_translBoxes.aedat"),
               h = event_file("tonic/sample_aedat_header.aedat");
    if (!have(f) || !have(h)) return;
    events::event_reader r(f);
    CHECK(r.info().fmt == events::format::aedat2);
    CHECK(r.info().width == 240);
    CHECK(r.info().height == 180);
    const auto s = summarize(events::read_all(f));
    CHECK(s.n == 162771);
    CHECK(s.on == 82944);
    CHECK(s.max_x <= 239);
    CHECK(s.max_y <= 179);
    CHECK(static_cast<double>(s.t_last - s.t_first) * 1e-6 == doctest::Approx(2.073).epsilon(0.001));
    CHECK(s.monotonic);
    events::event_reader hr(h);
    CHECK(hr.info().width == 346);
    CHECK(hr.info().height == 260);
    CHECK(events::read_all(h).empty());
}

TEST_CASE("chunked reading gives the same events for any buffer size") {
    for (const char* rel : {"prophesee/evt3_sample.raw", "prophesee/evt2_sample.raw", "tonic/sample.aedat4",
                            "tonic/sample_ncars.dat"}) {
        const auto f = event_file(rel);
        if (!have(f)) continue;
        const auto all = events::read_all(f);
        for (std::size_t size : {1u, 7u, 13u, 4096u}) {
            events::event_reader r(f);
            std::vector<dvs_event> buf(size), got;
            while (const std::size_t n = r.read(buf))
                got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
            REQUIRE(got.size() == all.size());
            CHECK(r.progress() == doctest::Approx(1.0));
            CHECK(std::equal(got.begin(), got.end(), all.begin(), [](const dvs_event& a, const dvs_event& b) {
                return a.t_us == b.t_us && a.x == b.x && a.y == b.y && a.p == b.p;
            }));
        }
    }
}

TEST_CASE("AEDAT 2.0 and 1.0 with DVS128 addresses (synthetic: no real DVS128 file could be obtained)") {
    temp_dir dir("camera_dvs128");
    // Address: polarity bit 0 (1 = ON), x bits 7..1, y bits 14..8, bit 15 = external event (skipped).
    auto addr = [](std::uint32_t x, std::uint32_t y, std::uint32_t p) { return y << 8 | x << 1 | p; };
    bytes v2, v1;
    put_text(v2, "#!AER-DAT2.0\r\n# AEChip: ch.unizh.ini.jaer.chip.retina.DVS128\r\n");
    put_text(v1, "#!AER-DAT1.0\r\n");
    const std::uint32_t recs[][2] = {{addr(3, 0, 1), 10}, {0x8000u, 11}, {addr(127, 127, 0), 12}};
    for (const auto& r : recs) {
        put_be32(v2, r[0]);
        put_be32(v2, r[1]);
        v1.push_back(static_cast<std::uint8_t>(r[0] >> 8));
        v1.push_back(static_cast<std::uint8_t>(r[0]));
        put_be32(v1, r[1]);
    }
    for (const auto& [name, b] : {std::pair{"v2.aedat", v2}, std::pair{"v1.aedat", v1}}) {
        const auto path = write_bytes(dir, name, b);
        events::event_reader r(path);
        CHECK(r.info().fmt == events::format::aedat2);
        const auto ev = events::read_all(path);
        CHECK(r.info().width == 128);
        REQUIRE(ev.size() == 2);
        check_event(ev[0], 10, 3, 127, 1); // jAER's (0,0) is lower-left: y flipped to the upper-left origin
        check_event(ev[1], 12, 127, 0, 0);
    }
}
