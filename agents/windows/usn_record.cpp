#include "agents/windows/usn_record.h"

#include <cstdio>
#include <cstring>

#include "agents/windows/usn_layout.h"
#include "core/journal/flag_names.h"

namespace gb::usn {
namespace {

uint64_t get(std::string_view b, size_t off, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(b[off + i])) << (8 * i);
  return v;
}
void put(std::string& b, size_t off, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) b[off + i] = static_cast<char>(v >> (8 * i));
}

constexpr FlagName kReasonNames[] = {
    {kDataOverwrite, "DATA_OVERWRITE"},
    {kDataExtend, "DATA_EXTEND"},
    {kDataTruncation, "DATA_TRUNCATION"},
    {kNamedDataOverwrite, "NAMED_DATA_OVERWRITE"},
    {kNamedDataExtend, "NAMED_DATA_EXTEND"},
    {kNamedDataTruncation, "NAMED_DATA_TRUNCATION"},
    {kFileCreate, "FILE_CREATE"},
    {kFileDelete, "FILE_DELETE"},
    {kEaChange, "EA_CHANGE"},
    {kSecurityChange, "SECURITY_CHANGE"},
    {kRenameOldName, "RENAME_OLD_NAME"},
    {kRenameNewName, "RENAME_NEW_NAME"},
    {kIndexableChange, "INDEXABLE_CHANGE"},
    {kBasicInfoChange, "BASIC_INFO_CHANGE"},
    {kHardLinkChange, "HARD_LINK_CHANGE"},
    {kCompressionChange, "COMPRESSION_CHANGE"},
    {kEncryptionChange, "ENCRYPTION_CHANGE"},
    {kObjectIdChange, "OBJECT_ID_CHANGE"},
    {kReparsePointChange, "REPARSE_POINT_CHANGE"},
    {kStreamChange, "STREAM_CHANGE"},
    {kTransactedChange, "TRANSACTED_CHANGE"},
    {kIntegrityChange, "INTEGRITY_CHANGE"},
    {kDesiredStorageClassChange, "DESIRED_STORAGE_CLASS_CHANGE"},
    {kClose, "CLOSE"},
};

void put_utf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

}  // namespace

std::string to_hex(const FileId& id) {
  char buf[40];
  if (id.high)
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(id.high), static_cast<unsigned long long>(id.low));
  else
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(id.low));
  return buf;
}

std::optional<FileId> file_id_from_hex(std::string_view hex) {
  if (hex.substr(0, 2) == "0x") hex.remove_prefix(2);
  if (hex.empty() || hex.size() > 32) return std::nullopt;
  FileId id;
  for (char c : hex) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return std::nullopt;
    id.high = (id.high << 4) | (id.low >> 60);
    id.low = (id.low << 4) | static_cast<uint64_t>(d);
  }
  return id;
}

namespace {

// Where each field sits in one record version; V2 and V3 differ only in the
// width of the two file ids (8 or 16 bytes), which shifts everything after them.
struct Offsets {
  size_t frn, parent, id_bytes, usn, time_stamp, reason, source_info, attributes, name_length, name_offset, name;
};
template <typename R>
constexpr Offsets offsets_of() {
  return {offsetof(R, file_reference_number),
          offsetof(R, parent_file_reference_number),
          sizeof(R::file_reference_number),
          offsetof(R, usn),
          offsetof(R, time_stamp),
          offsetof(R, reason),
          offsetof(R, source_info),
          offsetof(R, file_attributes),
          offsetof(R, file_name_length),
          offsetof(R, file_name_offset),
          offsetof(R, file_name)};
}
constexpr Offsets kV2 = offsets_of<layout::RecordV2>(), kV3 = offsets_of<layout::RecordV3>();

FileId get_id(std::string_view b, size_t off, size_t bytes) { return {get(b, off, 8), bytes == 16 ? get(b, off + 8, 8) : 0}; }
void put_id(std::string& b, size_t off, size_t bytes, const FileId& id) {
  put(b, off, id.low, 8);
  if (bytes == 16) put(b, off + 8, id.high, 8);
}

}  // namespace

