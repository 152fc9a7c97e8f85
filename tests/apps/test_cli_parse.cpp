// The option parser all verbs share (apps/src/cli.hpp): short forms, -h everywhere, repeated options,
// negative numbers, quantities through the unit parser, and nearest-name suggestions.
#include <doctest/doctest.h>

#include "cli.hpp"

using namespace spikekit::app;

namespace {
const std::set<std::string> flags = {"--json", "--quiet"};
const std::set<std::string> options = {"--out", "--threads", "--duration", "--trace"};

std::string refusal(const std::vector<std::string>& argv) {
    try {
        args a(argv, flags, options);
    } catch (const usage_error& e) {
        return e.what();
    }
    return "";
}
} // namespace

TEST_CASE("short forms stand for the long options a verb has; -h and --help always work") {
    args a({"net.json", "-t", "2", "-o", "x.h5", "-j", "-d250ms"}, flags, options);
    CHECK(a.positional() == std::vector<std::string>{"net.json"});
    CHECK(a.get("--threads") == "2");
    CHECK(a.get("--out") == "x.h5");
    CHECK(a.flag("--json"));
    CHECK(a.quantity("--duration", "ms", 0) == doctest::Approx(250.0));
    CHECK(args({"-h"}, flags, options).flag("--help"));
    CHECK(args({"net.json", "--help"}, {}, {}).flag("--help"));
    // A short form of an option this verb does not have is refused, not taken as a file.
    CHECK(refusal({"-s", "3"}).find("unknown option '-s'") != std::string::npos);
}

TEST_CASE("--name=value, repeated options, negative numbers and -- as positional arguments") {
    args a({"--trace", "exc:0", "--trace=inh", "-5", "-", "--", "--json"}, flags, options);
    CHECK(a.all("--trace") == std::vector<std::string>{"exc:0", "inh"});
    CHECK(a.get("--trace") == "inh");
    CHECK(a.positional() == std::vector<std::string>{"-5", "-", "--json"});
    CHECK_FALSE(a.flag("--json"));
    CHECK(refusal({"--out"}).find("needs a value") != std::string::npos);
    CHECK(refusal({"--out="}).find("empty string") != std::string::npos);
    CHECK(refusal({"--json=1"}).find("takes no value") != std::string::npos);
}

TEST_CASE("quantities in options go through the one unit parser") {
    args a({"--duration", "10 ms"}, flags, options);
    CHECK(a.quantity("--duration", "ms", 0) == doctest::Approx(10.0));
    CHECK(args({"--duration", "20*ms"}, flags, options).quantity("--duration", "ms", 0) ==
          doctest::Approx(20.0));
    CHECK(args({"--duration", "0.1 second"}, flags, options).quantity("--duration", "ms", 0) ==
          doctest::Approx(100.0));
    CHECK(args({"--duration", "7"}, flags, options).quantity("--duration", "ms", 0) == doctest::Approx(7.0));
    CHECK(args({}, flags, options).quantity("--duration", "ms", 3) == 3);
    try {
        args({"--duration", "3 parsecs"}, flags, options).quantity("--duration", "ms", 0);
        FAIL("no error");
    } catch (const usage_error& e) {
        CHECK(std::string(e.what()).find("option --duration: unknown unit 'parsecs'") != std::string::npos);
        CHECK(std::string(e.what()).find("ms") != std::string::npos);
    }
}

TEST_CASE("an unknown option names the nearest valid one and lists them all") {
    const auto m = refusal({"--thread", "2"});
    CHECK(m.find("unknown option '--thread': did you mean '--threads'?") != std::string::npos);
    CHECK(m.find("(valid: --duration, --help, --json, --out, --quiet, --threads, --trace)") !=
          std::string::npos);
    CHECK(refusal({"--jsno"}).find("did you mean '--json'?") != std::string::npos);
    CHECK(refusal({"--frobnicate"}).find("did you mean") == std::string::npos);
}

TEST_CASE("nearest names: typos, swapped letters and prefixes, nearest first") {
    const std::vector<std::string> verbs = {"run", "models", "rules", "convert", "plot", "map"};
    CHECK(nearest("rnu", verbs) == std::vector<std::string>{"run"});
    CHECK(nearest("modles", verbs) == std::vector<std::string>{"models"});
    CHECK(nearest("plto", verbs).front() == "plot");
    CHECK(nearest("xyzzy", verbs).empty());
    const std::vector<std::string> models = {"adex", "lif_cond_exp", "lif_delta", "lif_exp", "izhikevich"};
    const auto lif = nearest("lif", models);
    CHECK(lif.size() == 3);
    CHECK(std::find(lif.begin(), lif.end(), "lif_exp") != lif.end());
    CHECK(nearest("izhikevitch", models) == std::vector<std::string>{"izhikevich"});
    CHECK(unknown_name("model", "lif_exb", models) ==
          "unknown model 'lif_exb': did you mean 'lif_exp'? (valid: adex, lif_cond_exp, lif_delta, lif_exp, "
          "izhikevich)");
}
