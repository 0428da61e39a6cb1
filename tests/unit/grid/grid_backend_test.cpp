#include <doctest/doctest.h>

#include <fmt/format.h>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/connect/open_backend.h"
#include "core/grid/grid_backend.h"
#include "core/grid/placement.h"
#include "tests/unit/test_support.h"

using namespace gb;
namespace fs = std::filesystem;

namespace {

struct FiveMembers {
  test::ScratchDir dir;
  std::string member(int i) const { return dir.path + "/m" + std::to_string(i); }
  std::string url(const std::string& options = "k=3") const {
    std::string u = fmt::format("grid:{}", options);
    for (int i = 0; i < 5; ++i) u += fmt::format("|{}", member(i));
    return u;
  }
  std::unique_ptr<GridBackend> open(const std::string& options = "k=3") const {
    auto g = open_grid(url(options));
    REQUIRE(g);
    return std::move(*g);
  }
  // The share files of one object on member i.
  std::vector<fs::path> shares_on(int i, const std::string& object) const {
    std::vector<fs::path> out;
    fs::path d = member(i) + "/" + object;
    if (fs::is_directory(d))
      for (const auto& e : fs::directory_iterator(d))
        if (e.is_regular_file()) out.push_back(e.path());
    return out;
  }
  // Replaces member i by a plain file: every operation on it fails.
  void take_down(int i) const {
    fs::rename(member(i), member(i) + ".away");
    std::ofstream(member(i)) << "not a directory";
  }
  void bring_back(int i) const {
    fs::remove(member(i));
    fs::rename(member(i) + ".away", member(i));
  }
};

Bytes random_bytes_of(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes b(size);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

void flip_byte(const fs::path& file, uint64_t offset) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x20));
}

}  // namespace

TEST_CASE("grid backend: objects are stored as one share per member and read back whole and in ranges") {
  FiveMembers g5;
  auto grid = g5.open();
  REQUIRE(grid->create());
  CHECK(*grid->exists());
  Bytes big = random_bytes_of(2 * 1024 * 1024 + 5, 1);
  REQUIRE(grid->put("data/ab/big", big));
  REQUIRE(grid->put("config", as_bytes("hello world")));
  REQUIRE(grid->put("empty", {}));
  CHECK(*grid->get("data/ab/big") == big);
  CHECK(to_string(*grid->get("config")) == "hello world");
  CHECK(grid->get("empty")->empty());
  for (int i = 0; i < 5; ++i) CHECK(g5.shares_on(i, "data/ab/big").size() == 1);
  // Share i sits on the i-th member of the object's permuted order.
  auto order = grid->shares().placement("data/ab/big");
  for (int i = 0; i < 5; ++i) CHECK(g5.shares_on(static_cast<int>(order[i]), "data/ab/big")[0].filename() == fmt::format("s{}.2097157", i));
  auto listed = grid->list("");
  REQUIRE(listed);
  REQUIRE(listed->size() == 3);
  CHECK(grid->stat("data/ab/big")->size == big.size());
  CHECK(grid->stat("missing").error().kind == ErrorKind::NotFound);
  CHECK(grid->get("missing").error().kind == ErrorKind::NotFound);
  auto range = grid->get_range("data/ab/big", 1000000, 300000);
  REQUIRE(range);
  CHECK(*range == Bytes(big.begin() + 1000000, big.begin() + 1300000));
  CHECK(grid->get_range("config", 6, 50).error().kind == ErrorKind::Corrupt);
  CHECK(grid->put("_grid/x", as_bytes("x")).error().kind == ErrorKind::InvalidArgument);
  CHECK(grid->put("a/s1.5", as_bytes("x")).error().kind == ErrorKind::InvalidArgument);
}

