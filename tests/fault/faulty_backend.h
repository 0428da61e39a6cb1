// A Backend wrapper that injects faults at random (seeded) around a real
// backend, modelling only what a real backend may do within the contract of
// core/storage/backend.h: fail (Transient) before or after the inner put took
// effect (a lost answer), do a put twice, delay, return a short get (what a
// torn connection gives; the envelope/AEAD must reject it), fail a get/list,
// list an entry twice. Never a partial visible object.
#pragma once
#include <chrono>
#include <mutex>
#include <random>
#include <thread>

#include "core/storage/backend.h"

namespace gb::test {

class FaultyBackend final : public Backend {
 public:
  FaultyBackend(std::unique_ptr<Backend> inner, uint64_t seed, double rate) : inner_(std::move(inner)), rng_(seed), rate_(rate) {}
  std::string url() const override { return inner_->url(); }
  Status create() override { return inner_->create(); }
  Result<bool> exists() override { return inner_->exists(); }
  Status put(const std::string& name, ByteView data) override {
    switch (pick()) {
      case 1:
        return transient("put refused");
      case 2: {  // stored, but the answer is lost
        (void)inner_->put(name, data);
        return transient("put answer lost");
      }
      case 3:
        (void)inner_->put(name, data);
        break;  // done twice
      case 4:
        delay();
        break;
      default:
        break;
    }
    return inner_->put(name, data);
  }
  Result<Bytes> get(const std::string& name) override {
    int f = pick();
    if (f == 1) return transient("get failed");
    if (f == 4) delay();
    auto r = inner_->get(name);
    if (f == 2 && r.ok() && !r->empty()) {
      Bytes b = std::move(*r);
      b.resize(cut(b.size()));
      return b;
    }
    return r;
  }
  Result<Bytes> get_range(const std::string& name, uint64_t offset, uint64_t length) override {
    int f = pick();
    if (f == 1) return transient("get_range failed");
    if (f == 4) delay();
    return inner_->get_range(name, offset, length);
  }
  Result<std::vector<ObjectInfo>> list(const std::string& prefix) override {
    int f = pick();
    if (f == 1) return transient("list failed");
    auto r = inner_->list(prefix);
    if (f == 3 && r.ok() && !r->empty()) r->push_back(r->front());  // an entry twice
    return r;
  }
  Result<ObjectInfo> stat(const std::string& name) override {
    if (pick() == 1) return transient("stat failed");
    return inner_->stat(name);
  }
  Status remove(const std::string& name) override {
    switch (pick()) {
      case 1:
        return transient("remove refused");
      case 2:
        (void)inner_->remove(name);
        return transient("remove answer lost");
      default:
        return inner_->remove(name);
    }
  }
  uint64_t faults() const { return faults_; }

 private:
  // 0: no fault; 1..4: fault kinds (meaning per operation).
  int pick() {
    std::lock_guard<std::mutex> l(mu_);
    if (std::uniform_real_distribution<double>(0, 1)(rng_) >= rate_) return 0;
    ++faults_;
    return std::uniform_int_distribution<int>(1, 4)(rng_);
  }
  size_t cut(size_t n) {
    std::lock_guard<std::mutex> l(mu_);
    return std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
  }
  void delay() { std::this_thread::sleep_for(std::chrono::microseconds(300)); }
  static Error transient(const char* what) { return make_error(ErrorKind::Transient, std::string("injected: ") + what); }

  std::unique_ptr<Backend> inner_;
  std::mutex mu_;
  std::mt19937_64 rng_;
  double rate_;
  uint64_t faults_ = 0;
};

}  // namespace gb::test
