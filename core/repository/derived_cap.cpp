#include "core/repository/derived_cap.h"

#include <fmt/format.h>

#include <vector>

#include "core/common/number_text.h"
#include "core/crypto/keys.h"
#include "core/crypto/public_key.h"
#include "core/crypto/sha256.h"

namespace gb {
namespace {

constexpr size_t kMaxHost = 64;
constexpr uint32_t kMaxGeneration = 999999;

std::string check_of(std::string_view before_check, std::string_view url) {
  Sha256 h;
  h.update(as_bytes("gridbackup cap check"));
  h.update(as_bytes(before_check));
  h.update(as_bytes(url));
  Hash d = h.finish();
  return to_hex(ByteView(d).first(3));
}

Error malformed(std::string_view what, std::string_view why) {
  return make_error(ErrorKind::WrongKey, fmt::format("the {} is malformed: {}", what, why));
}

const char* prefix_of(CapKind kind) {
  switch (kind) {
    case CapKind::Backup:
      return "gbb1";
    case CapKind::Read:
      return "gbr1";
    case CapKind::Verify:
      return "gbv1";
    case CapKind::Root:
      break;
  }
  return "gb1";
}

std::optional<Hash> hash_field(std::string_view text) {
  if (text.size() != 43) return std::nullopt;
  auto bytes = from_base64url(text);
  if (!bytes || bytes->size() != 32) return std::nullopt;
  Hash h;
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

// Splits the first `n` ':'-separated fields off `text`; the rest (the URL,
// which may hold ':' itself) is the last element.
std::optional<std::vector<std::string_view>> split_fields(std::string_view text, size_t n) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < n; ++i) {
    size_t colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    out.push_back(text.substr(0, colon));
    text.remove_prefix(colon + 1);
  }
  out.push_back(text);
  return out;
}

}  // namespace

const char* cap_kind_name(CapKind kind) {
  switch (kind) {
    case CapKind::Root:
      return "root cap";
    case CapKind::Backup:
      return "backup cap";
    case CapKind::Read:
      return "read cap";
    case CapKind::Verify:
      return "verify cap";
  }
  return "cap";
}

Hash root_signing_seed(const Hash& master) { return derive_key(master, "gridbackup v2 root sign"); }
Hash host_secret(const Hash& master, std::string_view host, uint32_t generation) {
  return derive_key(master, fmt::format("gridbackup v2 host {} {}", generation, host));
}
Hash host_signing_seed(const Hash& host) { return derive_key(host, "gridbackup v2 host sign"); }
Hash line_key(const Hash& host) { return derive_key(host, "gridbackup v2 line"); }
Hash read_secret(const Hash& master) { return derive_key(master, "gridbackup v2 read"); }
Hash read_x25519_key(const Hash& read) { return derive_key(read, "gridbackup v2 read x25519"); }
Hash writer_secret(const Hash& read) { return derive_key(read, "gridbackup v2 writer"); }
Hash convergence_secret_v2(const Hash& writer) { return derive_key(writer, "gridbackup v2 convergence"); }
Hash verify_secret(const Hash& writer) { return derive_key(writer, "gridbackup v2 verify"); }
Hash index_key_v2(const Hash& verify) { return derive_key(verify, "gridbackup v2 index"); }

Status check_cap_host(std::string_view host) {
  if (host.empty() || host.size() > kMaxHost)
    return make_error(ErrorKind::InvalidArgument, fmt::format("a backup cap's host name must be 1 to {} characters long", kMaxHost));
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok)
      return make_error(ErrorKind::InvalidArgument,
                        fmt::format("the host name '{}' cannot go into a backup cap: only letters, digits, '.', '_' and '-' can", host));
  }
  return {};
}

Result<DerivedCap> derive_backup_cap(const RootCap& root, std::string_view host, uint32_t generation) {
  GB_CHECK(check_cap_host(host));
  if (generation < 1 || generation > kMaxGeneration)
    return make_error(ErrorKind::InvalidArgument, fmt::format("a host key generation runs from 1 to {}", kMaxGeneration));
  DerivedCap cap;
  cap.kind = CapKind::Backup;
  cap.host = std::string(host);
  cap.generation = generation;
  cap.secret = host_secret(root.master, host, generation);
  cap.writer = writer_secret(read_secret(root.master));
  cap.root_key = ed25519_public_key(root_signing_seed(root.master));
  cap.url = root.url;
  return cap;
}

DerivedCap derive_read_cap(const RootCap& root) {
  DerivedCap cap;
  cap.kind = CapKind::Read;
  cap.secret = read_secret(root.master);
  cap.root_key = ed25519_public_key(root_signing_seed(root.master));
  cap.url = root.url;
  return cap;
}

DerivedCap derive_verify_cap(const RootCap& root) { return derive_verify_cap(derive_read_cap(root)); }

DerivedCap derive_verify_cap(const DerivedCap& read) {
  DerivedCap cap;
  cap.kind = CapKind::Verify;
  cap.secret = verify_secret(writer_secret(read.secret));
  cap.root_key = read.root_key;
  cap.url = read.url;
  return cap;
}

