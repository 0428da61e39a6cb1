#include "core/content/packer.h"

#include "core/content/blob_seal.h"
#include "core/content/envelope.h"
#include "core/content/pack_format.h"
#include "core/crypto/sha256.h"

namespace gb {
namespace {
// The sealed pack header and its trailer: a few bytes per blob.
constexpr size_t kHeaderRoom = 256 << 10;
}  // namespace

Packer::Packer(Backend& backend, const RepositoryKeys& keys, PackCallbacks packs, PackerOptions options)
    : backend_(backend), keys_(keys), packs_(std::move(packs)), options_(options) {
  for (int i = 0; i < std::max(1, options_.workers); ++i) threads_.emplace_back([this] { worker(); });
}

Packer::~Packer() { (void)finish(); }

bool Packer::add(BlobType type, const Hash& hash, Bytes plaintext) {
  if (packs_.known(hash)) return false;
  std::unique_lock lock(mu_);
  if (!in_flight_.insert(hash).second) return false;
  has_room_.wait(lock, [&] { return queued_bytes_ < options_.max_queued_bytes || error_; });
  queued_bytes_ += plaintext.size();
  plain_added_ += plaintext.size();
  queue_.push_back(Job{type, hash, std::move(plaintext)});
  has_work_.notify_one();
  return true;
}

void Packer::worker() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      has_work_.wait(lock, [&] { return !queue_.empty() || closing_; });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    Bytes box;
    box.reserve(job.data.size() / 2 + 64);
    if (Status sealed = seal_blob(keys_, job.type, job.hash, job.data, options_.compression_level, box); !sealed) {
      fail(sealed.error());
      std::lock_guard lock(mu_);
      queued_bytes_ -= job.data.size();
      in_flight_.erase(job.hash);
      --busy_;
      has_room_.notify_all();
      idle_.notify_all();
      continue;
    }
    OpenPack full;
    {
      std::lock_guard lock(mu_);
      queued_bytes_ -= job.data.size();
      has_room_.notify_all();
      // Room for a full pack plus its header up front: growth by doubling would
      // cost twice the memory. The buffer of the last pack stored is reused:
      // its pages are already in, and the heap does not fragment around a new one.
      if (current_.bytes.capacity() == 0 && !spare_.empty()) {
        current_.bytes = std::move(spare_.back());
        spare_.pop_back();
      }
      const size_t need = std::max(current_.bytes.size() + box.size(), options_.pack_target) + kHeaderRoom;
      if (current_.bytes.capacity() < need) current_.bytes.reserve(std::max(need, options_.pack_target + kHeaderRoom + (1 << 20)));
      current_.blobs.push_back(
          PackedBlob{job.type, job.hash, current_.bytes.size(), static_cast<uint32_t>(box.size()), static_cast<uint32_t>(job.data.size())});
      current_.bytes.insert(current_.bytes.end(), box.begin(), box.end());
      plain_packed_ += job.data.size();
      sealed_packed_ += box.size();
      if (current_.bytes.size() >= options_.pack_target) std::swap(full, current_);
    }
    if (!full.blobs.empty()) store_pack(std::move(full));
    std::lock_guard lock(mu_);
    --busy_;
    idle_.notify_all();
  }
}

void Packer::store_pack(OpenPack pack) {
  auto sealed = seal_envelope(keys_.metadata, EnvelopeKind::PackHeader, encode_pack_header(pack.blobs));
  if (!sealed) return fail(sealed.error());
  Bytes& header = *sealed;
  // A pack of many tiny blobs has a header larger than kHeaderRoom: grow once, exactly.
  if (pack.bytes.capacity() < pack.bytes.size() + header.size() + 8) pack.bytes.reserve(pack.bytes.size() + header.size() + 8);
  pack.bytes.insert(pack.bytes.end(), header.begin(), header.end());
  uint32_t len = static_cast<uint32_t>(header.size());
  for (int i = 0; i < 4; ++i) pack.bytes.push_back(static_cast<uint8_t>(len >> (8 * i)));
  for (char c : std::string("GBP1")) pack.bytes.push_back(static_cast<uint8_t>(c));
  std::string id = to_hex(sha256(pack.bytes));
  if (Status st = backend_.put(pack_object_name(id), pack.bytes); !st) return fail(st.error());
  packs_.stored(id, pack.blobs);
  std::lock_guard lock(mu_);
  stored_bytes_ += pack.bytes.size();
  for (const auto& b : pack.blobs) in_flight_.erase(b.hash);
  if (spare_.empty()) {
    pack.bytes.clear();
    spare_.push_back(std::move(pack.bytes));
  }
}

void Packer::fail(Error e) {
  std::lock_guard lock(mu_);
  if (!error_) error_ = std::move(e);
  has_room_.notify_all();
}

Status Packer::flush() {
  OpenPack last;
  {
    std::unique_lock lock(mu_);
    idle_.wait(lock, [&] { return (queue_.empty() && busy_ == 0) || error_; });
    std::swap(last, current_);
  }
  if (!last.blobs.empty()) store_pack(std::move(last));
  return status();
}

Status Packer::finish() {
  if (!threads_.empty()) {
    {
      std::lock_guard lock(mu_);
      closing_ = true;
      has_work_.notify_all();
    }
    for (auto& t : threads_) t.join();
    threads_.clear();
    OpenPack last;
    {
      std::lock_guard lock(mu_);
      std::swap(last, current_);
    }
    if (!last.blobs.empty()) store_pack(std::move(last));
  }
  return status();
}

Status Packer::status() const {
  std::lock_guard lock(mu_);
  if (error_) return *error_;
  return {};
}

uint64_t Packer::stored_bytes() const {
  std::lock_guard lock(mu_);
  return stored_bytes_;
}

Packer::Counts Packer::counts() const {
  std::lock_guard lock(mu_);
  return {plain_added_, plain_packed_, sealed_packed_, stored_bytes_};
}

}  // namespace gb
