// grid_coding_bench: throughput of the grid's coding layer on one core,
// against memcpy of the same bytes on the same core (issue 6's goal: coding
// at least 1/3 of memcpy per core).
//
//   grid_coding_bench [--k K] [--n N] [--mib M] [--seconds S]
//
// Rows (MB/s of object bytes, one thread):
//   memcpy            the object copied into another buffer
//   rs encode         ISA-L parity of the object (the Reed-Solomon arithmetic only)
//   rs decode         rebuilding the k data blocks of every segment from
//                     parity (the worst case: no primary share left)
//   shares encode     encode_shares: split, parity, SHA-256 of every block (a put's CPU)
//   shares primaries  check_share of the k primary shares + assemble (a read, no decoding)
//   shares decode     check_share of k shares without the primaries + assemble (decoding)
// Every result is checked against the object, so the bench doubles as a test.
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/grid/erasure_code.h"
#include "core/grid/share_codec.h"

using namespace gb;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_per_run(const std::function<void()>& run, double budget) {
  run();  // warm up (page faults, tables)
  int runs = 0;
  auto start = Clock::now();
  double elapsed = 0;
  while (elapsed < budget || runs < 3) {
    run();
    ++runs;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  return elapsed / runs;
}

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "grid_coding_bench: %s\n", why.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  // The allocator settings of gridbackup's main (core/cli/main.cpp): shares
  // are reused heap blocks, not fresh mappings faulted in page by page.
  ::mallopt(M_MMAP_THRESHOLD, 64 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 256 << 20);
  int k = 3, n = 5;
  size_t mib = 16;
  double budget = 1.0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--k")
      k = std::atoi(argv[i + 1]);
    else if (a == "--n")
      n = std::atoi(argv[i + 1]);
    else if (a == "--mib")
      mib = std::strtoul(argv[i + 1], nullptr, 10);
    else if (a == "--seconds")
      budget = std::atof(argv[i + 1]);
    else
      die("unknown option " + a);
  }
  auto code = ErasureCode::get(k, n);
  if (!code || k == n) die("needs 1 <= k < n <= 64");
  const size_t size = mib << 20;
  Bytes object(size), copy(size);
  std::mt19937_64 rng(1);
  for (size_t i = 0; i + 8 <= size; i += 8) {
    uint64_t v = rng();
    std::memcpy(&object[i], &v, 8);
  }
  const double mb = static_cast<double>(size) / 1e6;
  std::printf("object %zu MiB, %d of %d, blocks of %u KiB, one thread\n", mib, k, n, kShareBlockSize / 1024);
  std::printf("%-18s %10s %14s\n", "", "MB/s", "x memcpy");
  double memcpy_rate = 0;
  auto row = [&](const char* name, double secs) {
    double rate = mb / secs;
    if (memcpy_rate == 0) memcpy_rate = rate;
    std::printf("%-18s %10.0f %14.2f\n", name, rate, rate / memcpy_rate);
    std::fflush(stdout);
  };

  row("memcpy", seconds_per_run([&] { std::memcpy(copy.data(), object.data(), size); }, budget));

  // Raw Reed-Solomon on segments of k blocks of kShareBlockSize, as the shares use them.
  const size_t block = kShareBlockSize, segments = size / (k * block);
  std::vector<Bytes> parity(n - k, Bytes(segments * block));
  row("rs encode", seconds_per_run(
                       [&] {
                         for (size_t s = 0; s < segments; ++s) {
                           std::vector<const uint8_t*> data(k);
                           std::vector<uint8_t*> out(n - k);
                           for (int j = 0; j < k; ++j) data[j] = object.data() + (s * k + j) * block;
                           for (int p = 0; p < n - k; ++p) out[p] = parity[p].data() + s * block;
                           (*code)->encode(data.data(), out.data(), block);
                         }
                       },
                       budget));
  // Decode with as few primaries as possible: the last n-k data blocks come from parity.
  const int from_parity = std::min(k, n - k);
  std::vector<int> have, wanted;
  for (int j = from_parity; j < k; ++j) have.push_back(j);
  for (int p = 0; p < from_parity; ++p) have.push_back(k + p);
  for (int j = 0; j < from_parity; ++j) wanted.push_back(j);
  row("rs decode", seconds_per_run(
                       [&] {
                         for (size_t s = 0; s < segments; ++s) {
                           std::vector<const uint8_t*> src;
                           for (int h : have) src.push_back(h < k ? object.data() + (s * k + h) * block : parity[h - k].data() + s * block);
                           std::vector<uint8_t*> out;
                           for (int w : wanted) out.push_back(copy.data() + (s * k + w) * block);
                           if (!(*code)->decode(have, src.data(), wanted, out.data(), block)) die("decode failed");
                         }
                       },
                       budget));
  for (size_t s = 0; s < segments; ++s)
    for (int w : wanted)
      if (std::memcmp(copy.data() + (s * k + w) * block, object.data() + (s * k + w) * block, block) != 0) die("rs decode is wrong");

  std::vector<Bytes> shares;
  row("shares encode", seconds_per_run([&] { shares = std::move(encode_shares(k, n, object).value()); }, budget));
  auto read_back = [&](std::vector<int> which) {
    std::vector<Share> checked;
    for (int i : which) {
      auto s = check_share(shares[i]);
      if (!s) die("check_share failed");
      checked.push_back(std::move(*s));
    }
    std::vector<const Share*> ptrs;
    for (auto& s : checked) ptrs.push_back(&s);
    auto back = assemble_object(ptrs);
    if (!back || *back != object) die("assemble is wrong");
  };
  std::vector<int> primaries, others;
  for (int i = 0; i < k; ++i) primaries.push_back(i);
  for (int i = 0; i < k; ++i) others.push_back(i < k - from_parity ? from_parity + i : k + (i - (k - from_parity)));
  row("shares primaries", seconds_per_run([&] { read_back(primaries); }, budget));
  row("shares decode", seconds_per_run([&] { read_back(others); }, budget));
  return 0;
}
