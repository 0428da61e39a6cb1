// tahoe:// — a repository in a Tahoe-LAFS grid, through the web API of a
// Tahoe node (its gateway, usually on 127.0.0.1:3456).
//
//   tahoe://HOST:PORT/uri/DIRCAP[/SUB/PATH][?OPTION=VALUE&...]
//   tahoe://127.0.0.1:3456/uri/URI:DIR2:aaaa:bbbb/gridbackup
//
// DIRCAP is the write cap of a mutable directory (URI:DIR2:..., made with
// `tahoe create-alias` or POST /uri?t=mkdir); the repository lives in it, or
// in SUB/PATH below it. Each object is an immutable (CHK) file linked under
// its name; "data/ab/abc" is file "abc" in subdirectory "data/ab".
// Options:
//   scheme=http|https     default http (the gateway is normally local)
//   retries=N             retries after a transient failure (default 4)
//   timeout=SECONDS       abandon a transfer that moves nothing for this long (60)
//   limit-upload=KiB      upload rate limit per transfer, in KiB/s
//   ca-file=PATH          trust the certificate authorities in PATH too
// The cap is a secret: url() and messages show only its first characters.
// A read-only cap (URI:DIR2-RO:...) opens the repository for reading.
//
// Tahoe has no atomic create of a path: a PUT into a missing directory makes
// that directory and links it over whatever is there, so concurrent PUTs into
// one missing directory each answer 201 yet only one child stays linked. So
// put() makes each directory once (one thread at a time per directory) before
// putting children into it, and returns only once the child is listed; a put
// that is not retries. Nothing is referred to until it is confirmed listed.
//
// Status: written against the web API as documented for Tahoe-LAFS 1.17-1.19
// (docs/frontends/webapi.rst; the calls used exist since 1.10) and tested
// against a local imitation of it (tests/storage/tahoe_mock.py) that answers
// as a real Tahoe-LAFS 1.17.1 grid was seen to answer (issue 20).
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "core/storage/backend.h"
#include "core/storage/http_client.h"
#include "core/storage/retry_policy.h"
#include "core/storage/storage_url.h"
#include "core/storage/tree_listing.h"

namespace gb {

struct TahoeConfig {
  std::string base;     // "http://127.0.0.1:3456"
  std::string dircap;   // "URI:DIR2:..."
  std::string subpath;  // "" or "some/dir", below the dircap
  RetryPolicy retry;
  HttpOptions http;
};

Result<TahoeConfig> parse_tahoe_config(const StorageUrl& url);

// The children of a directory in the answer to GET ...?t=json
// (["dirnode", {"children": {NAME: ["filenode", {"size": N, ...}], ...}}]).
Result<std::vector<TreeEntry>> parse_tahoe_children(std::string_view json);
// The size of a file in the answer to GET ...?t=json (["filenode", {"size": N}]);
// NotFound when the node is a directory.
Result<uint64_t> parse_tahoe_file_size(std::string_view json);

// The line of a Tahoe error answer that says what went wrong: the node sends
// HTML pages (tags stripped, the last line of text), Python tracebacks (the
// last line) or one line of text, whatever Accept asks for.
std::string tahoe_error_text(std::string_view body);
// "only 2 of the 3 storage servers needed are reachable" for an
// UploadUnhappinessError line; nullopt for any other line.
std::optional<std::string> tahoe_unhappiness(std::string_view line);

class TahoeBackend final : public Backend {
 public:
  static Result<std::unique_ptr<Backend>> open(const StorageUrl& url);
  TahoeBackend(std::string shown_url, TahoeConfig config);

  std::string url() const override { return shown_url_; }
  Status create() override;
  Result<bool> exists() override;
  // Atomic: the node uploads the whole file first and links its name last.
  // Returns once the object is listed in its directory (see above).
  Status put(const std::string& name, ByteView data) override;
  Result<Bytes> get(const std::string& name) override;
  Result<Bytes> get_range(const std::string& name, uint64_t offset, uint64_t length) override;
  Result<std::vector<ObjectInfo>> list(const std::string& prefix) override;
  Result<ObjectInfo> stat(const std::string& name) override;
  Status remove(const std::string& name) override;

 private:
  // One request on `path` (below the repository root), retried when it
  // fails transiently; 2xx answers and those in `accepted` are returned.
  Result<HttpResponse> send(const std::string& method, const std::string& path, const std::string& query,
                            std::vector<std::pair<std::string, std::string>> headers, ByteView body, std::initializer_list<long> accepted = {});
  Result<std::vector<TreeEntry>> read_dir(const std::string& dir);
  // Makes `dir` (and its parents) unless this process saw it listed already;
  // one thread at a time per directory.
  Status ensure_dir(const std::string& dir);
  void forget_dir(const std::string& dir);
  // True when `dir` is listed as a directory, false when it is missing;
  // Permanent when a file is in its place.
  Result<bool> is_dir(const std::string& dir);
  // True when `name` is linked as a file.
  Result<bool> linked(const std::string& name);

  std::string shown_url_;
  TahoeConfig config_;
  HttpClient http_;
  std::mutex dirs_mu_;                                         // guards the two below
  std::set<std::string> known_dirs_;                           // confirmed listed
  std::map<std::string, std::unique_ptr<std::mutex>> dir_mu_;  // one per directory being made
};

}  // namespace gb
