// backend_probe: drives any storage backend, opened by URL, through the
// promises of core/storage/backend.h against a real server. The integration
// tests (tests/cli/*backend*.sh) run it; it exits non-zero with a message on
// the first mismatch.
//
//   backend_probe conformance URL [--objects N] [--threads T] [--big-mib M]
//       create, put/get/get_range/stat/list/remove, odd names, overwrite,
//       N objects put by T threads at once then listed, one object of M MiB
//       (multipart on S3 when M is above the URL's multipart-threshold).
//   backend_probe put URL NAME SIZE     store SIZE bytes derived from NAME
//   backend_probe check URL NAME SIZE   read them back (whole and ranges)
//   backend_probe expect URL KIND OP [NAME [SIZE]]
//       OP (create|exists|put|get|stat|list|remove) must fail with error KIND
//       (NotFound, Transient, Permanent, InvalidArgument, ...); prints the
//       message and how long the failure took. put stores SIZE bytes
//       derived from NAME (default: 5 bytes).
#include <fmt/format.h>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/common/bytes.h"
#include "core/connect/open_backend.h"
#include "core/crypto/keys.h"
#include "core/crypto/sha256.h"
#include "core/storage/backend.h"

using namespace gb;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "FAIL %s\n", what.c_str());
  std::exit(1);
}

template <class T>
T must(Result<T> r, const std::string& what) {
  if (!r) fail(fmt::format("{}: {} error: {}", what, error_kind_name(r.error().kind), r.error().message));
  return std::move(r).value();
}

void must(Status s, const std::string& what) {
  if (!s) fail(fmt::format("{}: {} error: {}", what, error_kind_name(s.error().kind), s.error().message));
}

template <class T>
void must_fail(const Result<T>& r, ErrorKind kind, const std::string& what) {
  if (r) fail(fmt::format("{}: succeeded, expected a {} error", what, error_kind_name(kind)));
  if (r.error().kind != kind)
    fail(fmt::format("{}: got {} ({}), expected {}", what, error_kind_name(r.error().kind), r.error().message, error_kind_name(kind)));
}

// Content that depends only on the name and size, so a later run can check it.
Bytes content_for(const std::string& name, size_t size) {
  Hash seed = sha256(as_bytes(name));
  uint64_t x;
  std::memcpy(&x, seed.data(), sizeof x);
  x |= 1;
  Bytes out(size);
  for (size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out[i] = static_cast<uint8_t>(x >> 24);
  }
  return out;
}

class Step {
 public:
  explicit Step(std::string name) : name_(std::move(name)), start_(Clock::now()) {}
  ~Step() {
    double s = std::chrono::duration<double>(Clock::now() - start_).count();
    std::printf("ok   %s (%.2f s)\n", name_.c_str(), s);
    std::fflush(stdout);
  }

 private:
  std::string name_;
  Clock::time_point start_;
};

std::map<std::string, uint64_t> as_map(const std::vector<ObjectInfo>& objects, const std::string& what) {
  std::map<std::string, uint64_t> out;
  for (const auto& o : objects)
    if (!out.emplace(o.name, o.size).second) fail(fmt::format("{}: '{}' listed twice", what, o.name));
  return out;
}

void check_object(Backend& b, const std::string& name, size_t size) {
  Bytes expected = content_for(name, size);
  Bytes got = must(b.get(name), "get " + name);
  if (got != expected) fail(fmt::format("get {}: {} bytes differ from the {} stored", name, got.size(), size));
  if (must(b.stat(name), "stat " + name).size != size) fail("stat " + name + ": wrong size");
  if (size >= 3) {
    // The first byte, the last byte, and a stretch across the middle (and
    // across multipart part boundaries for large objects).
    std::vector<std::pair<uint64_t, uint64_t>> ranges = {{0, 1}, {size - 1, 1}, {size / 3, size / 3}};
    for (auto [offset, length] : ranges) {
      Bytes part = must(b.get_range(name, offset, length), fmt::format("get_range {} {}+{}", name, offset, length));
      if (part != Bytes(expected.begin() + static_cast<ptrdiff_t>(offset), expected.begin() + static_cast<ptrdiff_t>(offset + length)))
        fail(fmt::format("get_range {} {}+{}: wrong bytes", name, offset, length));
    }
  }
}

