#include <doctest/doctest.h>

#include <fstream>

#include "../test_support.h"
#include "core/connect/open_backend.h"
#include "core/content/packer.h"
#include "core/crypto/sha256.h"

using namespace gb;

TEST_CASE("repository: blobs stored through the packer read back; reopening needs the right key") {
  test::ScratchDir dir;
  Hash master = *random_hash();
  auto repo = test::make_repository(dir.path, master);
  std::vector<std::pair<Hash, Bytes>> blobs;
  {
    Packer packer(repo->backend(), repo->keys(), packs_into(repo->index()), PackerOptions{2, 4096, 1 << 20, 3});
    for (int i = 0; i < 50; ++i) {
      Bytes data = *random_bytes(static_cast<size_t>(i * 300 + 1));
      Hash h = sha256(data);
      CHECK(packer.add(BlobType::Data, h, data));
      CHECK_FALSE(packer.add(BlobType::Data, h, data));  // deduplicated while in flight
      blobs.emplace_back(h, data);
    }
    REQUIRE(packer.finish());
  }
  REQUIRE(repo->index().flush(repo->backend(), repo->keys().metadata));
  CHECK(repo->index().pack_names().size() > 1);  // small target: several packs
  for (auto& [h, data] : blobs) CHECK(*repo->read_blob(h) == data);

  auto reopened = Repository::open(std::move(*open_backend("file://" + dir.path + "/repo")), master);
  REQUIRE(reopened);
  CHECK((*reopened)->index().blob_count() == blobs.size());
  CHECK(*(*reopened)->read_blob(blobs[7].first) == blobs[7].second);

  auto wrong = Repository::open(std::move(*open_backend("file://" + dir.path + "/repo")), *random_hash());
  REQUIRE(!wrong);
  CHECK(wrong.error().kind == ErrorKind::WrongKey);
}

TEST_CASE("repository: a flipped byte in a pack is reported as damage naming the pack") {
  test::ScratchDir dir;
  auto repo = test::make_repository(dir.path, *random_hash());
  Bytes data = *random_bytes(10000);
  Hash h = sha256(data);
  {
    Packer packer(repo->backend(), repo->keys(), packs_into(repo->index()), PackerOptions{});
    packer.add(BlobType::Data, h, data);
    REQUIRE(packer.finish());
  }
  std::string pack = repo->index().pack_names().at(0);
  std::string path = dir.path + "/repo/data/" + pack.substr(0, 2) + "/" + pack;
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(50);
  f.put('\x55');
  f.close();
  auto got = repo->read_blob(h);
  REQUIRE(!got);
  CHECK(got.error().kind == ErrorKind::Corrupt);
  CHECK(got.error().message.find(pack) != std::string::npos);
}

namespace {
// Hands back the first `torn` gets of one object cut short, without an error:
// what a torn transfer can give a backend that does not check lengths.
class TornGets final : public Backend {
 public:
  TornGets(std::unique_ptr<Backend> inner, std::string name, int torn) : inner_(std::move(inner)), name_(std::move(name)), torn_(torn) {}
  std::string url() const override { return inner_->url(); }
  Status create() override { return inner_->create(); }
  Result<bool> exists() override { return inner_->exists(); }
  Status put(const std::string& n, ByteView d) override { return inner_->put(n, d); }
  Result<Bytes> get(const std::string& n) override {
    auto r = inner_->get(n);
    if (n == name_ && torn_ > 0 && r.ok()) {
      --torn_;
      r->resize(r->size() / 2);
    }
    return r;
  }
  Result<Bytes> get_range(const std::string& n, uint64_t o, uint64_t l) override { return inner_->get_range(n, o, l); }
  Result<std::vector<ObjectInfo>> list(const std::string& p) override { return inner_->list(p); }
  Result<ObjectInfo> stat(const std::string& n) override { return inner_->stat(n); }
  Status remove(const std::string& n) override { return inner_->remove(n); }

 private:
  std::unique_ptr<Backend> inner_;
  std::string name_;
  int torn_;
};
}  // namespace

TEST_CASE("repository: a config read short once is read again; short every time it is damaged") {
  test::ScratchDir dir;
  Hash master = *random_hash();
  test::make_repository(dir.path, master);
  auto torn = [&](int times) {
    return Repository::open(std::make_unique<TornGets>(std::move(*open_backend("file://" + dir.path + "/repo")), "config", times), master);
  };
  CHECK(torn(1).ok());
  auto twice = torn(2);
  REQUIRE(!twice);
  CHECK(twice.error().kind == ErrorKind::Corrupt);
}
