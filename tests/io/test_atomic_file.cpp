// io::write_atomically: the user's path in every message, stale temporaries of dead runs removed, empty or
// directory paths refused (issue #12 items 6 and 7).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

#include "../support/test_support.hpp"
#include "spikekit/io/atomic_file.hpp"
#include "spikekit/io/error.hpp"

using namespace spikekit;

namespace {
// The id of a process that has exited (and was reaped), so no process has it for now.
pid_t dead_pid() {
    const pid_t p = ::fork();
    if (p == 0) ::_exit(0);
    ::waitpid(p, nullptr, 0);
    return p;
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
}
} // namespace

TEST_CASE("an error while writing names the user's path, never the temporary") {
    test::temp_dir dir("atomic_names");
    const auto path = dir.file("out.raw");
    try {
        io::write_atomically(
            path, [](const std::string& tmp) { throw input_error(tmp, "event 0", "time goes back"); });
        FAIL("no error");
    } catch (const input_error& e) {
        CHECK(e.file() == path);
        CHECK(std::string(e.what()) == path + ": event 0: time goes back");
    }
    try {
        io::write_atomically(path,
                             [](const std::string& tmp) { throw runtime_error(tmp + ": cannot write"); });
        FAIL("no error");
    } catch (const runtime_error& e) {
        CHECK(std::string(e.what()) == path + ": cannot write");
        CHECK(std::string(e.what()).find(".tmp.") == std::string::npos);
    }
    CHECK(std::filesystem::is_empty(dir.path));
}

TEST_CASE("an empty output path or a directory is refused before anything is written") {
    test::temp_dir dir("atomic_refuse");
    bool called = false;
    auto write = [&](const std::string&) { called = true; };
    CHECK_THROWS_WITH_AS(io::write_atomically("", write), doctest::Contains("the output path is empty"),
                         input_error);
    CHECK_THROWS_WITH_AS(io::write_atomically(dir.path.string(), write), doctest::Contains("is a directory"),
                         input_error);
    CHECK_THROWS_AS(io::write_atomically(dir.path.string() + "/", write), input_error);
    CHECK_FALSE(called);
}

TEST_CASE("temporaries of the same output left by dead processes are removed, live ones kept") {
    test::temp_dir dir("atomic_stale");
    const auto path = dir.file("out.h5");
    const auto dead = dir.file(".out.h5.tmp." + std::to_string(dead_pid()));
    const auto live = dir.file(".out.h5.tmp." + std::to_string(::getppid()));   // our parent is running
    const auto other = dir.file(".other.h5.tmp." + std::to_string(dead_pid())); // another output: not ours
    const auto odd = dir.file(".out.h5.tmp.12x");                               // not a process id
    for (const auto& f : {dead, live, other, odd}) write_text(f, "partial");
    io::write_atomically(path, [](const std::string& tmp) { write_text(tmp, "done"); });
    CHECK_FALSE(std::filesystem::exists(dead));
    CHECK(std::filesystem::exists(live));
    CHECK(std::filesystem::exists(other));
    CHECK(std::filesystem::exists(odd));
    CHECK(std::filesystem::exists(path));
    CHECK(io::remove_stale_temporaries(path) == 0);
}
