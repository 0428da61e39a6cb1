#include "core/storage/sftp_backend.h"

#include "core/storage/remote_options.h"

#include <openssl/evp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cstdlib>
#include <functional>

#include "core/common/clock.h"
#include "core/common/number_text.h"
#include "core/crypto/keys.h"
#include "core/crypto/sha256.h"
#include "core/storage/object_range.h"

namespace gb {
namespace {

constexpr uint64_t kUnknownSize = ~0ull;

std::string home_dir() {
  if (const char* h = std::getenv("HOME"); h && *h) return h;
  if (struct passwd* pw = ::getpwuid(::getuid())) return pw->pw_dir;
  return "";
}

std::string local_user() {
  if (struct passwd* pw = ::getpwuid(::getuid())) return pw->pw_name;
  const char* u = std::getenv("USER");
  return u ? u : "";
}

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// "SHA256:..." as ssh-keygen -l and ssh print it.
std::string fingerprint(const curl_khkey* key) {
  if (!key || !key->key) return "unknown key";
  Bytes blob;
  if (key->len > 0) {
    blob.assign(key->key, key->key + key->len);
  } else {  // base64 text
    std::string text = key->key;
    blob.resize(text.size());
    int n = EVP_DecodeBlock(blob.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) return "unreadable key";
    size_t padding = text.size() >= 2 ? (text.end()[-1] == '=') + (text.end()[-2] == '=') : 0;
    blob.resize(static_cast<size_t>(n) - padding);
  }
  Hash digest = sha256(blob);
  unsigned char out[64];
  int n = EVP_EncodeBlock(out, digest.data(), static_cast<int>(digest.size()));
  std::string b64(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return "SHA256:" + b64;
}

const char* key_type(const curl_khkey* key) {
  if (!key) return "";
  switch (key->keytype) {
    case CURLKHTYPE_RSA1:
      return "rsa1";
    case CURLKHTYPE_RSA:
      return "ssh-rsa";
    case CURLKHTYPE_DSS:
      return "ssh-dss";
    case CURLKHTYPE_ECDSA:
      return "ecdsa";
    case CURLKHTYPE_ED25519:
      return "ssh-ed25519";
    default:
      return "unknown type";
  }
}

// Quotes a path for a libcurl SFTP command: "a \"b\"".
std::string quoted(const std::string& path) {
  std::string out = "\"";
  for (char c : path) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string trim_line(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n')) s.pop_back();
  return s;
}

}  // namespace

// State of one libcurl request, reachable from its callbacks.
struct SftpBackend::Transfer {
  const SftpConfig* config = nullptr;
  Bytes body;
  CurlUpload upload;
  std::string host_key_problem;
  int64_t stall_ns = 0, last_move_ns = 0;  // abort_when_stalled's clock
  curl_off_t last_bytes = -1;
  bool stalled = false;
  curl_slist* quote = nullptr;
  curl_slist* postquote = nullptr;
  ~Transfer() {
    curl_slist_free_all(quote);
    curl_slist_free_all(postquote);
  }
};

namespace {
// CURLOPT_XFERINFOFUNCTION: non-zero ends the request (see perform).
int abort_when_stalled(void* data, curl_off_t, curl_off_t dlnow, curl_off_t, curl_off_t ulnow) {
  auto* t = static_cast<SftpBackend::Transfer*>(data);
  int64_t now = monotonic_ns();
  if (dlnow + ulnow != t->last_bytes) {
    t->last_bytes = dlnow + ulnow;
    t->last_move_ns = now;
    return 0;
  }
  t->stalled = now - t->last_move_ns > t->stall_ns;
  return t->stalled ? 1 : 0;
}

int check_host_key(CURL*, const curl_khkey* known, const curl_khkey* found, curl_khmatch match, void* user) {
  auto* t = static_cast<SftpBackend::Transfer*>(user);
  const SftpConfig& c = *t->config;
  if (match == CURLKHMATCH_OK) return CURLKHSTAT_FINE;
  std::string found_text = fmt::format("{} {}", key_type(found), fingerprint(found));
  if (match == CURLKHMATCH_MISSING) {
    if (c.accept_new_host_key) return CURLKHSTAT_FINE_ADD_TO_FILE;
    t->host_key_problem = fmt::format(
        "the SSH host key of {} ({}) is not in {}, so the server cannot be trusted yet; if that is its key, add it "
        "(ssh-keyscan, or connect once with ssh) or add accept-new-host-key=1 to the URL",
        c.authority, found_text, c.known_hosts);
  } else {
    t->host_key_problem = fmt::format(
        "the SSH host key of {} has CHANGED: {} has {} {}, the server now shows {}; refusing to connect (someone may "
        "be intercepting the connection; if the server was reinstalled, update {})",
        c.authority, c.known_hosts, key_type(known), fingerprint(known), found_text, c.known_hosts);
  }
  return CURLKHSTAT_REJECT;
}

}  // namespace

Result<SftpConfig> parse_sftp_config(const StorageUrl& url) {
  std::vector<std::string_view> known = {"key", "known-hosts", "accept-new-host-key"};
  for (auto name : remote_option_names(/*with_ca_file=*/false)) known.push_back(name);
  GB_CHECK(url.check_params(known));
  auto invalid = [&](const std::string& why) {
    return make_error(ErrorKind::InvalidArgument, fmt::format("'{}' is not a usable sftp:// URL: {}", url.redacted(), why));
  };
  SftpConfig c;
  c.authority = url.authority();
  c.user = url.user.empty() ? local_user() : url.user;
  c.password = url.password.value_or("");
  c.root = url.path;
  while (c.root.size() > 1 && c.root.back() == '/') c.root.pop_back();
  if (c.root.empty() || c.root == "/") return invalid("it names no directory (sftp://HOST/PATH, or sftp://HOST/~/PATH below the home directory)");
  if (c.root == "/~") return invalid("use a directory below the home directory (sftp://HOST/~/backup), not the home itself");

  std::string home = home_dir();
  c.private_key = url.param("key");
  if (c.private_key.empty()) {
    for (const char* name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
      std::string candidate = home + "/.ssh/" + name;
      if (file_exists(candidate)) {
        c.private_key = candidate;
        break;
      }
    }
  } else if (!file_exists(c.private_key)) {
    return invalid(fmt::format("the key file {} does not exist", c.private_key));
  }
  if (!c.private_key.empty() && file_exists(c.private_key + ".pub")) c.public_key = c.private_key + ".pub";
  c.known_hosts = url.param("known-hosts", home + "/.ssh/known_hosts");
  GB_ASSIGN(c.accept_new_host_key, url.flag_param("accept-new-host-key", false));
  GB_ASSIGN(RemoteOptions remote, read_remote_options(url, invalid));
  c.retry = remote.retry;
  c.stall_timeout_seconds = remote.http.stall_timeout_seconds;
  c.connect_timeout_seconds = remote.http.connect_timeout_seconds;
  c.max_upload_bytes_per_second = remote.http.max_upload_bytes_per_second;
  return c;
}

std::vector<TreeEntry> parse_sftp_listing(const std::string& text) {
  std::vector<TreeEntry> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    std::string line = trim_line(text.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos));
    pos = eol == std::string::npos ? text.size() : eol + 1;
    // Eight fields (mode, links, owner, group, size, month, day, time or
    // year), one space, then the name, which may itself contain spaces.
    size_t cursor = 0;
    std::vector<std::string> fields;
    while (fields.size() < 8) {
      size_t begin = line.find_first_not_of(' ', cursor);
      if (begin == std::string::npos) break;
      size_t end = line.find(' ', begin);
      if (end == std::string::npos) break;
      fields.push_back(line.substr(begin, end - begin));
      cursor = end;
    }
    if (fields.size() < 8 || cursor + 1 >= line.size()) continue;
    TreeEntry e;
    e.name = line.substr(cursor + 1);
    if (e.name == "." || e.name == "..") continue;
    e.is_dir = fields[0][0] == 'd';
    e.is_file = fields[0][0] == '-';
    auto size = parse_uint(fields[4]);
    if (!size) continue;
    e.size = *size;
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::unique_ptr<Backend>> SftpBackend::open(const StorageUrl& url) {
  GB_ASSIGN(SftpConfig config, parse_sftp_config(url));
  if (config.accept_new_host_key) {
    // libcurl writes new keys into the file, but does not make its directory.
    std::string dir = config.known_hosts.substr(0, config.known_hosts.rfind('/'));
    if (!dir.empty()) ::mkdir(dir.c_str(), 0700);
  }
  StorageUrl shown = url;
  shown.password.reset();
  return std::unique_ptr<Backend>(new SftpBackend(shown.redacted(), std::move(config)));
}

SftpBackend::SftpBackend(std::string url, SftpConfig config) : url_(std::move(url)), config_(std::move(config)) {}

// Paths in commands are not URLs: "/~/x" means nothing to the server, but a
// relative path is taken relative to the login (home) directory.
std::string SftpBackend::remote(const std::string& name) const {
  std::string full = path_of(name);
  if (full.rfind("/~/", 0) == 0) full = full.substr(3);
  return quoted(full);
}

Result<Bytes> SftpBackend::perform(const std::string& path, const std::string& what, const std::function<void(CURL*, Transfer&)>& setup,
                                   uint64_t* size, CURLcode* code_out) {
  auto lease = pool_.acquire();
  CURL* h = lease.get();
  Transfer t;
  t.config = &config_;
  char error_buffer[CURL_ERROR_SIZE] = "";
  std::string url = "sftp://" + config_.authority + percent_encode(path, true);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_USERNAME, config_.user.c_str());
  long auth = CURLSSH_AUTH_AGENT;
  if (!config_.private_key.empty()) {
    auth |= CURLSSH_AUTH_PUBLICKEY;
    curl_easy_setopt(h, CURLOPT_SSH_PRIVATE_KEYFILE, config_.private_key.c_str());
    if (!config_.public_key.empty()) curl_easy_setopt(h, CURLOPT_SSH_PUBLIC_KEYFILE, config_.public_key.c_str());
  }
  if (!config_.password.empty()) {
    auth |= CURLSSH_AUTH_PASSWORD;
    curl_easy_setopt(h, CURLOPT_PASSWORD, config_.password.c_str());
  }
  curl_easy_setopt(h, CURLOPT_SSH_AUTH_TYPES, auth);
  curl_easy_setopt(h, CURLOPT_SSH_KNOWNHOSTS, config_.known_hosts.c_str());
  curl_easy_setopt(h, CURLOPT_SSH_KEYFUNCTION, check_host_key);
  curl_easy_setopt(h, CURLOPT_SSH_KEYDATA, &t);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, config_.connect_timeout_seconds);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, config_.stall_timeout_seconds);
  // curl's low-speed check covers the data transfer only: an SFTP command
  // (stat, open, readdir) on a reused connection to a server that went
  // silent waited for ever (a reader of a mounted snapshot hung). This
  // callback, which curl calls about once a second in every phase, ends a
  // request that moved no byte for the stall timeout.
  t.stall_ns = static_cast<int64_t>(config_.stall_timeout_seconds) * 1'000'000'000;
  t.last_move_ns = monotonic_ns();
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, abort_when_stalled);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  if (config_.max_upload_bytes_per_second > 0)
    curl_easy_setopt(h, CURLOPT_MAX_SEND_SPEED_LARGE, static_cast<curl_off_t>(config_.max_upload_bytes_per_second));
  collect_body(h, &t.body);
  setup(h, t);

  CURLcode code = curl_easy_perform(h);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);  // the buffer dies with this frame
  if (code_out) *code_out = code;
  if (code != CURLE_OK) {
    if (!t.host_key_problem.empty()) return make_error(ErrorKind::Permanent, t.host_key_problem);
    std::string where = fmt::format("SFTP {} sftp://{}@{}{}", what, config_.user, config_.authority, path);
    if (t.stalled)
      return make_error(ErrorKind::Transient,
                        fmt::format("{} failed: the server sent nothing for {} s (the URL's timeout)", where, config_.stall_timeout_seconds));
    if (code == CURLE_LOGIN_DENIED)
      return make_error(ErrorKind::Permanent,
                        fmt::format("{} failed: the server refused the login of user '{}' with {} (is the public key in "
                                    "the server's ~/.ssh/authorized_keys?)",
                                    where, config_.user, config_.private_key.empty() ? "the ssh-agent's keys" : "the key " + config_.private_key));
    return make_error(curl_error_kind(code), fmt::format("{} failed: {}", where, curl_error_text(code, error_buffer)));
  }
  if (size) {
    curl_off_t length = -1;
    curl_easy_getinfo(h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    *size = length < 0 ? kUnknownSize : static_cast<uint64_t>(length);
  }
  return std::move(t.body);
}

