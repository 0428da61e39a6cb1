// Change records as the slice planning tests build them (slice_plan_test,
// scan_fallback_test): one filesystem, a kind, a path.
#pragma once
#include <string>

#include "core/journal/change_record.h"

namespace gb::test {

inline ChangeRecord rec(ChangeKind k, std::string path, bool dir = false) {
  ChangeRecord r;
  r.fs_id = "fs";
  r.kind = k;
  r.path = std::move(path);
  r.is_dir = dir;
  return r;
}

}  // namespace gb::test