int conformance(Backend& b, int objects, int threads, int big_mib) {
  std::string run = "probe-" + to_hex(*random_bytes(4)) + "/";
  std::printf("probe %s under %s\n", b.url().c_str(), run.c_str());
  {
    Step s("create twice, exists");
    must(b.create(), "create");
    must(b.create(), "create again (must be idempotent)");
    if (!must(b.exists(), "exists")) fail("exists() is false after create()");
  }
  {
    Step s("put/get/get_range/stat of a small object, missing objects");
    std::string name = run + "small/hello";
    must(b.put(name, as_bytes("hello world")), "put " + name);
    if (to_string(must(b.get(name), "get " + name)) != "hello world") fail("get " + name + ": wrong content");
    if (to_string(must(b.get_range(name, 6, 5), "get_range")) != "world") fail("get_range 6+5: wrong content");
    if (!must(b.get_range(name, 11, 0), "get_range at the end, empty").empty()) fail("empty range not empty");
    must_fail(b.get_range(name, 6, 50), ErrorKind::Corrupt, "get_range past the end");
    must_fail(b.get_range(name, 20, 1), ErrorKind::Corrupt, "get_range starting past the end");
    if (must(b.stat(name), "stat").size != 11) fail("stat: wrong size");
    must_fail(b.get(run + "small/missing"), ErrorKind::NotFound, "get of a missing object");
    must_fail(b.get_range(run + "small/missing", 0, 1), ErrorKind::NotFound, "get_range of a missing object");
    must_fail(b.stat(run + "small/missing"), ErrorKind::NotFound, "stat of a missing object");
  }
  {
    Step s("empty object, all byte values, overwrite");
    must(b.put(run + "small/empty", {}), "put of an empty object");
    if (!must(b.get(run + "small/empty"), "get of an empty object").empty()) fail("empty object not empty");
    if (must(b.stat(run + "small/empty"), "stat of an empty object").size != 0) fail("stat of empty: wrong size");
    Bytes all(256);
    for (int i = 0; i < 256; ++i) all[i] = static_cast<uint8_t>(i);
    must(b.put(run + "small/bytes", all), "put of all byte values");
    if (must(b.get(run + "small/bytes"), "get of all byte values") != all) fail("all byte values: wrong content");
    must(b.put(run + "small/hello", as_bytes("replaced")), "overwrite");
    if (to_string(must(b.get(run + "small/hello"), "get after overwrite")) != "replaced") fail("overwrite not seen");
  }
  std::vector<std::string> odd = {run + "odd/a b+c&d=e%f~g(h)!$',;@", run + "odd/caf\xC3\xA9-\xE6\x97\xA5", run + "odd/<x>\"y\""};
  {
    Step s("odd object names (escaping in URLs and listings)");
    for (const auto& name : odd) must(b.put(name, as_bytes(name)), "put " + name);
    for (const auto& name : odd)
      if (to_string(must(b.get(name), "get " + name)) != name) fail("get " + name + ": wrong content");
    auto listed = as_map(must(b.list(run + "odd/"), "list odd/"), "list odd/");
    for (const auto& name : odd)
      if (listed.count(name) != 1 || listed[name] != name.size()) fail("list odd/: '" + name + "' missing or wrong size");
    if (listed.size() != odd.size()) fail("list odd/: extra objects");
  }
  std::vector<std::string> many;
  for (int i = 0; i < objects; ++i) many.push_back(fmt::format("{}many/{:04}", run, i));
  {
    Step s(fmt::format("put {} objects from {} threads at once", objects, threads));
    std::atomic<size_t> next{0};
    std::mutex error_mutex;
    std::string first_error;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
      workers.emplace_back([&] {
        for (size_t i = next++; i < many.size(); i = next++) {
          Status st = b.put(many[i], content_for(many[i], i % 97));
          if (!st) {
            std::lock_guard<std::mutex> lock(error_mutex);
            if (first_error.empty()) first_error = "put " + many[i] + ": " + st.error().message;
          }
        }
      });
    for (auto& w : workers) w.join();
    if (!first_error.empty()) fail(first_error);
  }
  {
    Step s(fmt::format("list {} objects (paged), list by a partial name", objects));
    auto listed = as_map(must(b.list(run + "many/"), "list many/"), "list many/");
    if (listed.size() != many.size()) fail(fmt::format("list many/: {} objects, expected {}", listed.size(), many.size()));
    for (size_t i = 0; i < many.size(); ++i)
      if (listed.count(many[i]) != 1 || listed[many[i]] != i % 97) fail("list many/: '" + many[i] + "' missing or wrong size");
    if (objects >= 20) {
      auto some = as_map(must(b.list(run + "many/001"), "list many/001"), "list many/001");
      if (some.size() != 10 || !some.count(run + "many/0010") || !some.count(run + "many/0019"))
        fail(fmt::format("list many/001: {} objects, expected many/0010..0019", some.size()));
    }
    auto all = must(b.list(run), "list of the whole run");
    if (all.size() != many.size() + odd.size() + 3) fail(fmt::format("list of the run: {} objects", all.size()));
    for (size_t i = 0; i < many.size(); i += std::max<size_t>(1, many.size() / 10)) check_object(b, many[i], i % 97);
  }
  if (big_mib > 0) {
    std::string name = run + "big/object";
    size_t size = static_cast<size_t>(big_mib) * (1u << 20) + 12345;  // not a whole number of parts
    {
      Step s(fmt::format("put one object of {} MiB", big_mib));
      must(b.put(name, content_for(name, size)), "put " + name);
    }
    Step s("get it back whole and in ranges");
    check_object(b, name, size);
    auto listed = must(b.list(run + "big/"), "list big/");
    if (listed.size() != 1 || listed[0].size != size) fail("list big/: wrong listing");
  }
  {
    Step s("remove everything, then nothing is listed");
    auto all = must(b.list(run), "list of the run");
    std::atomic<size_t> next{0};
    std::vector<std::thread> workers;
    std::atomic<bool> failed{false};
    for (int t = 0; t < threads; ++t)
      workers.emplace_back([&] {
        for (size_t i = next++; i < all.size(); i = next++)
          if (!b.remove(all[i].name)) failed = true;
      });
    for (auto& w : workers) w.join();
    if (failed) fail("remove failed");
    must(b.remove(run + "small/hello"), "remove of a removed object");
    must_fail(b.get(run + "small/hello"), ErrorKind::NotFound, "get after remove");
    auto left = must(b.list(run), "list after remove");
    if (!left.empty()) fail(fmt::format("list after remove: {} objects left, e.g. {}", left.size(), left[0].name));
  }
  std::printf("conformance: all checks passed\n");
  return 0;
}

