#include "core/journal/spool_import.h"

#include <cstdio>
#include <fmt/format.h>

#include "core/journal/change_spool.h"

namespace gb {

Result<size_t> import_spool(ChangeJournal& journal, const std::string& spool_dir) {
  std::vector<std::string> segments = list_spool_segments(spool_dir);
  size_t imported = 0;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& segment = segments[i];
    std::string key = "spool-offset:" + segment;
    GB_ASSIGN(auto saved, journal.value(key));
    uint64_t offset = saved ? std::stoull(*saved) : 0, end = offset;
    std::vector<ChangeRecord> records;
    std::string error;
    bool clean = read_spool_segment(segment, records, error, offset, &end);
    if (!clean) {
      ChangeRecord lost;
      lost.path = "/";
      lost.kind = ChangeKind::Overflow;
      lost.is_dir = true;
      records.push_back(lost);
      std::fprintf(stderr, "gridbackup: the spool segment %s is damaged (%s); the next backup rescans\n", segment.c_str(), error.c_str());
    }
    if (!records.empty()) {
      auto appended = journal.append(records);
      if (!appended) return appended.error();
    }
    imported += records.size();
    bool superseded = i + 1 < segments.size();
    if (superseded || !clean) {
      // The agent writes only to the newest segment: an older one is done.
      if (std::remove(segment.c_str()) != 0)
        return make_error(ErrorKind::Io, fmt::format("cannot remove the imported spool segment {}", segment));
      GB_CHECK(journal.set_value(key, "0"));
    } else {
      GB_CHECK(journal.set_value(key, std::to_string(end)));
    }
  }
  return imported;
}

}  // namespace gb