Result<Bytes> SftpBackend::commands(const std::string& path, const std::vector<std::string>& list, const std::string& what, CURLcode* code) {
  return perform(
      path, what,
      [&](CURL* h, Transfer& t) {
        for (const auto& command : list) t.quote = curl_slist_append(t.quote, command.c_str());
        curl_easy_setopt(h, CURLOPT_QUOTE, t.quote);
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
      },
      nullptr, code);
}

Status SftpBackend::create() {
  // mkdir each component of the root, then tmp/; existing ones are fine ('*').
  bool home_relative = config_.root.rfind("/~/", 0) == 0;
  std::string rest = home_relative ? config_.root.substr(3) : config_.root.substr(1);
  std::vector<std::string> mkdirs;
  std::string partial = home_relative ? "" : "/";
  for (size_t pos = 0;;) {
    size_t slash = rest.find('/', pos);
    partial += rest.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    mkdirs.push_back("*mkdir " + quoted(partial));
    if (slash == std::string::npos) break;
    partial += '/';
    pos = slash + 1;
  }
  mkdirs.push_back("*mkdir " + remote("tmp"));
  // The request itself needs a directory that exists: the server's root, or the home.
  GB_CHECK(config_.retry.run([&] { return commands(home_relative ? "/~/" : "/", mkdirs, "mkdir"); }));
  GB_ASSIGN(bool there, exists());
  if (!there)
    return make_error(ErrorKind::Permanent, fmt::format("could not create the directory {} on {} (permissions?)", config_.root, config_.authority));
  return {};
}

