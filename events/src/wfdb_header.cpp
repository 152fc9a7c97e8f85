// WFDB header (.hea) parser: record line, signal lines, comments. Errors name the line and the field.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string_view>

#include "spikekit/core/error.hpp"
#include "spikekit/events/wfdb.hpp"
#include "wfdb_io.hpp"

namespace spikekit::events {
namespace {

// Signals per record: WFDB's own limit is far below this; it bounds the memory a lying header can claim.
constexpr std::size_t max_signals = 4096;

struct line_context {
    const std::string& file;
    std::size_t line;
    [[noreturn]] void fail(const std::string& problem) const {
        throw input_error(file, "line " + std::to_string(line), problem);
    }
};

std::vector<std::string_view> split_fields(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        const std::size_t start = i;
        while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
        if (i > start) out.push_back(s.substr(start, i - start));
    }
    return out;
}

template <class T>
T parse_number(std::string_view text, const line_context& ctx, const char* field) {
    T v{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size())
        ctx.fail(std::string(field) + ": expected a number, found '" + std::string(text) + "'");
    if constexpr (std::is_floating_point_v<T>)
        if (!std::isfinite(v))
            ctx.fail(std::string(field) + ": expected a finite number, found '" + std::string(text) + "'");
    return v;
}

// Splits `s` at the first occurrence of `sep`: returns the part before and leaves the rest (after sep) in s.
std::string_view take_until(std::string_view& s, char sep) {
    const auto p = s.find(sep);
    const auto head = s.substr(0, p);
    s = p == std::string_view::npos ? std::string_view() : s.substr(p + 1);
    return head;
}

// "fs[/counter_fs[(base_counter)]]"
void parse_frequency(std::string_view f, wfdb_header& h, const line_context& ctx) {
    h.fs_hz = parse_number<double>(take_until(f, '/'), ctx, "sampling frequency");
    if (!(h.fs_hz > 0) || h.fs_hz > 1e9) ctx.fail("sampling frequency must be > 0 and <= 1e9 Hz");
    if (f.empty()) return;
    h.counter_fs_hz = parse_number<double>(take_until(f, '('), ctx, "counter frequency");
    if (!f.empty()) {
        if (f.back() != ')') ctx.fail("base counter: expected '(value)'");
        h.base_counter = parse_number<double>(f.substr(0, f.size() - 1), ctx, "base counter");
    }
}

void parse_record_line(std::string_view line, wfdb_header& h, const line_context& ctx) {
    const auto f = split_fields(line);
    if (f.size() < 2) ctx.fail("record line: expected '<record> <number of signals> ...'");
    if (f[0].find('/') != std::string_view::npos)
        ctx.fail("record '" + std::string(f[0]) +
                 "' is multi-segment; only single-segment records are supported");
    h.record = std::string(f[0]);
    const auto nsig = parse_number<long long>(f[1], ctx, "number of signals");
    if (nsig < 0 || static_cast<unsigned long long>(nsig) > max_signals)
        ctx.fail("number of signals " + std::to_string(nsig) + " outside 0.." + std::to_string(max_signals));
    h.signals.resize(static_cast<std::size_t>(nsig));
    if (f.size() > 2) parse_frequency(f[2], h, ctx);
    if (f.size() > 3) {
        h.samples = parse_number<std::int64_t>(f[3], ctx, "number of samples");
        if (h.samples < 0) ctx.fail("number of samples must be >= 0");
    }
    if (f.size() > 4) h.base_time = std::string(f[4]);
    if (f.size() > 5) h.base_date = std::string(f[5]);
}

// "fmt[xspf][:skew][+offset]"
void parse_format(std::string_view f, wfdb_signal_spec& s, const line_context& ctx) {
    const auto cut = f.find_first_of("x:+");
    s.format = parse_number<int>(f.substr(0, cut), ctx, "format");
    if (!wfdb_format_supported(s.format))
        ctx.fail("signal format " + std::to_string(s.format) + " is not supported");
    std::string_view rest = cut == std::string_view::npos ? std::string_view() : f.substr(cut);
    while (!rest.empty()) {
        const char tag = rest[0];
        rest.remove_prefix(1);
        const auto next = rest.find_first_of("x:+");
        const auto value = rest.substr(0, next);
        rest = next == std::string_view::npos ? std::string_view() : rest.substr(next);
        const auto v = parse_number<std::int64_t>(value, ctx,
                                                  tag == 'x'   ? "samples per frame"
                                                  : tag == ':' ? "skew"
                                                               : "byte offset");
        if (tag == 'x' && v != 1)
            ctx.fail("samples per frame " + std::to_string(v) + ": only 1 is supported");
        if (tag == ':' && v != 0) ctx.fail("skew " + std::to_string(v) + ": only 0 is supported");
        if (tag == '+') {
            if (v < 0) ctx.fail("byte offset must be >= 0");
            s.byte_offset = v;
        }
    }
}

// "gain[(baseline)][/units]"
void parse_gain(std::string_view g, wfdb_signal_spec& s, const line_context& ctx, bool& baseline_given) {
    const auto slash = g.find('/');
    if (slash != std::string_view::npos) {
        s.units = std::string(g.substr(slash + 1));
        g = g.substr(0, slash);
    }
    const auto paren = g.find('(');
    if (paren != std::string_view::npos) {
        if (g.back() != ')') ctx.fail("baseline: expected 'gain(baseline)'");
        s.baseline = parse_number<std::int32_t>(g.substr(paren + 1, g.size() - paren - 2), ctx, "baseline");
        baseline_given = true;
        g = g.substr(0, paren);
    }
    s.gain = parse_number<double>(g, ctx, "gain");
    if (s.gain < 0) ctx.fail("gain must be >= 0");
    s.gain_given = s.gain != 0;
    if (s.gain == 0) s.gain = 200.0; // WFDB: 0 = uncalibrated, use the default gain
}

void parse_signal_line(std::string_view line, wfdb_signal_spec& s, std::size_t index,
                       const std::string& record, const line_context& ctx) {
    const auto f = split_fields(line);
    if (f.size() < 2) ctx.fail("signal line: expected '<file> <format> ...'");
    s.file = std::string(f[0]);
    parse_format(f[1], s, ctx);
    bool baseline_given = false;
    if (f.size() > 2) parse_gain(f[2], s, ctx, baseline_given);
    if (f.size() > 3) s.adc_resolution = parse_number<int>(f[3], ctx, "ADC resolution");
    if (s.adc_resolution < 0 || s.adc_resolution > 32) ctx.fail("ADC resolution must be 0..32 bits");
    if (f.size() > 4) s.adc_zero = parse_number<std::int32_t>(f[4], ctx, "ADC zero");
    s.initial_value = s.adc_zero;
    if (f.size() > 5) {
        s.initial_value = parse_number<std::int32_t>(f[5], ctx, "initial value");
        s.has_initial_value = true;
    }
    if (f.size() > 6) {
        s.checksum = parse_number<std::int32_t>(f[6], ctx, "checksum");
        s.has_checksum = true;
    }
    if (f.size() > 7) s.block_size = parse_number<int>(f[7], ctx, "block size");
    if (!baseline_given) s.baseline = s.adc_zero;
    if (f.size() > 8) {
        // The description is the rest of the line, spaces included.
        const auto start = static_cast<std::size_t>(f[8].data() - line.data());
        s.description = std::string(line.substr(start));
        while (!s.description.empty() && (s.description.back() == ' ' || s.description.back() == '\t'))
            s.description.pop_back();
    } else {
        s.description = "record " + record + ", signal " + std::to_string(index);
    }
}

} // namespace

