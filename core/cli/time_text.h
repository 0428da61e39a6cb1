// Times as the CLI prints them: local time for people, UTC ISO 8601 in JSON.
#pragma once
#include <cstdint>
#include <string>

namespace gb {

// "2026-11-30 14:00:05" in local time.
std::string local_time_text(int64_t ns);
// "2026-11-30T13:00:05Z".
std::string utc_time_text(int64_t ns);
// How long ago, coarsely, for lines that should not change every second:
// "under a minute ago", "3 min ago", "5 h ago", "2 days ago".
std::string ago_text(int64_t seconds);

}  // namespace gb