TEST_CASE("grid backend: any n-k members can be wiped; one more and the read fails clearly") {
  FiveMembers g5;
  {
    auto grid = g5.open();
    REQUIRE(grid->create());
    for (int i = 0; i < 20; ++i) REQUIRE(grid->put("obj/" + std::to_string(i), random_bytes_of(1000 + i * 777, i)));
  }
  fs::remove_all(g5.member(1));
  fs::remove_all(g5.member(3));
  auto grid = g5.open();
  for (int i = 0; i < 20; ++i) CHECK(*grid->get("obj/" + std::to_string(i)) == random_bytes_of(1000 + i * 777, i));
  CHECK(grid->list("obj/")->size() == 20);
  fs::remove_all(g5.member(0));
  auto lost = grid->get("obj/1");
  REQUIRE_FALSE(lost);
  CHECK(lost.error().kind == ErrorKind::Corrupt);
  CHECK(lost.error().message.find("cannot be rebuilt") != std::string::npos);
}

TEST_CASE("grid backend: corrupted shares are skipped, never decoded into garbage") {
  FiveMembers g5;
  auto grid = g5.open();
  REQUIRE(grid->create());
  Bytes object = random_bytes_of(1500000, 9);
  REQUIRE(grid->put("pack", object));
  auto order = grid->shares().placement("pack");
  // Damage the first two primary shares (members order[0] and order[1]) in their data.
  flip_byte(g5.shares_on(static_cast<int>(order[0]), "pack")[0], 5000);
  flip_byte(g5.shares_on(static_cast<int>(order[1]), "pack")[0], 400000);
  CHECK(*g5.open()->get("pack") == object);
  // Two more damaged shares in the first segment: only two good blocks are left there.
  flip_byte(g5.shares_on(static_cast<int>(order[1]), "pack")[0], 5000);
  flip_byte(g5.shares_on(static_cast<int>(order[3]), "pack")[0], 5000);
  auto bad = g5.open()->get("pack");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::Corrupt);
}

TEST_CASE("grid backend: a member down at put time: the share goes to the next member, the object is marked under-replicated") {
  FiveMembers g5;
  REQUIRE(g5.open()->create());
  g5.take_down(2);
  {
    auto grid = g5.open();
    Bytes object = random_bytes_of(300000, 3);
    REQUIRE(grid->put("pack", object));
    CHECK(*grid->get("pack") == object);
    auto under = grid->shares().under_replicated();
    REQUIRE(under);
    CHECK(*under == std::vector<std::string>{"pack"});
    size_t files = 0, doubled = 0;
    for (int i = 0; i < 5; ++i) {
      files += g5.shares_on(i, "pack").size();
      doubled += g5.shares_on(i, "pack").size() == 2;
    }
    CHECK(files == 5);
    CHECK(doubled == 1);
    // Two members down: only three take shares, fewer than happy=4.
    g5.take_down(4);
    auto refused = g5.open()->put("other", as_bytes("x"));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::Transient);
    CHECK(refused.error().message.find("happy") != std::string::npos);
    // happy=3 accepts it.
    REQUIRE(g5.open("k=3,happy=3")->put("other", as_bytes("x")));
    g5.bring_back(4);
  }
  g5.bring_back(2);
  CHECK(g5.open()->get("pack")->size() == 300000);
}

TEST_CASE("grid backend: overwrite leaves one version; remove takes every share") {
  FiveMembers g5;
  auto grid = g5.open();
  REQUIRE(grid->create());
  REQUIRE(grid->put("obj", as_bytes("hello world")));
  REQUIRE(grid->put("obj", as_bytes("replaced")));
  CHECK(to_string(*grid->get("obj")) == "replaced");
  CHECK(grid->stat("obj")->size == 8);
  for (int i = 0; i < 5; ++i) CHECK(g5.shares_on(i, "obj").size() == 1);
  REQUIRE(grid->remove("obj"));
  REQUIRE(grid->remove("obj"));
  CHECK(grid->get("obj").error().kind == ErrorKind::NotFound);
  for (int i = 0; i < 5; ++i) CHECK(g5.shares_on(i, "obj").empty());
  CHECK(grid->list("")->empty());
}
