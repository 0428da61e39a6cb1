#include "core/repository/recovery_kit.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "core/crypto/secret_sharing.h"
#include "core/crypto/sha256.h"

namespace gb {
namespace {

constexpr std::string_view kPrefix = "GBK1";
constexpr size_t kIdChars = 6;     // 30 bits
constexpr size_t kCheckChars = 6;  // 30 bits: a mistyped share slips through once in a billion
constexpr size_t kGroup = 5;

// The first `chars` Crockford characters of SHA-256(label || parts...).
std::string hash_chars(std::string_view label, std::initializer_list<ByteView> parts, size_t chars) {
  Sha256 h;
  h.update(as_bytes(label));
  for (ByteView p : parts) h.update(p);
  Hash d = h.finish();
  return crockford_base32(ByteView(d).first(8)).substr(0, chars);
}

Bytes cap_secret(const RootCap& cap) {
  Bytes s(cap.master.begin(), cap.master.end());
  s.insert(s.end(), cap.url.begin(), cap.url.end());
  return s;
}

std::string header_of(const RecoveryShare& s) { return fmt::format("{}-{}OF{}-{}-{}", kPrefix, s.threshold, s.count, s.number, s.cap_id); }

// The check covers the header and the share characters, not how they are
// grouped, so a share typed with other breaks still reads.
std::string check_of(std::string_view header, std::string_view data) {
  return hash_chars("gridbackup recovery share check", {as_bytes(header), as_bytes("-"), as_bytes(data)}, kCheckChars);
}

// Crockford's own reading of the misread letters, so the check sees what the
// base32 decoder will.
std::string crockford_canonical(std::string_view field) {
  std::string out(field);
  for (char& c : out) {
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
  }
  return out;
}

std::vector<std::string> split_fields(const std::string& text) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (;;) {
    size_t dash = text.find('-', start);
    fields.push_back(text.substr(start, dash == std::string::npos ? std::string::npos : dash - start));
    if (dash == std::string::npos) return fields;
    start = dash + 1;
  }
}

std::optional<unsigned> small_number(std::string_view digits) {
  if (digits.empty() || digits.size() > 3 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return static_cast<unsigned>(std::stoul(std::string(digits)));
}

// "3OF5" -> {3, 5}.
std::optional<std::pair<unsigned, unsigned>> threshold_field(std::string_view field) {
  size_t of = field.find("OF");
  if (of == std::string_view::npos) return std::nullopt;
  auto k = small_number(field.substr(0, of)), n = small_number(field.substr(of + 2));
  if (!k || !n) return std::nullopt;
  return std::pair{*k, *n};
}

std::string ordinal(size_t i) {  // 0 -> "1st"
  size_t n = i + 1;
  const char* suffix = "th";
  if (n % 100 < 11 || n % 100 > 13) {
    if (n % 10 == 1) suffix = "st";
    if (n % 10 == 2) suffix = "nd";
    if (n % 10 == 3) suffix = "rd";
  }
  return fmt::format("{}{}", n, suffix);
}

// What is wrong with a share, as the rest of a sentence about it ("does not
// match ..."), with what its header says when that much reads.
struct ShareProblem {
  std::string marked;  // " (marked share 2 of 5)" or ""
  std::string what;
};

std::optional<ShareProblem> read_share(std::string_view typed, RecoveryShare& s) {
  std::string text;
  for (char c : typed)
    if (!std::isspace(static_cast<unsigned char>(c))) text.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  auto problem = [](std::string what, std::string marked = "") { return std::optional<ShareProblem>({std::move(marked), std::move(what)}); };
  if (text.rfind("GB1:", 0) == 0 || text.rfind("GBR1:", 0) == 0 || text.rfind("GBB1:", 0) == 0 || text.rfind("GBV1:", 0) == 0)
    return problem("is a cap, not a share of one (a share starts with 'GBK1-')");
  if (text.rfind(std::string(kPrefix) + "-", 0) != 0) return problem("is not a recovery share (a share starts with 'GBK1-')");
  std::vector<std::string> fields = split_fields(text);
  // A doubled or trailing dash inside the share characters is only a break.
  fields.erase(std::remove_if(fields.begin() + 1, fields.end(), [](const std::string& f) { return f.empty(); }), fields.end());
  std::string marked;
  auto kn = fields.size() > 1 ? threshold_field(fields[1]) : std::nullopt;
  auto x = fields.size() > 2 ? small_number(fields[2]) : std::nullopt;
  if (kn && x) marked = fmt::format(" (marked share {} of {})", *x, kn->second);
  if (fields.size() < 6) return problem("is too short: a part of it is missing", marked);
  std::string data;
  for (size_t i = 4; i + 1 < fields.size(); ++i) data += crockford_canonical(fields[i]);
  std::string header = fmt::format("{}-{}-{}-{}", fields[0], fields[1], fields[2], crockford_canonical(fields[3]));
  if (check_of(header, data) != crockford_canonical(fields.back()))
    return problem("does not match its check digits: a character is mistyped, missing or extra", marked);
  // The check holds, so what follows fails only for a share no gridbackup wrote.
  auto bytes = from_crockford_base32(data);
  if (!kn || !x || kn->first < 2 || kn->first > kn->second || kn->second > 255 || *x < 1 || *x > kn->second || fields[3].size() != kIdChars ||
      !bytes || bytes->size() <= 32)
    return problem("is malformed (its check digits match, but its fields do not make a share)", marked);
  s.threshold = kn->first;
  s.count = kn->second;
  s.number = *x;
  s.cap_id = crockford_canonical(fields[3]);
  s.bytes = std::move(*bytes);
  return std::nullopt;
}

std::optional<RootCap> cap_from_secret(ByteView secret, std::string_view cap_id) {
  if (secret.size() <= 32) return std::nullopt;
  RootCap cap;
  std::copy(secret.begin(), secret.begin() + 32, cap.master.begin());
  cap.url = to_string(secret.subspan(32));
  if (recovery_cap_id(cap) != cap_id) return std::nullopt;
  return cap;
}

std::optional<RootCap> join_some(const std::vector<RecoveryShare>& shares, const std::vector<size_t>& which) {
  std::vector<SecretShare> picked;
  for (size_t i : which) picked.push_back({static_cast<uint8_t>(shares[i].number), shares[i].bytes});
  return cap_from_secret(join_secret(picked), shares[which[0]].cap_id);
}

// The first `k`-subset of 0..m-1 (in lexicographic order) whose shares
// rebuild the cap; m is at most 255 and the kit small, so this ends quickly
// for every kit people make (5 of 8 is 56 tries).
std::optional<std::pair<RootCap, std::vector<size_t>>> first_fitting_subset(const std::vector<RecoveryShare>& shares, unsigned k) {
  std::vector<size_t> pick(k);
  for (size_t i = 0; i < k; ++i) pick[i] = i;
  const size_t m = shares.size();
  for (;;) {
    if (auto cap = join_some(shares, pick)) return std::pair{*cap, pick};
    size_t i = k;
    while (i > 0 && pick[i - 1] == m - k + i - 1) --i;
    if (i == 0) return std::nullopt;
    ++pick[i - 1];
    for (size_t j = i; j < k; ++j) pick[j] = pick[j - 1] + 1;
  }
}

}  // namespace

std::string recovery_cap_id(const RootCap& cap) {
  Bytes secret = cap_secret(cap);
  return hash_chars("gridbackup recovery cap id", {secret}, kIdChars);
}

Result<std::vector<RecoveryShare>> split_root_cap(const RootCap& cap, unsigned threshold, unsigned count) {
  if (threshold < 2)
    return make_error(ErrorKind::InvalidArgument, "a threshold below 2 would give every share the whole cap: use --threshold 2 or more");
  if (count < threshold)
    return make_error(ErrorKind::InvalidArgument,
                      fmt::format("{} shares cannot meet a threshold of {}: give --shares {} or more", count, threshold, threshold));
  if (count > 255) return make_error(ErrorKind::InvalidArgument, "a kit has at most 255 shares");
  Bytes secret = cap_secret(cap);
  GB_ASSIGN(auto parts, split_secret(secret, threshold, count));
  std::string id = recovery_cap_id(cap);
  std::vector<RecoveryShare> out;
  for (auto& p : parts) out.push_back({threshold, count, p.number, id, std::move(p.bytes)});
  return out;
}

std::string format_recovery_share(const RecoveryShare& share) {
  std::string header = header_of(share);
  std::string data = crockford_base32(share.bytes);
  std::string out = header;
  for (size_t i = 0; i < data.size(); i += kGroup) out += "-" + data.substr(i, kGroup);
  return out + "-" + check_of(header, data);
}

Result<RecoveryShare> parse_recovery_share(std::string_view text) {
  RecoveryShare share;
  if (auto problem = read_share(text, share)) return make_error(ErrorKind::WrongKey, "the share" + problem->marked + " " + problem->what);
  return share;
}

Result<JoinedCap> join_root_cap(std::span<const std::string> texts) {
  if (texts.empty()) return make_error(ErrorKind::InvalidArgument, "no shares given: give the shares to join");
  std::vector<RecoveryShare> shares;
  for (size_t i = 0; i < texts.size(); ++i) {
    RecoveryShare share;
    if (auto problem = read_share(texts[i], share))
      return make_error(ErrorKind::WrongKey, fmt::format("the {} share given{} {}", ordinal(i), problem->marked, problem->what));
    shares.push_back(std::move(share));
  }
  const RecoveryShare& first = shares[0];
  for (size_t i = 1; i < shares.size(); ++i) {
    const RecoveryShare& s = shares[i];
    if (s.cap_id != first.cap_id)
      return make_error(ErrorKind::InvalidArgument,
                        fmt::format("the 1st and {} shares given belong to different caps (ids {} and {}): give shares of one cap", ordinal(i),
                                    first.cap_id, s.cap_id));
    if (s.threshold != first.threshold || s.count != first.count || s.bytes.size() != first.bytes.size())
      return make_error(
          ErrorKind::InvalidArgument,
          fmt::format("the 1st and {} shares given come from different splits of cap {} ({} of {} and {} of {}): give shares of one split",
                      ordinal(i), first.cap_id, first.threshold, first.count, s.threshold, s.count));
    for (size_t j = 0; j < i; ++j) {
      if (shares[j].number != s.number) continue;
      if (shares[j].bytes == s.bytes)
        return make_error(ErrorKind::InvalidArgument, fmt::format("share {} of {} was given twice ({} and {}): give {} different shares", s.number,
                                                                  s.count, ordinal(j), ordinal(i), s.threshold));
      return make_error(ErrorKind::InvalidArgument,
                        fmt::format("the {} and {} shares given are both share {} of {} but differ: they come from different splits of cap {}",
                                    ordinal(j), ordinal(i), s.number, s.count, s.cap_id));
    }
  }
  if (shares.size() < first.threshold)
    return make_error(ErrorKind::InvalidArgument, fmt::format("{} of {} shares needed, {} given", first.threshold, first.count, shares.size()));
  auto found = first_fitting_subset(shares, first.threshold);
  if (!found)
    return make_error(ErrorKind::InvalidArgument, fmt::format("these shares do not rebuild cap {}: they come from different splits of it "
                                                              "(every 'cap split' makes new shares; give shares of one split)",
                                                              first.cap_id));
  JoinedCap out{found->first, {}};
  // A share beyond the threshold fits when it rebuilds the cap in place of one of the chosen.
  std::vector<size_t> chosen = found->second;
  for (size_t i = 0; i < shares.size(); ++i) {
    if (std::find(chosen.begin(), chosen.end(), i) != chosen.end()) continue;
    std::vector<size_t> swapped = chosen;
    swapped.back() = i;
    if (!join_some(shares, swapped))
      out.left_out.push_back(
          fmt::format("the {} share given (share {} of {}) does not fit the others (from another split of cap {}?); "
                      "the cap was rebuilt without it",
                      ordinal(i), shares[i].number, shares[i].count, first.cap_id));
  }
  return out;
}

}  // namespace gb
