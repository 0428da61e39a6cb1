// sftp:// — a repository in a directory on an SSH server (a friend's machine,
// a NAS), through libcurl's SFTP (libssh2).
//
//   sftp://[USER@]HOST[:PORT]/ABSOLUTE/PATH[?OPTION=VALUE&...]
//   sftp://[USER@]HOST[:PORT]/~/PATH/IN/HOME
//
// The directory has the layout of a file:// repository (objects at their
// names, temporary uploads in tmp/), so the same directory can be used
// locally as file:///PATH.
// Options:
//   key=PATH              private key (default: ~/.ssh/id_ed25519, id_ecdsa,
//                         id_rsa, the first that exists; else the ssh-agent)
//   known-hosts=PATH      default ~/.ssh/known_hosts
//   accept-new-host-key=1 trust a host key seen for the first time and add it
//                         to the known hosts file (a changed key is always refused)
//   retries=N             retries after a transient failure (default 4)
//   timeout=SECONDS       abandon a transfer that moves nothing for this long (60)
//   limit-upload=KiB      upload rate limit per transfer, in KiB/s
// The user defaults to the local user name. A password in the URL is used
// for password authentication, but keys are the recommended way.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/storage/backend.h"
#include "core/storage/curl_pool.h"
#include "core/storage/retry_policy.h"
#include "core/storage/storage_url.h"
#include "core/storage/tree_listing.h"

namespace gb {

struct SftpConfig {
  std::string authority;  // host[:port] for the URL
  std::string user;
  std::string password;     // "" = none
  std::string root;         // "/srv/backup", or "/~/backup" relative to the home directory
  std::string private_key;  // "" = agent only
  std::string public_key;   // "" = derived by libssh2 from the private key
  std::string known_hosts;
  bool accept_new_host_key = false;
  RetryPolicy retry;
  long connect_timeout_seconds = 10;
  long stall_timeout_seconds = 60;
  uint64_t max_upload_bytes_per_second = 0;
};

Result<SftpConfig> parse_sftp_config(const StorageUrl& url);

// The entries of an SFTP long directory listing, as OpenSSH's sftp-server
// writes them ("-rw-r--r--    1 user     group        6 Nov 22 00:04 name").
std::vector<TreeEntry> parse_sftp_listing(const std::string& text);

class SftpBackend final : public Backend {
 public:
  static Result<std::unique_ptr<Backend>> open(const StorageUrl& url);
  SftpBackend(std::string url, SftpConfig config);

  std::string url() const override { return url_; }
  Status create() override;
  Result<bool> exists() override;
  // Atomic: uploads to tmp/, then renames into place. Replacing an existing
  // object removes it first (SFTP's rename never overwrites), so a reader may
  // see it missing for that moment, but never partial.
  Status put(const std::string& name, ByteView data) override;
  Result<Bytes> get(const std::string& name) override;
  Result<Bytes> get_range(const std::string& name, uint64_t offset, uint64_t length) override;
  Result<std::vector<ObjectInfo>> list(const std::string& prefix) override;
  Result<ObjectInfo> stat(const std::string& name) override;
  Status remove(const std::string& name) override;

  // State of one request, reachable from libcurl's callbacks.
  struct Transfer;

 private:
  // One attempt of one SFTP request on `path`, a path as it appears in the
  // URL ("/srv/backup/x" or "/~/backup/x"); `setup` adds the request's own
  // options. Returns what was downloaded; `size` receives the file size.
  Result<Bytes> perform(const std::string& path, const std::string& what, const std::function<void(CURL*, Transfer&)>& setup,
                        uint64_t* size = nullptr, CURLcode* code = nullptr);
  // Runs SFTP commands (mkdir, rename, rm) in one request on `path`; a
  // command starting with '*' may fail without failing the request.
  Result<Bytes> commands(const std::string& path, const std::vector<std::string>& list, const std::string& what, CURLcode* code = nullptr);
  std::string path_of(const std::string& name) const { return name.empty() ? config_.root : config_.root + "/" + name; }
  std::string remote(const std::string& name) const;  // a quoted path for a command
  Status put_once(const std::string& name, ByteView data);
  // "cannot VERB NAME: the server refused to delete it ...", for an account that may not delete.
  Error refused_delete(const std::string& name, const std::string& verb) const;
  Result<std::vector<TreeEntry>> read_dir(const std::string& name);

  std::string url_;
  SftpConfig config_;
  CurlPool pool_;
};

}  // namespace gb
