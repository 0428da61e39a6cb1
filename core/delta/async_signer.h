// Computes a large file's signature on a thread of its own while the reader
// goes on hashing and packing: the signature (BLAKE2 in librsync) costs more
// CPU than everything else the reader does, and would otherwise make the
// single reading thread the bottleneck of a backup.
#pragma once
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "core/delta/signature_builder.h"

namespace gb {

class AsyncSigner {
 public:
  explicit AsyncSigner(uint64_t file_size);
  ~AsyncSigner();
  AsyncSigner(const AsyncSigner&) = delete;
  AsyncSigner& operator=(const AsyncSigner&) = delete;
  // Queues a copy of the next bytes; blocks while a few segments wait.
  void update(ByteView data);
  // Waits for the queued bytes and returns the signature. Call once.
  Result<Bytes> finish();

 private:
  void run();
  SignatureBuilder builder_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Bytes> queue_;
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace gb
