#include "core/repository/root_cap.h"

#include "core/crypto/sha256.h"

namespace gb {
namespace {

std::string check_of(const Hash& master, std::string_view url) {
  Sha256 h;
  h.update(as_bytes("gridbackup cap check"));
  h.update(master);
  h.update(as_bytes(url));
  Hash d = h.finish();
  return to_hex(ByteView(d).first(3));
}

Error malformed(std::string why) { return make_error(ErrorKind::WrongKey, "the root cap is malformed: " + why); }

}  // namespace

std::string format_cap(const RootCap& cap) { return "gb1:" + base64url(cap.master) + ":" + check_of(cap.master, cap.url) + ":" + cap.url; }

Result<RootCap> parse_cap(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text.rfind("gb1:", 0) != 0) return malformed("it should start with 'gb1:'");
  if (text.size() < 4 + 43 + 1 + 6 + 1 + 1 || text[47] != ':' || text[54] != ':')
    return malformed("it is too short or its fields are not where they belong");
  auto secret = from_base64url(text.substr(4, 43));
  if (!secret || secret->size() != 32) return malformed("the secret part is not valid");
  RootCap cap;
  std::copy(secret->begin(), secret->end(), cap.master.begin());
  cap.url = std::string(text.substr(55));
  if (check_of(cap.master, cap.url) != text.substr(48, 6)) return malformed("its check digits do not match (a typo, or a truncated copy?)");
  return cap;
}

}  // namespace gb
