// Attenuated caps derived from the root cap (docs/FORMAT.md, "Attenuated
// caps"): a backup cap per host, a read cap and a verify cap, each one
// printable string. Every step of the derivation is HKDF, so it runs one way
// only: a weaker cap never yields the secret of a stronger one.
//
//   gbr1:<read secret>:<root key>:<check>:<URL>
//   gbb1:<host>:<generation>:<host secret>:<writer secret>:<root key>:<check>:<URL>
//   gbv1:<verify secret>:<root key>:<check>:<URL>
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "core/common/bytes.h"
#include "core/common/result.h"
#include "core/repository/root_cap.h"

namespace gb {

enum class CapKind { Root, Backup, Read, Verify };
const char* cap_kind_name(CapKind kind);  // "root cap", "backup cap", ...

// The key hierarchy, one function per arrow of the FORMAT.md diagram.
Hash root_signing_seed(const Hash& master);
Hash host_secret(const Hash& master, std::string_view host, uint32_t generation);
Hash host_signing_seed(const Hash& host_secret);
Hash line_key(const Hash& host_secret);
Hash read_secret(const Hash& master);
Hash read_x25519_key(const Hash& read_secret);
Hash writer_secret(const Hash& read_secret);
Hash convergence_secret_v2(const Hash& writer_secret);
Hash verify_secret(const Hash& writer_secret);
Hash index_key_v2(const Hash& verify_secret);

struct DerivedCap {
  CapKind kind = CapKind::Read;
  std::string host;         // backup caps only
  uint32_t generation = 0;  // backup caps only: 1 for a host's first key, +1 per revocation
  Hash secret{};            // the read, host or verify secret
  Hash writer{};            // backup caps only: the writer secret
  Hash root_key{};          // Ed25519 public key of the root signing seed
  std::string url;
};

// A host name a backup cap may carry: 1 to 64 of A-Z a-z 0-9 . _ - (the cap's
// fields are ':'-separated and a host name is read by people).
Status check_cap_host(std::string_view host);
Result<DerivedCap> derive_backup_cap(const RootCap& root, std::string_view host, uint32_t generation = 1);
DerivedCap derive_read_cap(const RootCap& root);
DerivedCap derive_verify_cap(const RootCap& root);
// A weaker cap from a read cap (the only derived cap that has one below it).
DerivedCap derive_verify_cap(const DerivedCap& read);

std::string format_derived_cap(const DerivedCap& cap);
Result<DerivedCap> parse_derived_cap(std::string_view text);

// Any cap string: the root cap or a derived one.
using AnyCap = std::variant<RootCap, DerivedCap>;
Result<AnyCap> parse_any_cap(std::string_view text);
CapKind kind_of(const AnyCap& cap);
// What the cap can and cannot do, in plain words (`gridbackup cap info`).
std::string describe_cap(const AnyCap& cap);

}  // namespace gb
