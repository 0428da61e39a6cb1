#include <doctest/doctest.h>

#include <fmt/format.h>

#include "core/journal/scan_fallback.h"
#include "tests/unit/journal/slice_records.h"

using namespace gb;

namespace {

using test::rec;

// `n` records of kind `k` for files /r/d/f0.. (as an agent journals a burst).
void burst(std::vector<ChangeRecord>& out, ChangeKind k, int n, const std::string& dir = "/r/d") {
  for (int i = 0; i < n; ++i) out.push_back(rec(k, fmt::format("{}/f{}", dir, i)));
}

const ScanFallbackRule kRule{0.6, 100};

// Whether the records, sliced under /r, make a full scan of a tree whose
// previous snapshot held `previous` entries.
bool full_scan(const std::vector<ChangeRecord>& r, uint64_t previous, const ScanFallbackRule& rule = kRule) {
  return plan_scan_fallback(plan_slice(r, {"/r"}), previous, rule).full_scan;
}

}  // namespace

TEST_CASE("the plan counts the names that are gone at its end") {
  std::vector<ChangeRecord> r;
  burst(r, ChangeKind::Deleted, 10);
  burst(r, ChangeKind::Created, 4);  // f0..f3 came back
  r.push_back(rec(ChangeKind::RenamedFrom, "/r/moved", true));
  r.push_back(rec(ChangeKind::Deleted, "/outside/f"));               // not in a root
  r.push_back(rec(ChangeKind::Deleted, "/r/.gridbackup-cookie-1"));  // our own cookie
  r.push_back(rec(ChangeKind::Modified, "/r/d/f9"));
  CHECK(plan_slice(r, {"/r"}).gone == 7);
}

TEST_CASE("most of the previous snapshot gone: a full scan; just under the share: the slice") {
  std::vector<ChangeRecord> r;
  burst(r, ChangeKind::Deleted, 600);
  SlicePlan plan = plan_slice(r, {"/r"});
  auto f = plan_scan_fallback(plan, 1000, kRule);
  CHECK(f.full_scan);
  CHECK(f.gone == 600);
  CHECK(f.previous == 1000);
  CHECK_FALSE(plan_scan_fallback(plan, 1001, kRule).full_scan);
}

TEST_CASE("a few gone names never make a full scan, however small the tree") {
  std::vector<ChangeRecord> r;
  burst(r, ChangeKind::Deleted, 99);
  CHECK_FALSE(full_scan(r, 100));
}

TEST_CASE("creates and modifications, however many, stay a narrow slice") {
  std::vector<ChangeRecord> r;
  burst(r, ChangeKind::Created, 5000);
  burst(r, ChangeKind::Modified, 5000, "/r/e");
  SlicePlan plan = plan_slice(r, {"/r"});
  CHECK(plan.gone == 0);
  CHECK_FALSE(plan_scan_fallback(plan, 100, kRule).full_scan);
}

TEST_CASE("files renamed away count as gone; renamed back they do not") {
  std::vector<ChangeRecord> r;
  burst(r, ChangeKind::RenamedFrom, 700);
  CHECK(full_scan(r, 1000));
  burst(r, ChangeKind::RenamedTo, 700);
  CHECK_FALSE(full_scan(r, 1000));
}

TEST_CASE("'never' turns the fallback off") {
  std::vector<ChangeRecord> r;
  burst(r, ChangeKind::Deleted, 5000);
  ScanFallbackRule never{ScanFallbackRule::kNever, 100};
  CHECK_FALSE(full_scan(r, 5000, never));
}