int expect(Backend& b, const std::string& kind, const std::string& op, const std::string& name, size_t size) {
  auto start = Clock::now();
  std::optional<Error> error;
  auto note = [&](const auto& r) {
    if (!r) error = r.error();
  };
  if (op == "create")
    note(b.create());
  else if (op == "exists")
    note(b.exists());
  else if (op == "put")
    note(b.put(name, size ? content_for(name, size) : Bytes{'p', 'r', 'o', 'b', 'e'}));
  else if (op == "get")
    note(b.get(name));
  else if (op == "stat")
    note(b.stat(name));
  else if (op == "list")
    note(b.list(name));
  else if (op == "remove")
    note(b.remove(name));
  else
    fail("unknown operation " + op);
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!error) fail(fmt::format("{} {}: succeeded, expected a {} error", op, name, kind));
  std::printf("%s %s failed after %.1f s with %s: %s\n", op.c_str(), name.c_str(), seconds, error_kind_name(error->kind), error->message.c_str());
  if (error_kind_name(error->kind) != kind) fail(fmt::format("expected a {} error", kind));
  return 0;
}

int usage() {
  std::fprintf(stderr,
               "usage: backend_probe conformance URL [--objects N] [--threads T] [--big-mib M]\n"
               "       backend_probe put|check URL NAME SIZE\n"
               "       backend_probe expect URL KIND OP [NAME [SIZE]]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return usage();
  std::string command = argv[1];
  auto opened = open_backend(argv[2]);
  if (!opened) {
    // Opening may be what an expect run is about (bad URL, missing credentials).
    if (command == "expect" && argc >= 4) {
      std::printf("open failed with %s: %s\n", error_kind_name(opened.error().kind), opened.error().message.c_str());
      return error_kind_name(opened.error().kind) == std::string(argv[3]) ? 0 : 1;
    }
    fail(fmt::format("open {}: {}", argv[2], opened.error().message));
  }
  Backend& b = **opened;
  if (command == "conformance") {
    int objects = 40, threads = 4, big_mib = 0;
    for (int i = 3; i + 1 < argc; i += 2) {
      std::string flag = argv[i];
      int value = std::atoi(argv[i + 1]);
      if (flag == "--objects")
        objects = value;
      else if (flag == "--threads")
        threads = std::max(1, value);
      else if (flag == "--big-mib")
        big_mib = value;
      else
        return usage();
    }
    return conformance(b, objects, threads, big_mib);
  }
  if ((command == "put" || command == "check") && argc == 5) {
    size_t size = std::strtoull(argv[4], nullptr, 10);
    if (command == "put") {
      Step s(fmt::format("put {} ({} bytes)", argv[3], size));
      must(b.put(argv[3], content_for(argv[3], size)), std::string("put ") + argv[3]);
    } else {
      Step s(fmt::format("check {} ({} bytes)", argv[3], size));
      check_object(b, argv[3], size);
    }
    return 0;
  }
  if (command == "expect" && argc >= 5 && argc <= 7)
    return expect(b, argv[3], argv[4], argc >= 6 ? argv[5] : "", argc == 7 ? std::strtoull(argv[6], nullptr, 10) : 0);
  return usage();
}