Result<std::vector<TreeEntry>> SftpBackend::read_dir(const std::string& name) {
  GB_ASSIGN(Bytes text, config_.retry.run([&] { return perform(path_of(name) + "/", "list", [](CURL*, Transfer&) {}); }));
  return parse_sftp_listing(to_string(text));
}

Result<bool> SftpBackend::exists() {
  auto entries = read_dir("");
  if (entries) return true;
  if (entries.error().kind == ErrorKind::NotFound) return false;
  return entries.error();
}

Status SftpBackend::put(const std::string& name, ByteView data) {
  return config_.retry.run([&] { return put_once(name, data); });
}

Status SftpBackend::put_once(const std::string& name, ByteView data) {
  GB_ASSIGN(Bytes suffix, random_bytes(12));
  std::string tmp = "tmp/" + to_hex(suffix);
  std::string rename = "rename " + remote(tmp) + " " + remote(name);
  CURLcode code = CURLE_OK;
  auto uploaded = perform(
      path_of(tmp), "upload",
      [&](CURL* h, Transfer& t) {
        t.upload.data = data;
        t.upload.attach(h);
        curl_easy_setopt(h, CURLOPT_FTP_CREATE_MISSING_DIRS, static_cast<long>(CURLFTP_CREATE_DIR));
        // Read-only from the start: an account the server denies setstat
        // (docs/STORAGE.md, "Storage that refuses deletes") can then not open
        // a stored object for writing either, so it cannot overwrite one.
        curl_easy_setopt(h, CURLOPT_NEW_FILE_PERMS, 0400L);
        t.postquote = curl_slist_append(t.postquote, rename.c_str());
        curl_easy_setopt(h, CURLOPT_POSTQUOTE, t.postquote);
      },
      nullptr, &code);
  if (uploaded) return {};
  if (code != CURLE_QUOTE_ERROR) return uploaded.error();
  // The upload is complete but the rename failed: the target's directory
  // is missing, or the target exists (SFTP's rename does not overwrite).
  std::vector<std::string> mkdirs;
  for (size_t slash = name.find('/'); slash != std::string::npos; slash = name.find('/', slash + 1))
    mkdirs.push_back("*mkdir " + remote(name.substr(0, slash)));
  mkdirs.push_back(rename);
  std::string root = path_of("") + "/";
  if (commands(root, mkdirs, "rename")) return {};
  // The object exists: replacing it takes a delete first, which an account
  // that may not delete (a backup host's) is refused.
  auto replaced = commands(root, {"rm " + remote(name)}, "remove");
  if (replaced) replaced = commands(root, {rename}, "rename");
  if (replaced) return {};
  (void)commands(root, {"*rm " + remote(tmp)}, "cleanup");
  if (auto info = stat(name); info && replaced.error().kind == ErrorKind::Permanent) return refused_delete(name, "replace");
  return replaced.error();
}

