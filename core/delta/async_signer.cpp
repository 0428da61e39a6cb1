#include "core/delta/async_signer.h"

namespace gb {

namespace {
constexpr size_t kMaxQueued = 4;  // segments: bounds the memory to a few MiB (more only waits: the signer is the slower side)
}

AsyncSigner::AsyncSigner(uint64_t file_size) : builder_(file_size), thread_([this] { run(); }) {}

AsyncSigner::~AsyncSigner() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AsyncSigner::update(ByteView data) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return queue_.size() < kMaxQueued; });
  queue_.emplace_back(data.begin(), data.end());
  cv_.notify_all();
}

void AsyncSigner::run() {
  for (;;) {
    Bytes next;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty() || closing_; });
      if (queue_.empty()) return;
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    cv_.notify_all();
    builder_.update(next);
  }
}

Result<Bytes> AsyncSigner::finish() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  thread_.join();
  return builder_.finish();
}

}  // namespace gb
