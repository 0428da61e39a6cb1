#include "core/crypto/secret_sharing.h"

// libgfshare's header declares C functions without extern "C".
extern "C" {
#include <libgfshare.h>
}
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <fmt/format.h>
#include <atomic>

namespace gb {
namespace {

// libgfshare draws the polynomials' coefficients through one global function
// that cannot report failure, so a failed RAND_bytes is noted here and the
// split refused afterwards instead of handing out shares of zero polynomials.
std::atomic<bool> random_failed{false};

void fill_from_openssl(unsigned char* buffer, unsigned int size) {
  if (RAND_bytes(buffer, static_cast<int>(size)) != 1) random_failed = true;
}

// Set before every use: libgfshare also overwrites a context with random
// bytes when it frees one, and calls a null pointer if none was set.
void use_openssl_random() {
  gfshare_fill_rand = fill_from_openssl;
  random_failed = false;
}

struct ContextFree {
  void operator()(gfshare_ctx* ctx) const { gfshare_ctx_free(ctx); }
};

}  // namespace

Result<std::vector<SecretShare>> split_secret(ByteView secret, unsigned threshold, unsigned count) {
  if (threshold < 2 || threshold > count || count > 255)
    return make_error(ErrorKind::InvalidArgument, fmt::format("cannot split into {} shares with a threshold of {}", count, threshold));
  if (secret.empty()) return make_error(ErrorKind::InvalidArgument, "there is no secret to split");
  use_openssl_random();
  std::vector<unsigned char> numbers(count);
  for (unsigned i = 0; i < count; ++i) numbers[i] = static_cast<unsigned char>(i + 1);
  std::unique_ptr<gfshare_ctx, ContextFree> ctx(
      gfshare_ctx_init_enc(numbers.data(), count, static_cast<unsigned char>(threshold), static_cast<unsigned>(secret.size())));
  if (!ctx) return make_error(ErrorKind::Io, "out of memory while splitting the secret");
  Bytes copy(secret.begin(), secret.end());  // libgfshare takes a non-const pointer
  gfshare_ctx_enc_setsecret(ctx.get(), copy.data());
  OPENSSL_cleanse(copy.data(), copy.size());
  if (random_failed) return make_error(ErrorKind::Io, "the system random generator failed, so no shares were made");
  std::vector<SecretShare> out(count);
  for (unsigned i = 0; i < count; ++i) {
    out[i].number = numbers[i];
    out[i].bytes.resize(secret.size());
    gfshare_ctx_enc_getshare(ctx.get(), static_cast<unsigned char>(i), out[i].bytes.data());
  }
  return out;
}

Bytes join_secret(std::span<const SecretShare> shares) {
  if (shares.empty()) return {};
  use_openssl_random();
  const auto size = static_cast<unsigned>(shares[0].bytes.size());
  std::vector<unsigned char> numbers;
  for (const auto& s : shares) numbers.push_back(s.number);
  std::unique_ptr<gfshare_ctx, ContextFree> ctx(gfshare_ctx_init_dec(numbers.data(), static_cast<unsigned>(numbers.size()), size));
  if (!ctx) throw std::bad_alloc();
  for (size_t i = 0; i < shares.size(); ++i) {
    Bytes copy = shares[i].bytes;
    copy.resize(size);
    gfshare_ctx_dec_giveshare(ctx.get(), static_cast<unsigned char>(i), copy.data());
    OPENSSL_cleanse(copy.data(), copy.size());
  }
  Bytes secret(size);
  gfshare_ctx_dec_extract(ctx.get(), secret.data());
  return secret;
}

}  // namespace gb