Result<Bytes> SftpBackend::get(const std::string& name) {
  return config_.retry.run([&] { return perform(path_of(name), "get", [](CURL*, Transfer&) {}); });
}

Result<Bytes> SftpBackend::get_range(const std::string& name, uint64_t offset, uint64_t length) {
  if (length == 0) return empty_range(*this, name, offset);
  std::string range = fmt::format("{}-{}", offset, offset + length - 1);
  CURLcode code = CURLE_OK;
  auto got = config_.retry.run([&] {
    return perform(
        path_of(name), "get", [&](CURL* h, Transfer&) { curl_easy_setopt(h, CURLOPT_RANGE, range.c_str()); }, nullptr, &code);
  });
  // libcurl refuses a range that starts past the end of the file.
  if (!got && code == CURLE_BAD_DOWNLOAD_RESUME) return object_too_short(name, offset, length);
  if (!got) return got.error();
  if (got->size() != length) return object_too_short(name, offset, length);
  return got;
}

Result<std::vector<ObjectInfo>> SftpBackend::list(const std::string& prefix) {
  return list_tree(
      prefix, [this](const std::string& dir) { return read_dir(dir); }, "tmp");
}

Result<ObjectInfo> SftpBackend::stat(const std::string& name) {
  uint64_t size = 0;
  GB_CHECK(config_.retry.run([&] {
    return perform(
        path_of(name), "stat", [](CURL* h, Transfer&) { curl_easy_setopt(h, CURLOPT_NOBODY, 1L); }, &size);
  }));
  if (size != kUnknownSize) return ObjectInfo{name, size};
  // libcurl reports an empty file, or a server without stat(), as "unknown":
  // count the bytes instead (nothing to read in the usual, empty case).
  GB_ASSIGN(Bytes data, get(name));
  return ObjectInfo{name, data.size()};
}

Status SftpBackend::remove(const std::string& name) {
  auto removed = config_.retry.run([&] { return commands(path_of("") + "/", {"rm " + remote(name)}, "remove"); });
  if (removed) return {};
  auto info = stat(name);
  if (!info && info.error().kind == ErrorKind::NotFound) return {};  // already gone
  if (info && removed.error().kind == ErrorKind::Permanent) return refused_delete(name, "delete");
  return removed.error();
}

// An rm the server refused while the object is still there: the account may
// not delete (a backup host's, docs/STORAGE.md "Storage that refuses
// deletes"); libcurl does not pass on the server's reason, so say what it most likely is.
Error SftpBackend::refused_delete(const std::string& name, const std::string& verb) const {
  return make_error(ErrorKind::Permanent, fmt::format("cannot {} {} on {}: the server refused to delete it (an account that may not delete, "
                                                      "as docs/STORAGE.md sets up for backup hosts? prune with one that may)",
                                                      verb, name, config_.authority))
      .because(Cause::Permission)
      .about_object(name);
}

}  // namespace gb