std::optional<UsnRecord> parse_usn_record(std::string_view b, size_t* consumed) {
  if (b.size() < kV2.name) return std::nullopt;
  UsnRecord r;
  size_t length = get(b, offsetof(layout::RecordV2, record_length), 4);
  r.major_version = static_cast<uint16_t>(get(b, offsetof(layout::RecordV2, major_version), 2));
  // V4 (range tracking) is never requested: MaxMajorVersion = 3.
  if (r.major_version != 2 && r.major_version != 3) return std::nullopt;
  const Offsets& o = r.major_version == 2 ? kV2 : kV3;
  if (length < o.name || length > b.size()) return std::nullopt;
  r.frn = get_id(b, o.frn, o.id_bytes);
  r.parent_frn = get_id(b, o.parent, o.id_bytes);
  r.usn = static_cast<int64_t>(get(b, o.usn, 8));
  r.timestamp = static_cast<int64_t>(get(b, o.time_stamp, 8));
  r.reason = static_cast<uint32_t>(get(b, o.reason, 4));
  r.source_info = static_cast<uint32_t>(get(b, o.source_info, 4));
  r.attributes = static_cast<uint32_t>(get(b, o.attributes, 4));
  size_t name_len = get(b, o.name_length, 2), name_off = get(b, o.name_offset, 2);
  if (name_len % 2 || name_off < o.name || name_off + name_len > length) return std::nullopt;
  r.name.resize(name_len / 2);
  for (size_t i = 0; i < r.name.size(); ++i) r.name[i] = static_cast<char16_t>(get(b, name_off + 2 * i, 2));
  if (consumed) *consumed = length;
  return r;
}

std::string encode_usn_record(const UsnRecord& r) {
  const Offsets& o = r.major_version == 3 ? kV3 : kV2;
  size_t length = (o.name + 2 * r.name.size() + 7) / 8 * 8;
  std::string b(length, '\0');
  put(b, offsetof(layout::RecordV2, record_length), length, 4);
  put(b, offsetof(layout::RecordV2, major_version), r.major_version == 3 ? 3 : 2, 2);
  put_id(b, o.frn, o.id_bytes, r.frn);
  put_id(b, o.parent, o.id_bytes, r.parent_frn);
  put(b, o.usn, static_cast<uint64_t>(r.usn), 8);
  put(b, o.time_stamp, static_cast<uint64_t>(r.timestamp), 8);
  put(b, o.reason, r.reason, 4);
  put(b, o.source_info, r.source_info, 4);
  put(b, o.attributes, r.attributes, 4);
  put(b, o.name_length, 2 * r.name.size(), 2);
  put(b, o.name_offset, o.name, 2);
  for (size_t i = 0; i < r.name.size(); ++i) put(b, o.name + 2 * i, r.name[i], 2);
  return b;
}

bool split_read_buffer(std::string_view buffer, int64_t& next_usn, std::vector<std::string_view>& records) {
  if (buffer.size() < 8) return false;
  next_usn = static_cast<int64_t>(get(buffer, 0, 8));
  size_t pos = 8;
  while (pos < buffer.size()) {
    std::string_view rest = buffer.substr(pos);
    if (rest.size() < 8) return false;
    uint32_t length = static_cast<uint32_t>(get(rest, 0, 4));
    if (length < 8 || length > rest.size()) return false;
    records.push_back(rest.substr(0, length));
    pos += length;
  }
  return true;
}

std::string reason_names(uint32_t reason) { return flag_names(reason, kReasonNames, "0"); }

std::optional<uint32_t> reason_from_names(std::string_view names) { return flags_from_names(names, kReasonNames, "0"); }

std::string utf16_to_utf8(std::u16string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    uint32_t c = s[i];
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.size() && s[i + 1] >= 0xdc00 && s[i + 1] < 0xe000) {
      c = 0x10000 + ((c - 0xd800) << 10) + (s[i + 1] - 0xdc00);
      ++i;
    }
    put_utf8(c, out);
  }
  return out;
}

std::u16string utf8_to_utf16(std::string_view s) {
  std::u16string out;
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<uint8_t>(s[i]);
    int n = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    uint32_t cp = n == 1 ? b : n == 2 ? b & 0x1f : n == 3 ? b & 0x0f : b & 0x07;
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<uint8_t>(s[i + k]) & 0x3f);
    i += n;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xd800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xdc00 + (cp & 0x3ff)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

}  // namespace gb::usn
