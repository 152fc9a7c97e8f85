// Event-camera files as NumPy structured arrays in Tonic's field convention, and PhysioNet ECG records.
#include <filesystem>
#include <optional>

#include <pybind11/stl.h>

#include "common.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/events/event.hpp"
#include "spikekit/events/reader.hpp"
#include "spikekit/events/wfdb.hpp"
#include "spikekit/events/writer.hpp"
#include "spikekit/io/atomic_file.hpp"

namespace spikekit::python {
namespace {

using events::dvs_event;

// Tonic's fields (x int16, y int16, t int64 in microseconds, p bool) laid over spikekit's 16-byte dvs_event
// (t at 0, x at 8, y at 10, p at 12), so the decoder's buffer becomes the array as it is. Tonic transforms
// index events by field name (events["x"]), which works on this layout. x and y are stored as uint16: a
// coordinate is below 2^15 for every sensor spikekit reads, so int16 reads the same values.
py::dtype event_dtype() {
    py::dict d;
    d["names"] = py::make_tuple("x", "y", "t", "p");
    d["formats"] = py::make_tuple("<i2", "<i2", "<i8", "?");
    d["offsets"] = py::make_tuple(offsetof(dvs_event, x), offsetof(dvs_event, y), offsetof(dvs_event, t_us),
                                  offsetof(dvs_event, p));
    d["itemsize"] = sizeof(dvs_event);
    return py::dtype::from_args(d);
}

py::array events_array(std::vector<dvs_event>&& v) {
    auto owned = std::make_unique<std::vector<dvs_event>>(std::move(v));
    const auto n = static_cast<py::ssize_t>(owned->size());
    void* data = owned->data();
    py::capsule owner(owned.get(), [](void* p) { delete static_cast<std::vector<dvs_event>*>(p); });
    owned.release();
    return py::array(event_dtype(), {n}, {static_cast<py::ssize_t>(sizeof(dvs_event))}, data, owner);
}

events::reader_options options(const std::optional<std::string>& fmt) {
    events::reader_options o;
    if (fmt) {
        o.fmt = events::format_from_name(*fmt);
        if (!o.fmt) throw input_error("", "format", "unknown event format '" + *fmt + "'");
    }
    return o;
}

// (events, info): every event of the file, decoded straight into the buffer the array then owns.
py::tuple read_events(const std::string& path, const std::optional<std::string>& fmt) {
    std::vector<dvs_event> all;
    events::stream_info info;
    {
        py::gil_scoped_release nogil;
        events::event_reader r(path, options(fmt));
        info = r.info();
        constexpr std::size_t chunk = 1 << 16;
        for (;;) {
            const std::size_t have = all.size();
            all.resize(have + chunk);
            const std::size_t n = r.read(std::span<dvs_event>(all.data() + have, chunk));
            all.resize(have + n);
            if (n == 0) break;
        }
        all.shrink_to_fit();
    }
    py::dict d;
    d["format"] = std::string(events::format_name(info.fmt));
    d["width"] = info.width;
    d["height"] = info.height;
    d["camera"] = info.camera;
    return py::make_tuple(events_array(std::move(all)), d);
}

// A field of a structured array as a contiguous array of T (converted when its type differs).
template <class T>
py::array_t<T, py::array::c_style | py::array::forcecast> field(const py::array& a, const char* name) {
    if (!a.dtype().attr("names").is_none() && a.dtype().attr("fields").contains(name))
        return py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(a[py::str(name)]);
    throw input_error("", "events",
                      std::string("expected a structured array with fields x, y, t, p; no field '") + name +
                          "'");
}

// Writes events (a structured array with fields x, y, t [us], p) to `path` atomically, in the format of its
// extension (or `fmt`). The sensor size defaults to the events' extent.
std::uint64_t write_events(const std::string& path, const py::array& a, std::optional<std::uint16_t> width,
                           std::optional<std::uint16_t> height, const std::optional<std::string>& fmt) {
    if (a.ndim() != 1) throw input_error("", "events", "expected a 1-D structured array");
    const auto n = static_cast<std::size_t>(a.size());
    std::vector<dvs_event> ev(n);
    {
        auto x = field<std::int64_t>(a, "x"), y = field<std::int64_t>(a, "y"),
             t = field<std::int64_t>(a, "t");
        auto p = field<std::uint8_t>(a, "p");
        for (std::size_t i = 0; i < n; ++i) {
            const auto xi = x.data()[i], yi = y.data()[i];
            if (xi < 0 || yi < 0 || xi > 65535 || yi > 65535)
                throw input_error("", "events[" + std::to_string(i) + "]",
                                  "expected coordinates in 0..65535, got x = " + std::to_string(xi) +
                                      ", y = " + std::to_string(yi));
            ev[i].t_us = t.data()[i];
            ev[i].x = static_cast<std::uint16_t>(xi);
            ev[i].y = static_cast<std::uint16_t>(yi);
            ev[i].p = static_cast<std::uint8_t>(p.data()[i] != 0);
        }
    }
    std::uint16_t w = width.value_or(0), h = height.value_or(0);
    for (const auto& e : ev) {
        if (!width) w = std::max<std::uint16_t>(w, static_cast<std::uint16_t>(e.x + 1));
        if (!height) h = std::max<std::uint16_t>(h, static_cast<std::uint16_t>(e.y + 1));
    }
    events::format f = events::output_format_for(path);
    if (fmt) {
        const auto named = events::format_from_name(*fmt);
        if (!named) throw input_error("", "format", "unknown event format '" + *fmt + "'");
        f = *named;
    }
    py::gil_scoped_release nogil;
    std::uint64_t written = 0;
    io::write_atomically(path, [&](const std::string& tmp) {
        events::event_writer out(tmp, f, w, h, "numpy");
        out.write(ev);
        out.close();
        written = out.events_written();
    });
    return written;
}

// A PhysioNet record: header facts, signals in physical units [frames, signals] and, when RECORD.atr
// exists, its annotations (sample, code, symbol, AAMI class, aux).
py::dict read_ecg(const std::string& record, bool verify) {
    const auto r = events::read_wfdb_record(record, verify);
    const std::size_t nsig = r.nsig();
    std::vector<float> mv(r.frames * nsig);
    for (std::size_t s = 0; s < nsig; ++s) {
        const auto lead = r.physical(s);
        for (std::size_t f = 0; f < r.frames; ++f) mv[f * nsig + s] = lead[f];
    }
    py::dict d;
    d["record"] = r.header.record;
    d["fs_hz"] = r.header.fs_hz;
    py::list names, units;
    for (const auto& s : r.header.signals) {
        names.append(s.description);
        units.append(s.units);
    }
    d["leads"] = names;
    d["units"] = units;
    d["comments"] = r.header.comments;
    d["signals"] =
        to_numpy(std::move(mv)).reshape({static_cast<py::ssize_t>(r.frames), static_cast<py::ssize_t>(nsig)});
    const std::string atr = events::wfdb_record_base(record) + ".atr";
    if (std::filesystem::exists(atr)) {
        const auto ann = events::read_annotations(atr, static_cast<std::int64_t>(r.frames));
        std::vector<std::int64_t> sample;
        std::vector<std::uint8_t> code;
        py::list symbol, aami, aux;
        for (const auto& a : ann) {
            sample.push_back(a.sample);
            code.push_back(a.code);
            symbol.append(events::annotation_symbol(a.code));
            aami.append(events::aami_name(events::aami_of(a.code)));
            aux.append(a.aux);
        }
        py::dict ad;
        ad["sample"] = to_numpy(std::move(sample));
        ad["code"] = to_numpy(std::move(code));
        ad["symbol"] = symbol;
        ad["aami"] = aami;
        ad["aux"] = aux;
        d["annotations"] = ad;
    } else {
        d["annotations"] = py::none();
    }
    return d;
}

} // namespace

void bind_events(py::module_& m) {
    m.attr("event_dtype") = event_dtype();
    m.def("read_events", &read_events, py::arg("path"), py::arg("format") = py::none());
    m.def("write_events", &write_events, py::arg("path"), py::arg("events"), py::arg("width") = py::none(),
          py::arg("height") = py::none(), py::arg("format") = py::none());
    m.def("read_ecg", &read_ecg, py::arg("record"), py::arg("verify") = true);
}

} // namespace spikekit::python
