// USN change-journal records (USN_RECORD_V2 and V3) parsed from raw bytes.
// mingw-w64 10 lacks USN_RECORD_V2/V3 and READ_USN_JOURNAL_DATA_V1, so the
// agent lays them out itself (offsets checked in usn_record.cpp against
// Microsoft's documentation). Standard library only: the same parser runs
// in the Windows agent, under wine, and on Linux (replaying recordings).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gb::usn {

// Reason flags (winioctl.h USN_REASON_*).
enum Reason : uint32_t {
  kDataOverwrite = 0x00000001,
  kDataExtend = 0x00000002,
  kDataTruncation = 0x00000004,
  kNamedDataOverwrite = 0x00000010,
  kNamedDataExtend = 0x00000020,
  kNamedDataTruncation = 0x00000040,
  kFileCreate = 0x00000100,
  kFileDelete = 0x00000200,
  kEaChange = 0x00000400,
  kSecurityChange = 0x00000800,
  kRenameOldName = 0x00001000,
  kRenameNewName = 0x00002000,
  kIndexableChange = 0x00004000,
  kBasicInfoChange = 0x00008000,
  kHardLinkChange = 0x00010000,
  kCompressionChange = 0x00020000,
  kEncryptionChange = 0x00040000,
  kObjectIdChange = 0x00080000,
  kReparsePointChange = 0x00100000,
  kStreamChange = 0x00200000,
  kTransactedChange = 0x00400000,
  kIntegrityChange = 0x00800000,
  kDesiredStorageClassChange = 0x01000000,
  kClose = 0x80000000,
};
inline constexpr uint32_t kFileAttributeDirectory = 0x10;

// A file reference number. V2 records carry 64 bits (high = 0); V3 carries
// the 128-bit FILE_ID_128 (ReFS). Printed as 16 or 32 hex digits.
struct FileId {
  uint64_t low = 0, high = 0;
  auto operator<=>(const FileId&) const = default;
};
std::string to_hex(const FileId& id);
std::optional<FileId> file_id_from_hex(std::string_view hex);

struct UsnRecord {
  uint16_t major_version = 2;
  FileId frn, parent_frn;
  int64_t usn = 0;
  int64_t timestamp = 0;  // FILETIME: 100 ns since 1601
  uint32_t reason = 0;
  uint32_t source_info = 0;
  uint32_t attributes = 0;
  std::u16string name;  // UTF-16 as NTFS stores it (unpaired surrogates possible)
  bool is_dir() const { return attributes & kFileAttributeDirectory; }
};

// Parses one record at the start of `bytes`. Returns nullopt when the bytes
// are too short, the version is not 2 or 3, or a length points outside the
// record. `consumed` is RecordLength (where the next record starts).
std::optional<UsnRecord> parse_usn_record(std::string_view bytes, size_t* consumed = nullptr);
// The bytes of a record as NTFS writes them (for tests and the scenario
// generator; RecordLength is padded to 8 like NTFS does).
std::string encode_usn_record(const UsnRecord& r);

// FSCTL_READ_USN_JOURNAL's output: the next USN to read (8 bytes), then
// records. Splits it into raw records; false if a record's length is bad
// (the records before it are in `records`).
bool split_read_buffer(std::string_view buffer, int64_t& next_usn, std::vector<std::string_view>& records);

// "FILE_CREATE|DATA_EXTEND|CLOSE"; unknown bits as 0x… .
std::string reason_names(uint32_t reason);
// The inverse, for readable scenario specs. nullopt on an unknown name.
std::optional<uint32_t> reason_from_names(std::string_view names);

// UTF-16 -> UTF-8. An unpaired surrogate becomes WTF-8 (its 3-byte form), so
// no name is lost or merged with another (DESIGN: never lose a name).
std::string utf16_to_utf8(std::u16string_view s);
std::u16string utf8_to_utf16(std::string_view s);

}  // namespace gb::usn
