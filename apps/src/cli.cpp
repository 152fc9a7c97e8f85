#include "cli.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

#include "spikekit/core/error.hpp"
#include "spikekit/core/units.hpp"

namespace spikekit::app {

void check_output_path(const std::string& option, const std::string& path,
                       const std::vector<std::string>& inputs) {
    namespace fs = std::filesystem;
    auto refuse = [&](const std::string& problem) { throw input_error(path, option, problem); };
    if (path.empty()) throw usage_error(option + " expects a file name, got an empty string");
    const fs::path p(path);
    std::error_code ec;
    if (fs::is_directory(p, ec)) refuse("is a directory: expected a file name");
    if (!p.has_filename()) refuse("expected a file name, got a directory name");
    const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
    if (!fs::exists(dir, ec)) refuse("the directory '" + dir.string() + "' does not exist");
    if (!fs::is_directory(dir, ec)) refuse("'" + dir.string() + "' is not a directory");
    for (const auto& in : inputs)
        if (!in.empty() && fs::exists(p, ec) && fs::equivalent(p, in, ec))
            refuse("is the input " + in + ": choose another output file");
    // Create (and remove) a file beside the output: the only test that also holds for root and for
    // read-only mounts.
    const fs::path probe = dir / (".spikekit-write-test." + std::to_string(::getpid()));
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        refuse("cannot create files in the directory '" + dir.string() + "': " + std::strerror(errno));
    ::close(fd);
    fs::remove(probe, ec);
}

void check_figure_path(const std::string& option, const std::string& path,
                       const std::vector<std::string>& inputs) {
    const auto ext = std::filesystem::path(path).extension().string();
    if (ext != ".png" && ext != ".svg")
        throw usage_error(option + " expects a picture file ending in .png or .svg, got '" + path + "'");
    check_output_path(option, path, inputs);
}

namespace {

// Short forms, each standing for its long option in verbs that have it.
const std::map<std::string, std::string>& short_forms() {
    static const std::map<std::string, std::string> m = {
        {"-h", "--help"}, {"-o", "--out"},   {"-t", "--threads"}, {"-d", "--duration"},
        {"-s", "--seed"}, {"-q", "--quiet"}, {"-j", "--json"},    {"-n", "--samples"}};
    return m;
}

bool is_number(const std::string& a) {
    return a.size() > 1 && a[0] == '-' && (std::isdigit(static_cast<unsigned char>(a[1])) || a[1] == '.');
}

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

// Optimal string alignment distance (Levenshtein plus swaps of neighbours).
std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

} // namespace

std::vector<std::string> nearest(const std::string& word, const std::vector<std::string>& candidates) {
    const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
    std::vector<std::pair<std::size_t, std::string>> near;
    for (const auto& c : candidates) {
        std::size_t d = edit_distance(word, c);
        // A prefix of a longer name (--thread for --threads, lif for lif_exp) is close too.
        if (word.size() >= 3 && c.size() > word.size() && c.compare(0, word.size(), word) == 0)
            d = std::min(d, std::size_t{1});
        if (d <= limit) near.emplace_back(d, c);
    }
    std::stable_sort(near.begin(), near.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<std::string> out;
    for (const auto& [d, c] : near) out.push_back(c);
    return out;
}

std::string unknown_name(const std::string& kind, const std::string& word,
                         const std::vector<std::string>& valid) {
    std::string s = "unknown " + kind + " '" + word + "'";
    const auto near = nearest(word, valid);
    if (!near.empty()) {
        s += ": did you mean ";
        for (std::size_t i = 0; i < near.size() && i < 3; ++i)
            s += (i ? (i + 1 == std::min<std::size_t>(near.size(), 3) ? " or " : ", ") : "") +
                 ("'" + near[i] + "'");
        s += "?";
    }
    return s + " (valid: " + join(valid) + ")";
}

args::args(const std::vector<std::string>& argv, const std::set<std::string>& flags,
           const std::set<std::string>& options) {
    auto valid = [&] {
        std::vector<std::string> v(flags.begin(), flags.end());
        v.insert(v.end(), options.begin(), options.end());
        if (!flags.count("--help")) v.push_back("--help");
        std::sort(v.begin(), v.end());
        return v;
    };
    bool options_ended = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        std::string a = argv[i];
        if (options_ended || a.size() < 2 || a[0] != '-' || is_number(a)) {
            pos_.push_back(a);
            continue;
        }
        if (a == "--") {
            options_ended = true;
            continue;
        }
        std::string name = a, value;
        bool inline_value = false;
        if (a[1] != '-') { // a short form: -t 2, -t2
            const auto it = short_forms().find(a.substr(0, 2));
            const std::string long_name = it == short_forms().end() ? "" : it->second;
            if (long_name.empty() ||
                !(flags.count(long_name) || options.count(long_name) || long_name == "--help"))
                throw usage_error(unknown_name("option", a, valid()));
            name = long_name;
            if (a.size() > 2) value = a.substr(2), inline_value = true;
        } else if (const auto eq = a.find('='); eq != std::string::npos) {
            name = a.substr(0, eq);
            value = a.substr(eq + 1);
            inline_value = true;
        }
        if (flags.count(name) || name == "--help") {
            if (inline_value) throw usage_error("option " + name + " takes no value");
            flags_.insert(name);
        } else if (options.count(name)) {
            if (!inline_value) {
                if (i + 1 >= argv.size()) throw usage_error("option " + name + " needs a value");
                value = argv[++i];
            }
            // An empty value is never meant: `--out ""` would otherwise surface at the end of a run.
            if (value.empty()) throw usage_error("option " + name + " needs a value, got an empty string");
            opts_[name].push_back(value);
        } else {
            throw usage_error(unknown_name("option", name, valid()));
        }
    }
}

std::optional<std::string> args::get(const std::string& o) const {
    auto it = opts_.find(o);
    if (it == opts_.end()) return std::nullopt;
    return it->second.back();
}

std::vector<std::string> args::all(const std::string& o) const {
    auto it = opts_.find(o);
    return it == opts_.end() ? std::vector<std::string>{} : it->second;
}

double args::number(const std::string& o, double def) const {
    auto v = get(o);
    if (!v) return def;
    try {
        std::size_t used = 0;
        const double x = std::stod(*v, &used);
        if (used != v->size() || !std::isfinite(x)) throw std::invalid_argument("");
        return x;
    } catch (const std::exception&) {
        throw usage_error("option " + o + " expects a number, got '" + *v + "'");
    }
}

double args::quantity(const std::string& o, const std::string& unit, double def) const {
    auto v = get(o);
    if (!v) return def;
    try {
        return units::parse_quantity(*v, unit);
    } catch (const std::invalid_argument& e) {
        throw usage_error("option " + o + ": " + e.what());
    }
}

long long args::integer(const std::string& o, long long def, long long min, long long max) const {
    auto v = get(o);
    if (!v) return def;
    try {
        std::size_t used = 0;
        const long long x = std::stoll(*v, &used);
        if (used != v->size() || x < min || x > max) throw std::invalid_argument("");
        return x;
    } catch (const std::exception&) {
        throw usage_error("option " + o + " expects a whole number in [" + std::to_string(min) + ", " +
                          std::to_string(max) + "], got '" + *v + "'");
    }
}

progress_bar::progress_bar(bool enabled, std::string label)
    : enabled_(enabled), tty_(::isatty(2) != 0), label_(std::move(label)),
      start_(std::chrono::steady_clock::now()) {}

void progress_bar::update(double f) {
    if (!enabled_) return;
    const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (el < 1.0) return;
    shown_ = true;
    const double eta = f > 0 ? el * (1 - f) / f : 0.0;
    if (tty_) {
        const int width = 30, filled = static_cast<int>(f * width);
        std::fprintf(stderr, "\r%s [%.*s%*s] %3.0f%%  %.1f s elapsed, %.1f s left ", label_.c_str(), filled,
                     "##############################", width - filled, "", f * 100, el, eta);
    } else {
        const int decile = static_cast<int>(f * 10);
        if (decile != last_decile_) {
            last_decile_ = decile;
            std::fprintf(stderr, "%s %3d%%  %.1f s elapsed, %.1f s left\n", label_.c_str(), decile * 10, el,
                         eta);
        }
    }
}

void progress_bar::finish() {
    if (shown_ && tty_) std::fprintf(stderr, "\n");
}

nlohmann::json params_json(std::span<const param_info> params) {
    auto out = nlohmann::json::array();
    for (const auto& p : params) {
        nlohmann::json pj = {{"name", p.name}, {"unit", p.unit}, {"doc", p.doc}};
        pj["default"] =
            std::isfinite(p.default_value) ? nlohmann::json(p.default_value) : nlohmann::json(nullptr);
        if (std::isfinite(p.min)) pj["min"] = p.min;
        if (std::isfinite(p.max)) pj["max"] = p.max;
        out.push_back(pj);
    }
    return out;
}

void print_params(std::span<const param_info> params) {
    std::printf("parameters:\n");
    for (const auto& p : params)
        std::printf("  %-16s %-5s default %-10g %s\n", std::string(p.name).c_str(),
                    std::string(p.unit).c_str(), p.default_value, std::string(p.doc).c_str());
}

void print_summary_or_doc(const std::string& name, std::string_view doc, bool full) {
    const std::string d(doc);
    if (full)
        std::printf("%s\n%s\n\n", name.c_str(), d.c_str());
    else
        std::printf("  %-20s %s\n", name.c_str(), d.substr(0, d.find('\n')).c_str());
}

} // namespace spikekit::app
