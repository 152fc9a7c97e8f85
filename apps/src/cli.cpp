#include "cli.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

#include "spikekit/core/error.hpp"

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

args::args(const std::vector<std::string>& argv, const std::set<std::string>& flags,
           const std::set<std::string>& options) {
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const auto& a = argv[i];
        if (a.rfind("--", 0) != 0 || a == "--") {
            pos_.push_back(a);
            continue;
        }
        std::string name = a, value;
        const auto eq = a.find('=');
        const bool inline_value = eq != std::string::npos;
        if (inline_value) {
            name = a.substr(0, eq);
            value = a.substr(eq + 1);
        }
        if (flags.count(name)) {
            if (inline_value) throw usage_error("option " + name + " takes no value");
            flags_.insert(name);
        } else if (options.count(name)) {
            if (!inline_value) {
                if (i + 1 >= argv.size()) throw usage_error("option " + name + " needs a value");
                value = argv[++i];
            }
            // An empty value is never meant: `--out ""` would otherwise surface at the end of a run.
            if (value.empty()) throw usage_error("option " + name + " needs a value, got an empty string");
            opts_[name] = value;
        } else {
            throw usage_error("unknown option " + name + " (see --help)");
        }
    }
}

std::optional<std::string> args::get(const std::string& o) const {
    auto it = opts_.find(o);
    if (it == opts_.end()) return std::nullopt;
    return it->second;
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
