#pragma once
// Error types shared by every spikekit library.
//
// Three kinds of failure (CONVENTIONS.md #6):
//  * input_error   - bad user input (config, data file, model). Carries the file, the position inside it
//                    (a JSON path such as `projections[2].weight`, a byte offset, a line) and the problem.
//                    The command line maps it to exit code 2.
//  * runtime_error - the input was fine but running failed (I/O error while writing, out of memory...).
//                    Exit code 1.
//  * internal invariants are SPIKEKIT_ASSERT (see assert.hpp).
#include <stdexcept>
#include <string>

namespace spikekit {

class error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class input_error : public error {
  public:
    input_error(std::string file, std::string where, std::string problem)
        : error(compose(file, where, problem)), file_(std::move(file)), where_(std::move(where)),
          problem_(std::move(problem)) {}

    const std::string& file() const noexcept { return file_; }
    const std::string& where() const noexcept { return where_; }
    const std::string& problem() const noexcept { return problem_; }

  private:
    static std::string compose(const std::string& file, const std::string& where,
                               const std::string& problem) {
        std::string s = file.empty() ? std::string("<input>") : file;
        if (!where.empty()) s += ": " + where;
        return s + ": " + problem;
    }
    std::string file_, where_, problem_;
};

class runtime_error : public error {
  public:
    using error::error;
};

} // namespace spikekit
