#include <doctest/doctest.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "../test_support.h"
#include "core/common/path_order.h"
#include "core/scan/device_boundary.h"
#include "core/scan/scanner.h"

using namespace gb;

TEST_CASE("the scanner emits paths in path order, applies excludes and reports problems") {
  test::ScratchDir dir;
  std::string root = dir.path + "/root";
  for (const char* d : {"/a", "/a/b", "/a b", "/a.b", "/cache", "/z"}) std::filesystem::create_directories(root + d);
  for (const char* f : {"/a/b/f", "/a b/g", "/a.b/h", "/cache/junk", "/z/x.tmp", "/z/keep", "/\xff"}) std::ofstream(root + f) << "x";
  std::vector<ScanProblem> problems;
  Scanner scanner({root}, ExcludeRules({"cache", "*.tmp"}), [&](ScanProblem p) { problems.push_back(p); });
  std::vector<std::string> paths;
  Entry e;
  while (scanner.next(e)) paths.push_back(e.path.substr(root.size()));
  CHECK(std::is_sorted(paths.begin(), paths.end(), path_less));
  std::vector<std::string> want = {"", "/a", "/a/b", "/a/b/f", "/a b", "/a b/g", "/a.b", "/a.b/h", "/z", "/z/keep", "/\xff"};
  CHECK(paths == want);
  CHECK(problems.empty());
}

TEST_CASE("normalise_roots makes roots absolute, drops nested ones and refuses missing ones") {
  test::ScratchDir dir;
  std::filesystem::create_directories(dir.path + "/a/b");
  auto roots = normalise_roots({dir.path + "/a/b/", dir.path + "/a", dir.path + "/./a"});
  REQUIRE(roots);
  CHECK(*roots == std::vector<std::string>{dir.path + "/a"});
  auto missing = normalise_roots({dir.path + "/nope"});
  REQUIRE(!missing);
  CHECK(missing.error().message.find("No such file") != std::string::npos);
}

TEST_CASE("the device boundary: a subtree scan and ScanReach enter what a scan from above enters") {
  test::ScratchDir dir;
  std::string root = dir.path + "/root";
  std::filesystem::create_directories(root + "/d/e");
  std::ofstream(root + "/d/e/f") << "x";
  std::ofstream(root + "/file") << "x";
  auto stat = stat_entry(root + "/d");
  REQUIRE(stat);
  const Entry d = *stat;
  auto scan = [](const std::string& top, std::optional<uint64_t> listing) {
    Scanner scanner(
        {top}, ExcludeRules(), [](ScanProblem) {}, listing);
    std::vector<std::string> paths;
    Entry e;
    while (scanner.next(e)) paths.push_back(e.path);
    return paths;
  };
  // Listed in a directory on its own device: entered. On another device (a
  // mount point, a btrfs subvolume): recorded alone.
  CHECK(scan(root + "/d", d.device) == std::vector<std::string>{root + "/d", root + "/d/e", root + "/d/e/f"});
  CHECK(scan(root + "/d", d.device + 1) == std::vector<std::string>{root + "/d"});
  ScanReach reach({root});
  CHECK(reach.lists(root));
  CHECK(reach.lists(root + "/d/e/f"));
  CHECK(reach.entered(root + "/d/e") == d.device);
  CHECK(!reach.entered(root + "/file"));  // not a directory
  CHECK(!reach.lists(root + "/file/x"));  // below a file
  CHECK(!reach.lists(root + "/gone/x"));  // below nothing
  CHECK(reach.lists(root + "/gone"));     // a name in an entered directory: its stat decides
}

TEST_CASE("stat_entry: a missing path fails with Cause::NotFound and names the path; the message is the system's") {
  test::ScratchDir dir;
  auto gone = stat_entry(dir.path + "/gone");
  REQUIRE(!gone);
  CHECK(gone.error().cause == Cause::NotFound);
  CHECK(gone.error().path == dir.path + "/gone");
  CHECK(gone.error().message == std::strerror(ENOENT));
  std::ofstream(dir.path + "/file") << "x";
  auto below_file = stat_entry(dir.path + "/file/x");
  REQUIRE(!below_file);
  CHECK(below_file.error().cause == Cause::NotFound);
  auto ok = stat_entry(dir.path + "/file");
  REQUIRE(ok);
  CHECK(ok->type == NodeType::File);
  CHECK(ok->size == 1);
}
