// spikekit events info|convert|render: look at, cut and convert event-camera recordings.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/units.hpp"
#include "spikekit/events/image.hpp"
#include "spikekit/events/reader.hpp"
#include "spikekit/events/transforms.hpp"
#include "spikekit/events/writer.hpp"
#include "spikekit/io/atomic_file.hpp"
#include "spikekit/io/png.hpp"
#include "verbs.hpp"

namespace spikekit::app {
namespace {

using events::dvs_event;

constexpr const char* events_help = R"(usage: spikekit events <info|convert|render> FILE ... [options]

Event-camera recordings: N-MNIST (.bin/.bs2), Prophesee EVT 2.0/3.0 (.raw) and .dat, AEDAT 2.0/3.1/4.0,
spikekit HDF5 (.h5). The format is recognised from the header, else from the extension.

  spikekit events info FILE [--json]
      format, sensor size, event count, time span, event rate, ON fraction
  spikekit events convert IN OUT [--crop X0,Y0,W,H] [--downsample N] [--from T] [--to T] [--rebase-time]
                                 [--output-format evt2|evt3|hdf5] [--json]
      write the (cut) stream as EVT 2.0 (OUT.raw, or EVT 3.0 with --output-format evt3) or spikekit HDF5
      (OUT.h5); --rebase-time makes the first event's time 0. EVT files hold 34-bit times: a recording
      timed from the epoch (AEDAT 4) is rebased to its first event automatically and the offset kept in
      the header (`% time_offset_us N`), which spikekit's reader adds back. OUT must differ from IN.
  spikekit events render FILE --out IMAGE.png|IMAGE.svg [--from T] [--to T]
      an accumulated frame: ON events light, OFF events blue, on a dark background (the colours
      of Prophesee's Metavision viewer)

--input-format NAME reads FILE as nmnist, evt2, evt3, dat, aedat2, aedat31, aedat4 or hdf5 whatever its
header or extension says (for files without a header, such as a .raw lacking its `% evt` line).
--quiet turns off the progress bar shown on stderr for files that take more than a second.
Times T of --from/--to are counted from the first event of the file, in microseconds, or with a unit:
250ms, "1.5 s", 300us, 300µs. --from is inclusive, --to exclusive. --crop applies before --downsample.

exit codes: 0 ok, 1 runtime failure, 2 bad input (file, option)
)";

constexpr std::size_t chunk_events = std::size_t{1} << 16;

// "250ms", "1.5 s", "300 µs", "42" (us) -> microseconds, through the one unit parser.
std::int64_t parse_time_us(const std::string& opt, const std::string& v) {
    double x = -1;
    std::string why;
    try {
        x = units::parse_quantity(v, "us");
    } catch (const std::invalid_argument& e) {
        why = std::string(": ") + e.what();
    }
    if (!(x >= 0) || x > 9e18)
        throw usage_error("option " + opt + " expects a time >= 0 such as 250ms, 1.5 s or 300us, got '" + v +
                          "'" + why);
    return static_cast<std::int64_t>(x);
}

events::region parse_crop(const std::string& v) {
    unsigned x0 = 0, y0 = 0, w = 0, h = 0;
    char end = 0;
    if (std::sscanf(v.c_str(), "%u,%u,%u,%u%c", &x0, &y0, &w, &h, &end) != 4 || w == 0 || h == 0 ||
        x0 > 65535 || y0 > 65535 || w > 65535 || h > 65535)
        throw usage_error(
            "option --crop expects X0,Y0,WIDTH,HEIGHT (non-negative, width and height > 0), got '" + v + "'");
    return {static_cast<std::uint16_t>(x0), static_cast<std::uint16_t>(y0), static_cast<std::uint16_t>(w),
            static_cast<std::uint16_t>(h)};
}

// Calls fn(span) for each chunk of the file's events, with a progress bar on stderr for long files.
template <class Fn>
void for_each_chunk(events::event_reader& r, bool progress, Fn&& fn) {
    progress_bar bar(progress, "reading " + r.path());
    std::vector<dvs_event> buf(chunk_events);
    while (const std::size_t n = r.read(buf)) {
        fn(std::span<dvs_event>(buf.data(), n));
        bar.update(r.progress());
    }
    bar.finish();
}

// --input-format forces the format of a file whose header does not say (e.g. a .raw without `% evt`).
events::reader_options input_options(const args& a) {
    events::reader_options opt;
    if (auto v = a.get("--input-format")) {
        opt.fmt = events::format_from_name(*v);
        if (!opt.fmt)
            throw usage_error(
                "option --input-format expects nmnist, evt2, evt3, dat, aedat2, aedat31, aedat4 or hdf5, "
                "got '" +
                *v + "'");
    }
    return opt;
}

// --output-format, else the extension of OUT (.raw -> EVT 2.0, .h5 -> HDF5).
events::format output_format(const args& a, const std::string& out) {
    const auto v = a.get("--output-format");
    if (!v) return events::output_format_for(out);
    const auto f = events::format_from_name(*v);
    if (f != events::format::evt2 && f != events::format::evt3 && f != events::format::hdf5)
        throw usage_error("option --output-format expects evt2, evt3 or hdf5, got '" + *v + "'");
    return *f;
}

// The sensor size from the header; for formats without one (N-MNIST), the extent of the events.
std::pair<std::uint16_t, std::uint16_t> sensor_size(const events::event_reader& r,
                                                    const events::reader_options& opt) {
    if (r.info().width && r.info().height) return {r.info().width, r.info().height};
    const auto s = events::summarize(r.path(), opt);
    return {s.width(), s.height()};
}

int info_verb(const args& a) {
    if (a.positional().size() != 2)
        throw usage_error("events info expects one FILE (see spikekit events --help)");
    const std::string path = a.positional()[1];
    const auto s = events::summarize(path, input_options(a));
    const std::uint16_t w = s.width(), h = s.height();
    const double span_s = static_cast<double>(s.t_last_us - s.t_first_us) * 1e-6;
    const double rate = span_s > 0 ? static_cast<double>(s.events) / span_s : 0.0;
    const double on_fraction = s.events ? static_cast<double>(s.on) / static_cast<double>(s.events) : 0.0;
    const std::string fmt(events::format_name(s.info.fmt));
    const nlohmann::json j = {{"file", path},
                              {"format", fmt},
                              {"width", w},
                              {"height", h},
                              {"size_from_header", s.info.width != 0},
                              {"camera", s.info.camera},
                              {"events", s.events},
                              {"t_first_us", s.t_first_us},
                              {"t_last_us", s.t_last_us},
                              {"duration_s", span_s},
                              {"rate_ev_per_s", rate},
                              {"on_fraction", on_fraction}};
    if (a.flag("--json")) {
        std::cout << j.dump(2) << "\n";
        return ok;
    }
    std::printf("%s\n  format     %s%s%s\n  sensor     %u x %u%s\n  events     %llu\n  time       %lld .. "
                "%lld us (%.6f s)\n"
                "  rate       %.4g events/s\n  ON         %.4f of events\n",
                path.c_str(), fmt.c_str(), s.info.camera.empty() ? "" : ", camera ", s.info.camera.c_str(),
                unsigned{w}, unsigned{h}, s.info.width ? "" : " (from the events; the file does not say)",
                static_cast<unsigned long long>(s.events), static_cast<long long>(s.t_first_us),
                static_cast<long long>(s.t_last_us), span_s, rate, on_fraction);
    return ok;
}

// The cut of convert and render from the options.
events::stream_cut parse_cut(const args& a) {
    events::stream_cut c;
    if (auto v = a.get("--from")) c.from_us = parse_time_us("--from", *v);
    if (auto v = a.get("--to")) c.to_us = parse_time_us("--to", *v);
    if (c.to_us <= c.from_us) throw usage_error("--to must be later than --from");
    if (auto v = a.get("--crop")) c.crop = parse_crop(*v);
    c.factor = static_cast<unsigned>(a.integer("--downsample", 1, 1, 65535));
    c.rebase = a.flag("--rebase-time");
    return c;
}

// The output sensor of a cut; a crop must start inside the input sensor.
std::pair<std::uint16_t, std::uint16_t> cut_size(const events::stream_cut& c, const events::event_reader& r,
                                                 const events::reader_options& opt) {
    const auto [w, h] = sensor_size(r, opt);
    if (c.crop && (c.crop->x0 >= w || c.crop->y0 >= h))
        throw usage_error("--crop starts outside the " + std::to_string(w) + "x" + std::to_string(h) +
                          " sensor of " + r.path());
    return c.size(w, h);
}

// Streams the cut events of `path` into fn(span).
template <class Fn>
void for_each_cut_chunk(events::event_reader& r, const events::stream_cut& c, bool progress, Fn&& fn) {
    bool first = true;
    std::int64_t t0 = 0;
    for_each_chunk(r, progress, [&](std::span<dvs_event> ev) {
        if (first) t0 = ev.front().t_us;
        first = false;
        fn(ev.first(c.apply(ev, t0)));
    });
}

// The time of the first event of `path` (0 for an empty file).
std::int64_t first_event_time(const std::string& path, const events::reader_options& opt) {
    events::event_reader r(path, opt);
    dvs_event e{};
    return r.read(std::span(&e, 1)) == 1 ? e.t_us : 0;
}

int convert_verb(const args& a) {
    if (a.positional().size() != 3)
        throw usage_error("events convert expects IN and OUT (see spikekit events --help)");
    const std::string in = a.positional()[1], out = a.positional()[2];
    check_output_path("OUT", out, {in}); // never overwrite the input, even through another path or a link
    auto c = parse_cut(a);
    const auto fmt = output_format(a, out);
    const auto opt = input_options(a);
    events::event_reader r(in, opt);
    const auto [w, h] = cut_size(c, r, opt);
    // EVT 2.0/3.0 hold 34-bit times (4.8 h): a recording timed from the epoch (AEDAT 4) is rebased to its
    // first event, and the offset kept in the header (`% time_offset_us`), from which event_reader restores
    // it.
    const std::int64_t t0 = first_event_time(in, opt);
    const bool evt = fmt == events::format::evt2 || fmt == events::format::evt3;
    const bool auto_rebase = evt && !c.rebase && t0 >= (std::int64_t{1} << 34);
    c.rebase = c.rebase || auto_rebase;
    const std::int64_t offset = auto_rebase ? t0 : 0; // --rebase-time asks for times from 0: no offset
    std::uint64_t written = 0;
    io::write_atomically(out, [&](const std::string& tmp) {
        events::event_writer wr(tmp, fmt, w, h, std::string(events::format_name(r.info().fmt)), offset);
        for_each_cut_chunk(r, c, !a.flag("--quiet"), [&](std::span<dvs_event> ev) {
            wr.write(ev);
            written += ev.size();
        });
        wr.close();
    });
    if (a.flag("--json")) {
        std::cout << nlohmann::json{{"in", in},
                                    {"out", out},
                                    {"format", events::format_name(fmt)},
                                    {"width", w},
                                    {"height", h},
                                    {"events", written},
                                    {"rebased", c.rebase},
                                    {"time_offset_us", offset}}
                         .dump(2)
                  << "\n";
    } else {
        std::fprintf(
            stderr, "%s: %llu events, %u x %u, %s%s\n", out.c_str(), static_cast<unsigned long long>(written),
            unsigned{w}, unsigned{h}, std::string(events::format_name(fmt)).c_str(),
            offset ? (", times from the first event (offset " + std::to_string(offset) + " us in the header)")
                         .c_str()
                   : "");
    }
    return ok;
}

int render_verb(const args& a) {
    if (a.positional().size() != 2)
        throw usage_error("events render expects one FILE (see spikekit events --help)");
    const auto out = a.get("--out");
    if (!out) throw usage_error("events render needs --out IMAGE.png or IMAGE.svg");
    const std::string ext = std::filesystem::path(*out).extension().string();
    if (ext != ".png" && ext != ".svg")
        throw usage_error("--out must end in .png or .svg, got '" + *out + "'");
    const auto c = parse_cut(a);
    const auto opt = input_options(a);
    events::event_reader r(a.positional()[1], opt);
    const auto [w, h] = cut_size(c, r, opt);
    if (w == 0 || h == 0) throw input_error(r.path(), "", "no events to render");
    events::frame_binner bins(w, h, 0);
    for_each_cut_chunk(r, c, !a.flag("--quiet"),
                       [&](std::span<dvs_event> ev) { bins.add(ev.begin(), ev.end()); });
    const auto img = events::render(bins);
    if (ext == ".png") {
        io::write_png(*out, img);
        return ok;
    }
    io::write_atomically(*out, [&](const std::string& tmp) {
        std::ofstream f(tmp, std::ios::binary);
        f << events::encode_svg(img);
        if (!f.flush()) throw runtime_error(*out + ": write failed");
    });
    return ok;
}

const std::set<std::string> flags = {"--json", "--help", "--rebase-time", "--quiet"};
const std::set<std::string> options = {"--out", "--crop",         "--downsample",   "--from",
                                       "--to",  "--input-format", "--output-format"};

// An option given to a command that does not use it is a mistake, not something to ignore silently.
void only(const args& a, const std::string& sub, const std::set<std::string>& allowed) {
    for (const auto& o : flags)
        if (a.flag(o) && !allowed.count(o))
            throw usage_error("option " + o + " does not apply to events " + sub);
    for (const auto& o : options)
        if (a.get(o) && !allowed.count(o))
            throw usage_error("option " + o + " does not apply to events " + sub);
}

} // namespace

int events_verb(const std::vector<std::string>& argv) {
    args a(argv, flags, options);
    if (a.flag("--help")) {
        std::cout << events_help;
        return ok;
    }
    if (a.positional().empty()) {
        std::cerr << events_help;
        return bad_input;
    }
    const std::string& sub = a.positional()[0];
    if (sub == "info") {
        only(a, sub, {"--json", "--quiet", "--input-format"});
        return info_verb(a);
    }
    if (sub == "convert") {
        only(a, sub,
             {"--json", "--quiet", "--rebase-time", "--crop", "--downsample", "--from", "--to",
              "--input-format", "--output-format"});
        return convert_verb(a);
    }
    if (sub == "render") {
        only(a, sub, {"--quiet", "--out", "--crop", "--downsample", "--from", "--to", "--input-format"});
        return render_verb(a);
    }
    throw usage_error(unknown_name("events command", sub, {"info", "convert", "render"}));
}

} // namespace spikekit::app
