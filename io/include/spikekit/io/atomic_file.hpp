#pragma once
// Output files written atomically: to a temporary `.NAME.tmp.PID` beside the target, then renamed into
// place, so a killed run leaves either the previous file or the complete new one, never a partial file.
//
// Guarantees of write_atomically():
//  * an empty path or a directory is refused (input_error) before anything is written;
//  * temporaries `.NAME.tmp.PID` of the same target left by processes that no longer exist (a run killed
//    while writing) are removed first; those of live processes are left alone;
//  * an error raised while writing names the user's path, never the temporary;
//  * on any failure the temporary is removed and the target is untouched.
#include <functional>
#include <string>

namespace spikekit::io {

// The temporary write_atomically() uses for `path` in this process.
std::string temporary_for(const std::string& path);

// Remove `.NAME.tmp.PID` files of `path` whose process is gone; returns how many were removed.
std::size_t remove_stale_temporaries(const std::string& path);

// Write through `write(tmp_path)` then rename to `path` (see above).
void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write);

} // namespace spikekit::io
