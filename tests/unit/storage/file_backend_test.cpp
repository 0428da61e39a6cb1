#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "core/connect/open_backend.h"
#include "core/storage/backend.h"

using namespace gb;

namespace {
std::string temp_dir() {
  char tmpl[] = "/tmp/gbtest-XXXXXX";
  return ::mkdtemp(tmpl);
}
}  // namespace

TEST_CASE("file backend: put/get/range/list/stat/remove on a real directory") {
  std::string dir = temp_dir();
  auto b = open_backend("file://" + dir + "/repo");
  REQUIRE(b);
  auto& be = **b;
  CHECK(*be.exists() == false);
  REQUIRE(be.create());
  CHECK(*be.exists() == true);
  REQUIRE(be.put("data/ab/abc", as_bytes("hello world")));
  REQUIRE(be.put("data/cd/cde", as_bytes("x")));
  REQUIRE(be.put("index/1", as_bytes("i")));
  CHECK(to_string(*be.get("data/ab/abc")) == "hello world");
  CHECK(to_string(*be.get_range("data/ab/abc", 6, 5)) == "world");
  CHECK(be.get_range("data/ab/abc", 6, 50).error().kind == ErrorKind::Corrupt);
  CHECK(be.get("data/zz/none").error().kind == ErrorKind::NotFound);
  auto data = be.list("data/");
  REQUIRE(data);
  CHECK(data->size() == 2);
  CHECK(be.list("")->size() == 3);
  CHECK(be.stat("data/ab/abc")->size == 11);
  REQUIRE(be.remove("data/ab/abc"));
  CHECK(be.get("data/ab/abc").error().kind == ErrorKind::NotFound);
  // No temporary files are left behind by completed puts.
  CHECK(std::filesystem::is_empty(dir + "/repo/tmp"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("open_backend rejects unknown schemes and relative paths with a sentence") {
  CHECK(open_backend("ftp://x").error().kind == ErrorKind::InvalidArgument);
  CHECK(open_backend("file://relative").error().kind == ErrorKind::InvalidArgument);
  CHECK(open_backend("repo").error().kind == ErrorKind::InvalidArgument);
}
