#include "core/journal/spool_import.h"

#include <fmt/format.h>
#include <cstdio>

#include "core/common/number_text.h"
#include "core/journal/change_spool.h"

namespace gb {

Result<size_t> import_spool(ChangeJournal& journal, const std::string& spool_dir) {
  std::vector<std::string> segments = list_spool_segments(spool_dir);
  size_t imported = 0;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& segment = segments[i];
    std::string key = "spool-offset:" + segment;
    GB_ASSIGN(auto saved, journal.value(key));
    auto saved_offset = saved ? parse_uint(*saved) : Result<uint64_t>(uint64_t{0});
    uint64_t offset = saved_offset ? *saved_offset : 0, end = offset;
    std::vector<ChangeRecord> records;
    // A damaged saved offset: where to continue is unknown, so the segment
    // counts as damaged (the rescan below covers whatever it held).
    Status read = saved_offset ? read_spool_segment(segment, records, offset, &end)
                               : Status(saved_offset.error().in_context("its saved offset in the journal is damaged"));
    const bool clean = read.ok();
    if (!clean) {
      ChangeRecord lost;
      lost.path = "/";
      lost.kind = ChangeKind::Overflow;
      lost.is_dir = true;
      records.push_back(lost);
      std::fprintf(stderr, "gridbackup: the spool segment %s is damaged (%s); the next backup rescans\n", segment.c_str(),
                   read.error().message.c_str());
    }
    if (!records.empty()) {
      auto appended = journal.append(records);
      if (!appended) return appended.error();
    }
    imported += records.size();
    bool superseded = i + 1 < segments.size();
    if (superseded || !clean) {
      // The agent writes only to the newest segment: an older one is done.
      if (std::remove(segment.c_str()) != 0) return make_error(ErrorKind::Io, fmt::format("cannot remove the imported spool segment {}", segment));
      GB_CHECK(journal.set_value(key, "0"));
    } else {
      GB_CHECK(journal.set_value(key, std::to_string(end)));
    }
  }
  return imported;
}

}  // namespace gb