wfdb_header parse_wfdb_header(std::string_view text, const std::string& file) {
    wfdb_header h;
    std::size_t line_no = 0, signals_read = 0;
    bool have_record = false;
    while (!text.empty()) {
        std::string_view line = take_until(text, '\n');
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const line_context ctx{file, line_no};
        if (line.find('\0') != std::string_view::npos)
            ctx.fail("NUL byte in a text header (not a .hea file?)");
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string_view::npos) continue;
        if (line[first] == '#') {
            h.comments.emplace_back(line.substr(first + 1));
            continue;
        }
        if (!have_record) {
            parse_record_line(line, h, ctx);
            have_record = true;
        } else if (signals_read < h.signals.size()) {
            parse_signal_line(line, h.signals[signals_read], signals_read, h.record, ctx);
            ++signals_read;
        } else {
            // After the signal lines only comments (info strings) may follow.
            ctx.fail("unexpected line after the " + std::to_string(h.signals.size()) + " signal lines: '" +
                     std::string(line.substr(0, 60)) + "'");
        }
    }
    if (!have_record)
        throw input_error(file, "line " + std::to_string(std::max<std::size_t>(line_no, 1)),
                          "no record line (empty header?)");
    if (signals_read < h.signals.size())
        throw input_error(file, "line " + std::to_string(line_no),
                          "header declares " + std::to_string(h.signals.size()) + " signals but describes " +
                              std::to_string(signals_read));
    return h;
}

wfdb_header read_wfdb_header(const std::string& path) {
    const auto bytes = detail::read_file_bytes(path, "WFDB header");
    auto h =
        parse_wfdb_header(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path);
    // The record line names the record; a header copied or renamed without editing it describes another
    // record (and its signal files may be another record's).
    const auto stem = std::filesystem::path(path).stem().string();
    if (h.record != stem)
        throw input_error(path, "line 1",
                          "the record line names record '" + h.record + "', but the file is " + stem +
                              ".hea (rename the file or edit the record line)");
    return h;
}

} // namespace spikekit::events
