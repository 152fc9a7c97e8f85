#include "spikekit/io/atomic_file.hpp"

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <unistd.h>

#include "spikekit/io/error.hpp"

namespace spikekit::io {
namespace fs = std::filesystem;
namespace {

std::string temporary_prefix(const fs::path& target) {
    return "." + target.filename().string() + ".tmp.";
}

// The process id of a temporary's name, or 0 when the name is not `prefix` followed by digits only.
pid_t pid_of(const std::string& name, const std::string& prefix) {
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
        name.size() - prefix.size() > 9)
        return 0;
    pid_t pid = 0;
    for (std::size_t i = prefix.size(); i < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9') return 0;
        pid = pid * 10 + (name[i] - '0');
    }
    return pid;
}

bool process_gone(pid_t pid) {
    return ::kill(pid, 0) != 0 && errno == ESRCH; // EPERM: alive, owned by someone else
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (auto at = s.find(from); !from.empty() && at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}
} // namespace

std::string temporary_for(const std::string& path) {
    const fs::path target(path);
    return (target.parent_path() / (temporary_prefix(target) + std::to_string(::getpid()))).string();
}

std::size_t remove_stale_temporaries(const std::string& path) {
    const fs::path target(path);
    const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    const std::string prefix = temporary_prefix(target);
    std::size_t removed = 0;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const pid_t pid = pid_of(it->path().filename().string(), prefix);
        if (pid <= 0 || pid == ::getpid() || !process_gone(pid)) continue;
        std::error_code rm;
        if (fs::remove(it->path(), rm)) ++removed;
    }
    return removed;
}

void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write) {
    if (path.empty()) throw input_error("", "", "the output path is empty");
    std::error_code ec;
    if (path.back() == '/' || fs::is_directory(path, ec))
        throw input_error(path, "", "is a directory, not an output file");
    remove_stale_temporaries(path);
    const std::string tmp = temporary_for(path);
    try {
        write(tmp);
        fs::rename(tmp, path, ec);
        if (ec) throw runtime_error(path + ": cannot move the finished file into place: " + ec.message());
    } catch (const input_error& e) { // name the user's file, not the temporary
        fs::remove(tmp, ec);
        throw input_error(e.file() == tmp ? path : e.file(), replace_all(e.where(), tmp, path),
                          replace_all(e.problem(), tmp, path));
    } catch (const runtime_error& e) {
        fs::remove(tmp, ec);
        throw runtime_error(replace_all(e.what(), tmp, path));
    } catch (...) {
        fs::remove(tmp, ec);
        throw;
    }
}

} // namespace spikekit::io
