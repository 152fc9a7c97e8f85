#pragma once
// Helpers shared by the tests: temporary directories, running the CLI, small networks.
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>

namespace spikekit::test {

// A fresh directory under the build tree, removed at the end of the test.
struct temp_dir {
    std::filesystem::path path;
    explicit temp_dir(const std::string& name) {
        path = std::filesystem::path(SPIKEKIT_BINARY_DIR) / "test_tmp" / name;
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string file(const std::string& n) const { return (path / n).string(); }
    std::string write(const std::string& n, const std::string& text) const {
        std::ofstream(file(n), std::ios::binary) << text;
        return file(n);
    }
};

struct command_result {
    int exit_code = -1;
    std::string out; // stdout and stderr together when merged
};

// Run a shell command, capture stdout (and stderr if `merge`).
inline command_result run_command(const std::string& cmd, bool merge = true) {
    command_result r;
    FILE* p = ::popen((cmd + (merge ? " 2>&1" : "")).c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    const int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

inline std::string source_path(const std::string& rel) { return std::string(SPIKEKIT_SOURCE_DIR) + "/" + rel; }
inline std::string shared_path(const std::string& rel) { return std::string(SPIKEKIT_SHARED_DIR) + "/" + rel; }

} // namespace spikekit::test
