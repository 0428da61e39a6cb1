// core/browse on real backups of a real tree: the mount's namespace (hosts,
// time names, ids, latest, the directories above the roots, hard-link
// counts) and ranged content reads (a full version segment by segment, a
// delta version rebuilt once, read-ahead after sequential reads, the cache
// bound).
#include <doctest/doctest.h>

#include <filesystem>
#include <random>

#include "../backup_support.h"
#include "../test_support.h"
#include "core/browse/browse_catalog.h"
#include "core/browse/content_cache.h"

using namespace gb;
namespace fs = std::filesystem;

namespace {
using test::random_text;
using test::write_file;
Snapshot backup(Repository& repo, const std::string& src, std::vector<std::string> tags = {}) {
  return test::backup_tree(repo, src, "browsehost", "browse", std::move(tags));
}
std::string text(const Bytes& b) { return std::string(b.begin(), b.end()); }
}  // namespace

TEST_CASE("browse: the namespace of two snapshots, and ranged reads of a full and a delta version") {
  test::ScratchDir dir;
  auto owned = test::make_repository(dir.path, *random_hash());
  Repository& repo = *owned;
  std::string src = dir.path + "/src";
  fs::create_directories(src + "/sub");
  std::string big = random_text(5 << 20, 16);  // five segments
  write_file(src + "/big.bin", big);
  write_file(src + "/sub/small.txt", "small");
  fs::create_hard_link(src + "/sub/small.txt", src + "/sub/link.txt");
  Snapshot first = backup(repo, src);
  std::string changed = big;
  changed[3 * 4096] ^= 0x5a;  // stored as a delta of the first version
  write_file(src + "/big.bin", changed);
  Snapshot second = backup(repo, src, {"weekly"});

  BrowseCatalog catalog(std::move(owned), nullptr, 0);
  auto root = catalog.resolve("/");
  REQUIRE(root.ok());
  CHECK(root->children == std::vector<std::string>{"hosts", "latest", "snapshots", "tags"});
  auto hosts = catalog.resolve("/hosts");
  REQUIRE(hosts.ok());
  CHECK(hosts->children == std::vector<std::string>{"browsehost"});
  auto times = catalog.resolve("/hosts/browsehost");
  REQUIRE(times.ok());
  std::string first_name = BrowseCatalog::time_name(first.time_ns), second_name = BrowseCatalog::time_name(second.time_ns);
  if (second_name == first_name) second_name += "-" + second.short_id();  // both in one second
  CHECK(times->children == std::vector<std::string>{first_name, second_name, "latest"});
  auto latest = catalog.resolve("/hosts/browsehost/latest");
  REQUIRE(latest.ok());
  CHECK(latest->kind == BrowseNode::Kind::Symlink);
  CHECK(latest->target == second_name);
  auto latest_host = catalog.resolve("/latest/browsehost");
  REQUIRE(latest_host.ok());
  CHECK(latest_host->target == "../hosts/browsehost/" + second_name);
  CHECK(catalog.resolve("/hosts/otherhost").error().kind == ErrorKind::NotFound);
  auto tags = catalog.resolve("/tags");
  REQUIRE(tags.ok());
  CHECK(tags->children == std::vector<std::string>{"weekly"});
  auto tagged = catalog.resolve("/tags/weekly");
  REQUIRE(tagged.ok());
  std::string tagged_name = BrowseCatalog::time_name(second.time_ns);  // alone in its tag: never a suffix
  CHECK(tagged->children == std::vector<std::string>{tagged_name, "latest"});
  auto tagged_file = catalog.resolve("/tags/weekly/" + tagged_name + src + "/sub/small.txt");
  REQUIRE(tagged_file.ok());
  CHECK(tagged_file->snapshot_id == second.id);
  CHECK(catalog.resolve("/nothing").error().kind == ErrorKind::NotFound);

  // The directories above the root are there (synthesized), then the stored tree.
  auto above = catalog.resolve("/snapshots/" + first.short_id() + dir.path);
  REQUIRE(above.ok());
  CHECK(above->kind == BrowseNode::Kind::Stored);
  CHECK(above->node->synthesized);
  CHECK(above->node->children == std::vector<std::string>{"src"});
  auto small = catalog.resolve("/hosts/browsehost/" + first_name + src + "/sub/small.txt");
  REQUIRE(small.ok());
  CHECK_FALSE(small->node->synthesized);
  CHECK(small->node->links == 2);
  CHECK(small->node->entry.size == 5);
  auto sub = catalog.resolve("/snapshots/" + first.short_id() + src + "/sub");
  REQUIRE(sub.ok());
  CHECK(sub->node->children == std::vector<std::string>{"link.txt", "small.txt"});
  CHECK(catalog.resolve("/snapshots/" + first.short_id() + src + "/nope").error().kind == ErrorKind::NotFound);

  ContentCacheOptions options;
  options.cache_bytes = 2 << 20;  // two segments: the bound is met while reading five
  ContentCache cache([&](const std::function<Status(Repository&)>& f) { return catalog.with_repo(f); }, dir.path, options);
  auto read_text = [&](const Entry& e, uint64_t off, uint64_t n, bool seq) {
    auto got = cache.read(e, off, n, seq);
    REQUIRE_MESSAGE(got.ok(), (got.ok() ? "" : got.error().message));
    return text(*got);
  };
  CHECK(read_text(small->node->entry, 1, 100, false) == "mall");
  auto full = catalog.resolve("/snapshots/" + first.short_id() + src + "/big.bin");
  REQUIRE(full.ok());
  const Entry& v1 = full->node->entry;
  // Across a segment boundary, at the end, past the end.
  CHECK(read_text(v1, (1 << 20) - 10, 20, false) == big.substr((1 << 20) - 10, 20));
  CHECK(read_text(v1, big.size() - 5, 100, false) == big.substr(big.size() - 5));
  CHECK(read_text(v1, big.size() + 5, 100, false).empty());
  // A sequential reader: each read after the first is sequential, the next segments come ahead.
  std::string streamed;
  for (uint64_t off = 0; off < big.size(); off += 128 << 10) streamed += read_text(v1, off, 128 << 10, off != 0);
  CHECK(streamed == big);
  auto counters = cache.counters();
  CHECK(counters.read_ahead_fetched > 0);
  CHECK(counters.segment_hits > 0);
  CHECK(counters.versions_rebuilt == 0);

  auto delta = catalog.resolve("/snapshots/" + second.short_id() + src + "/big.bin");
  REQUIRE(delta.ok());
  const Entry& v2 = delta->node->entry;
  std::mt19937 rng(7);
  for (int i = 0; i < 20; ++i) {
    uint64_t off = rng() % changed.size(), n = 1 + rng() % (3 << 20);
    CHECK(read_text(v2, off, n, false) == changed.substr(off, n));
  }
  bool stored_as_delta = false;
  CHECK(catalog
            .with_repo([&](Repository& r) {
              stored_as_delta = !r.full_version_present(v2.content);
              return Status();
            })
            .ok());
  CHECK(stored_as_delta);
  CHECK(cache.counters().versions_rebuilt == 1);  // rebuilt once for twenty reads
}
