// The Win32 structures of the USN journal that mingw-w64 10's winioctl.h
// does not have (USN_RECORD_V2/V3, READ_USN_JOURNAL_DATA_V1), laid out as in
// Microsoft's winioctl.h and checked with static_assert, so a layout mistake
// fails the build on Linux and under mingw alike. The parser reads bytes at
// these offsets; the Win32 reader passes ReadUsnJournalDataV1 to the FSCTL.
#pragma once
#include <cstddef>
#include <cstdint>

namespace gb::usn::layout {

struct FileId128 {
  uint8_t identifier[16];
};

struct RecordV2 {
  uint32_t record_length;
  uint16_t major_version;
  uint16_t minor_version;
  uint64_t file_reference_number;
  uint64_t parent_file_reference_number;
  int64_t usn;
  int64_t time_stamp;
  uint32_t reason;
  uint32_t source_info;
  uint32_t security_id;
  uint32_t file_attributes;
  uint16_t file_name_length;  // bytes, not characters
  uint16_t file_name_offset;
  char16_t file_name[1];
};

struct RecordV3 {
  uint32_t record_length;
  uint16_t major_version;
  uint16_t minor_version;
  FileId128 file_reference_number;
  FileId128 parent_file_reference_number;
  int64_t usn;
  int64_t time_stamp;
  uint32_t reason;
  uint32_t source_info;
  uint32_t security_id;
  uint32_t file_attributes;
  uint16_t file_name_length;
  uint16_t file_name_offset;
  char16_t file_name[1];
};

struct ReadUsnJournalDataV1 {
  int64_t start_usn;
  uint32_t reason_mask;
  uint32_t return_only_on_close;
  uint64_t timeout;
  uint64_t bytes_to_wait_for;
  uint64_t usn_journal_id;
  uint16_t min_major_version;
  uint16_t max_major_version;
};

// FSCTL_QUERY_USN_JOURNAL's output (USN_JOURNAL_DATA_V0; V1/V2 only append).
struct JournalDataV0 {
  uint64_t usn_journal_id;
  int64_t first_usn;
  int64_t next_usn;
  int64_t lowest_valid_usn;
  int64_t max_usn;
  uint64_t maximum_size;
  uint64_t allocation_delta;
};

// The offsets measured against mingw's USN_RECORD and documented for V3
// (shared/notes/windows-cross.md, section 3).
static_assert(offsetof(RecordV2, file_name) == 60);
static_assert(offsetof(RecordV2, reason) == 40);
static_assert(offsetof(RecordV2, file_attributes) == 52);
static_assert(offsetof(RecordV3, usn) == 40);
static_assert(offsetof(RecordV3, reason) == 56);
static_assert(offsetof(RecordV3, file_name_length) == 72);
static_assert(offsetof(RecordV3, file_name) == 76);
static_assert(sizeof(ReadUsnJournalDataV1) == 48);
static_assert(sizeof(JournalDataV0) == 56);

}  // namespace gb::usn::layout
