// Shamir's secret sharing over GF(256), through libgfshare (Debian:
// libgfshare-dev): a secret of any length becomes `count` shares of the same
// length, any `threshold` of which rebuild it; fewer reveal nothing about it
// (each byte is the constant term of its own random polynomial of degree
// threshold - 1, and a share is that polynomial's value at the share's number).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "core/common/bytes.h"
#include "core/common/result.h"

namespace gb {

struct SecretShare {
  uint8_t number = 0;  // the x the polynomials are evaluated at: 1..count, never 0 (that is the secret)
  Bytes bytes;         // as long as the secret
};

// Shares numbered 1..count. InvalidArgument unless 2 <= threshold <= count
// <= 255; Io if the system random generator fails.
Result<std::vector<SecretShare>> split_secret(ByteView secret, unsigned threshold, unsigned count);

// The secret the shares' polynomials meet at 0. The caller gives at least the
// threshold of shares, each of one length and with distinct numbers; with
// fewer, or shares of different splits, the result is noise (the caller
// checks it against something it knows, as the recovery kit's cap id).
Bytes join_secret(std::span<const SecretShare> shares);

}  // namespace gb
