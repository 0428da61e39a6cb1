#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "../test_support.h"
#include "core/crypto/sha256.h"
#include "core/storage/file_backend.h"
#include "core/storage/object_cache.h"

using namespace gb;

namespace {
// Counts what reaches the storage behind the cache.
class CountingBackend final : public Backend {
 public:
  explicit CountingBackend(std::string root) : inner_(std::move(root)) {}
  std::string url() const override { return inner_.url(); }
  Status create() override { return inner_.create(); }
  Result<bool> exists() override { return inner_.exists(); }
  Status put(const std::string& name, ByteView data) override { return inner_.put(name, data); }
  Result<Bytes> get(const std::string& name) override {
    ++*gets;
    return inner_.get(name);
  }
  Result<Bytes> get_range(const std::string& name, uint64_t offset, uint64_t length) override { return inner_.get_range(name, offset, length); }
  Result<std::vector<ObjectInfo>> list(const std::string& prefix) override { return inner_.list(prefix); }
  Result<ObjectInfo> stat(const std::string& name) override { return inner_.stat(name); }
  Status remove(const std::string& name) override { return inner_.remove(name); }
  std::shared_ptr<int> gets = std::make_shared<int>(0);

 private:
  FileBackend inner_;
};
std::string named(const std::string& prefix, const Bytes& b) { return prefix + to_hex(sha256(b)); }
}  // namespace

TEST_CASE("object cache: snapshot and index objects read once per machine, checked by their names") {
  test::ScratchDir dir;
  FileBackend storage(dir.path + "/repo");
  REQUIRE(storage.create());
  auto counting = std::make_unique<CountingBackend>(dir.path + "/repo");
  auto gets = counting->gets;
  ObjectCacheBackend cache(std::move(counting), dir.path + "/cache");
  auto bytes = [](std::string_view s) {
    ByteView v = as_bytes(s);
    return Bytes(v.begin(), v.end());
  };
  Bytes snap = bytes("a sealed snapshot");
  Bytes index = bytes("a sealed index object");
  const std::string snap_name = named("snapshots/", snap), index_name = named("index/", index);
  REQUIRE(storage.put(snap_name, snap));  // stored by another machine
  REQUIRE(cache.put(index_name, index));  // stored by this one: kept as it goes out

  CHECK(cache.get(snap_name).value() == snap);
  CHECK(*gets == 1);
  CHECK(cache.get(snap_name).value() == snap);
  CHECK(cache.get(index_name).value() == index);
  CHECK(*gets == 1);  // both from the copies
  CHECK(cache.hits() == 2);
  CHECK(std::filesystem::exists(dir.path + "/cache/" + snap_name));
  CHECK((std::filesystem::status(dir.path + "/cache").permissions() & std::filesystem::perms::others_all) == std::filesystem::perms::none);

  // A damaged copy is not served: fetched again, and the copy mended.
  std::ofstream(dir.path + "/cache/" + snap_name, std::ios::trunc) << "garbage";
  CHECK(cache.get(snap_name).value() == snap);
  CHECK(*gets == 2);
  CHECK(cache.get(snap_name).value() == snap);
  CHECK(*gets == 2);

  // Other objects always come from the storage; bytes that do not match their name are not kept.
  REQUIRE(storage.put("config", snap));
  CHECK(cache.get("config").value() == snap);
  CHECK(cache.get("config").value() == snap);
  CHECK(*gets == 4);
  const std::string wrong = "snapshots/" + std::string(64, 'a');
  REQUIRE(storage.put(wrong, snap));
  CHECK(cache.get(wrong).value() == snap);
  CHECK_FALSE(std::filesystem::exists(dir.path + "/cache/" + wrong));

  // Deleted behind the cache's back (another machine's forget): the next
  // listing drops the copy, and the object is then missing here too.
  REQUIRE(storage.remove(snap_name));
  auto listed = cache.list("snapshots/");
  REQUIRE(listed);
  CHECK_FALSE(std::filesystem::exists(dir.path + "/cache/" + snap_name));
  CHECK(cache.get(snap_name).error().kind == ErrorKind::NotFound);
  // Removed through the cache: the copy goes with it.
  REQUIRE(cache.remove(index_name));
  CHECK_FALSE(std::filesystem::exists(dir.path + "/cache/" + index_name));
  CHECK(cache.get(index_name).error().kind == ErrorKind::NotFound);
}

TEST_CASE("object cache: which names it keeps") {
  CHECK(cacheable_object("snapshots/" + std::string(64, 'f')));
  CHECK(cacheable_object("index/" + std::string(64, '0')));
  CHECK_FALSE(cacheable_object("snapshots/" + std::string(63, 'f')));
  CHECK_FALSE(cacheable_object("snapshots/" + std::string(64, 'F')));
  CHECK_FALSE(cacheable_object("data/ab/" + std::string(64, 'a')));
  CHECK_FALSE(cacheable_object("forgotten/" + std::string(64, 'a')));
  CHECK_FALSE(cacheable_object("index/../" + std::string(61, 'a')));
  CHECK_FALSE(cacheable_object("config"));
}