std::string format_derived_cap(const DerivedCap& cap) {
  std::string text = std::string(prefix_of(cap.kind)) + ":";
  if (cap.kind == CapKind::Backup)
    text += fmt::format("{}:{}:{}:{}:", cap.host, cap.generation, base64url(cap.secret), base64url(cap.writer));
  else
    text += base64url(cap.secret) + ":";
  text += base64url(cap.root_key) + ":";
  return text + check_of(text, cap.url) + ":" + cap.url;
}

Result<DerivedCap> parse_derived_cap(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  DerivedCap cap;
  if (text.rfind("gbb1:", 0) == 0)
    cap.kind = CapKind::Backup;
  else if (text.rfind("gbr1:", 0) == 0)
    cap.kind = CapKind::Read;
  else if (text.rfind("gbv1:", 0) == 0)
    cap.kind = CapKind::Verify;
  else
    return malformed("cap", "it should start with 'gbb1:', 'gbr1:' or 'gbv1:'");
  const std::string what = cap_kind_name(cap.kind);
  bool backup = cap.kind == CapKind::Backup;
  // prefix, [host, generation, host secret, writer,] secret-or-nothing, root key, check; then the URL.
  auto f = split_fields(text, backup ? 7 : 4);
  if (!f || f->back().empty()) return malformed(what, "it is too short or its fields are not where they belong");
  const auto& v = *f;
  size_t i = 1;
  if (backup) {
    if (!check_cap_host(v[1])) return malformed(what, "its host name is not valid");
    cap.host = std::string(v[1]);
    auto generation = parse_uint(v[2], kMaxGeneration);
    if (!generation || *generation < 1) return malformed(what, "its key generation is not a number from 1 to 999999");
    cap.generation = static_cast<uint32_t>(*generation);
    i = 3;
  }
  auto secret = hash_field(v[i]);
  std::optional<Hash> writer;
  if (backup) writer = hash_field(v[++i]);
  auto root_key = hash_field(v[++i]);
  if (!secret || (backup && !writer) || !root_key) return malformed(what, "a key in it is not valid");
  cap.secret = *secret;
  if (writer) cap.writer = *writer;
  cap.root_key = *root_key;
  cap.url = std::string(v.back());
  std::string_view check = v[i + 1];
  std::string_view before_check = text.substr(0, static_cast<size_t>(check.data() - text.data()));
  if (check_of(before_check, cap.url) != check) return malformed(what, "its check digits do not match (a typo, or a truncated copy?)");
  return cap;
}

Result<AnyCap> parse_any_cap(std::string_view text) {
  std::string_view t = text;
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  if (t.rfind("gb1:", 0) == 0) {
    GB_ASSIGN(RootCap root, parse_cap(text));
    return AnyCap(std::move(root));
  }
  if (t.rfind("gbb1:", 0) == 0 || t.rfind("gbr1:", 0) == 0 || t.rfind("gbv1:", 0) == 0) {
    GB_ASSIGN(DerivedCap cap, parse_derived_cap(text));
    return AnyCap(std::move(cap));
  }
  return malformed("cap", "it should start with 'gb1:' (root cap), 'gbb1:' (backup), 'gbr1:' (read) or 'gbv1:' (verify)");
}

CapKind kind_of(const AnyCap& cap) { return std::holds_alternative<RootCap>(cap) ? CapKind::Root : std::get<DerivedCap>(cap).kind; }

std::string describe_cap(const AnyCap& any) {
  std::string what;
  switch (kind_of(any)) {
    case CapKind::Root:
      what =
          "root cap: can do everything: back up any host, list and restore every snapshot, verify and repair, forget and prune, and "
          "derive backup, read and verify caps. Keep it offline (or split among friends).";
      break;
    case CapKind::Backup: {
      const auto& c = std::get<DerivedCap>(any);
      what = fmt::format(
          "backup cap for host {} (key generation {}): can store content and add snapshots to {}'s line, and list and restore {}'s own "
          "snapshots. It cannot read other hosts' snapshots or content only they stored, cannot forget or prune, and cannot derive "
          "any other cap.",
          c.host, c.generation, c.host, c.host);
      break;
    }
    case CapKind::Read:
      what =
          "read cap: can list and restore every host's snapshots and verify the repository, and derive a verify cap. It cannot back "
          "up, forget or prune, and cannot sign a snapshot.";
      break;
    case CapKind::Verify:
      what =
          "verify cap: can check that every object is present and intact and repair grid shares. It cannot decrypt anything (no "
          "listing of files, no restore), cannot back up, forget or prune.";
      break;
  }
  // The URL is not repeated: it may hold a password, and it is in the cap anyway.
  std::string out = what + "\n";
  if (kind_of(any) != CapKind::Root)
    out +=
        "note: this version of gridbackup opens repositories with the root cap only; derived caps open repositories of format version 2, not written "
        "yet\n";
  return out;
}

}  // namespace gb
