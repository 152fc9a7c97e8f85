#pragma once
// Small command-line helpers shared by the verbs: option parsing with clear usage errors, exit codes,
// progress on stderr.
#include <chrono>
#include <cstdio>
#include <functional>
#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

#include "spikekit/core/params.hpp"
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace spikekit::app {

enum exit_code : int { ok = 0, failure = 1, bad_input = 2 };

// A mistake on the command line (unknown option, missing value, bad number): exit 2.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The options of a verb. Every verb parses through this class, so all of them share:
//  * `--name value` and `--name=value`; `-h`/`--help` always (a flag even when a verb does not list it);
//  * short forms for the common options, wherever the verb has the long one: -o --out, -t --threads,
//    -d --duration, -s --seed, -q --quiet, -j --json, -n --samples (`-t 2`, `-t2`);
//  * an unknown option is a usage_error naming the nearest valid one ("--thread: did you mean --threads?")
//    and listing the valid ones; a missing or empty value is one too;
//  * an option given twice keeps both values (all()); get() returns the last;
//  * "-" alone and negative numbers ("-5", "-0.5") are positional arguments, "--" ends the options.
class args {
  public:
    // `flags` take no value; `options` take one.
    args(const std::vector<std::string>& argv, const std::set<std::string>& flags,
         const std::set<std::string>& options);
    bool flag(const std::string& f) const { return flags_.count(f) > 0; }
    std::optional<std::string> get(const std::string& o) const;
    std::vector<std::string> all(const std::string& o) const;
    double number(const std::string& o, double def) const;
    // A quantity in `unit` through the one unit parser (units::parse_quantity): "10ms", "10 ms", "20*ms",
    // "0.5 second", "300 µs", or a bare number taken in `unit`.
    double quantity(const std::string& o, const std::string& unit, double def) const;
    long long integer(const std::string& o, long long def, long long min, long long max) const;
    const std::vector<std::string>& positional() const { return pos_; }

  private:
    std::set<std::string> flags_;
    std::map<std::string, std::vector<std::string>> opts_;
    std::vector<std::string> pos_;
};

// The candidates nearest to `word` by edit distance (insertions, deletions, substitutions, swaps of
// neighbours), within max(2, |word| / 3) edits, nearest first; empty when none is close.
std::vector<std::string> nearest(const std::string& word, const std::vector<std::string>& candidates);
// "unknown KIND 'word': did you mean 'x'? (valid: a, b, c)" for a name that is not one of `valid`.
std::string unknown_name(const std::string& kind, const std::string& word,
                         const std::vector<std::string>& valid);

// Checks, before any work, that `path` (given with `option`) can receive an output: a file name (not an
// existing directory, not empty) in an existing directory where files can be created, and none of `inputs`
// (compared with std::filesystem::equivalent, so another spelling or a link to an input is caught too).
// Throws input_error(path, option, problem): exit 2 in milliseconds instead of a failure after the run.
void check_output_path(const std::string& option, const std::string& path,
                       const std::vector<std::string>& inputs = {});

// check_output_path, and the extension of a picture: .png or .svg (usage_error otherwise).
void check_figure_path(const std::string& option, const std::string& path,
                       const std::vector<std::string>& inputs = {});

// A progress bar on stderr that appears only once a run has lasted a second.
class progress_bar {
  public:
    explicit progress_bar(bool enabled, std::string label);
    void update(double fraction);
    void finish();

  private:
    bool enabled_, shown_ = false, tty_;
    int last_decile_ = -1;
    std::string label_;
    std::chrono::steady_clock::time_point start_;
};

// Parameter tables (models, rules) as JSON and as text, and a one-line summary or the full doc of an entry.
nlohmann::json params_json(std::span<const param_info> params);
void print_params(std::span<const param_info> params);
void print_summary_or_doc(const std::string& name, std::string_view doc, bool full);

// A verb of the command line.
struct verb {
    std::string name;
    std::string summary;
    std::function<int(const std::vector<std::string>&)> run; // receives the arguments after the verb
};

} // namespace spikekit::app
