#include "agents/windows/usn_reader_win32.h"

#include <winioctl.h>

#include <cstdio>

#include "agents/windows/usn_layout.h"

namespace gb {

std::wstring widen(const std::string& s) {
  if (s.empty()) return {};
  int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring w(static_cast<size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), w.data(), n);
  return w;
}

std::string narrow(const std::wstring& w) {
  // Through our own converter: WideCharToMultiByte would turn an unpaired
  // surrogate into U+FFFD and merge distinct names.
  return usn::utf16_to_utf8(std::u16string(w.begin(), w.end()));
}

Win32UsnJournal::Win32UsnJournal(const std::string& volume) : root_(widen(volume)) {
  // "\\.\C:" — the volume itself, which the journal FSCTLs need.
  std::wstring device = L"\\\\.\\" + root_.substr(0, 2);
  volume_ = CreateFileW(device.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING, 0, nullptr);
  if (volume_ == INVALID_HANDLE_VALUE) open_error_ = GetLastError();
}

Win32UsnJournal::~Win32UsnJournal() {
  if (volume_ != INVALID_HANDLE_VALUE) CloseHandle(volume_);
}

uint32_t Win32UsnJournal::query(usn::JournalInfo& out) {
  if (volume_ == INVALID_HANDLE_VALUE) return open_error_;
  usn::layout::JournalDataV0 data{};
  DWORD got = 0;
  if (!DeviceIoControl(volume_, FSCTL_QUERY_USN_JOURNAL, nullptr, 0, &data, sizeof data, &got, nullptr)) return GetLastError();
  out = {data.usn_journal_id, data.first_usn, data.next_usn};
  return 0;
}

uint32_t Win32UsnJournal::read(uint64_t journal_id, int64_t start, std::string& buffer) {
  if (volume_ == INVALID_HANDLE_VALUE) return open_error_;
  usn::layout::ReadUsnJournalDataV1 in{};
  in.start_usn = start;
  in.reason_mask = 0xffffffff;
  in.return_only_on_close = 0;  // every record: see usn_translator.cpp for why not only CLOSE
  in.timeout = 2;               // seconds to wait for the first new byte, so a stop is seen soon
  in.bytes_to_wait_for = 1;
  in.usn_journal_id = journal_id;
  in.min_major_version = 2;
  in.max_major_version = 3;  // V4 (range tracking) only repeats V3's information
  buffer.resize(64 * 1024);
  DWORD got = 0;
  if (!DeviceIoControl(volume_, FSCTL_READ_USN_JOURNAL, &in, sizeof in, buffer.data(), static_cast<DWORD>(buffer.size()), &got, nullptr))
    return GetLastError();
  buffer.resize(got);
  return 0;
}

std::optional<std::string> Win32UsnJournal::resolve(const usn::FileId& frn, bool& is_dir) {
  if (volume_ == INVALID_HANDLE_VALUE) return std::nullopt;
  FILE_ID_DESCRIPTOR id{};
  id.dwSize = sizeof id;
  if (frn.high) {
    id.Type = ExtendedFileIdType;
    for (int i = 0; i < 8; ++i) {
      id.ExtendedFileId.Identifier[i] = static_cast<BYTE>(frn.low >> (8 * i));
      id.ExtendedFileId.Identifier[8 + i] = static_cast<BYTE>(frn.high >> (8 * i));
    }
  } else {
    id.Type = FileIdType;
    id.FileId.QuadPart = static_cast<LONGLONG>(frn.low);
  }
  // FILE_FLAG_BACKUP_SEMANTICS opens directories too (and, for a service
  // with the backup privilege, files whose ACL would refuse us).
  HANDLE h = OpenFileById(volume_, &id, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, FILE_FLAG_BACKUP_SEMANTICS);
  if (h == INVALID_HANDLE_VALUE) return std::nullopt;
  std::wstring path(1024, L'\0');
  DWORD n = GetFinalPathNameByHandleW(h, path.data(), static_cast<DWORD>(path.size()), FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
  if (n >= path.size()) {
    path.resize(n + 1);
    n = GetFinalPathNameByHandleW(h, path.data(), static_cast<DWORD>(path.size()), FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
  }
  BY_HANDLE_FILE_INFORMATION info{};
  bool have_info = GetFileInformationByHandle(h, &info);
  CloseHandle(h);
  if (n == 0 || n >= path.size()) return std::nullopt;
  path.resize(n);
  if (path.rfind(L"\\\\?\\", 0) == 0) path.erase(0, 4);  // "\\?\C:\dir" -> "C:\dir"
  is_dir = have_info && (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY);
  return narrow(path);
}

std::string Win32UsnJournal::error_text(uint32_t e) {
  wchar_t* text = nullptr;
  DWORD n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr, e, 0,
                           reinterpret_cast<wchar_t*>(&text), 0, nullptr);
  std::wstring w = n ? std::wstring(text, n) : L"unknown error";
  if (text) LocalFree(text);
  while (!w.empty() && (w.back() == L'\n' || w.back() == L'\r' || w.back() == L' ' || w.back() == L'.')) w.pop_back();
  return narrow(w);
}

std::string Win32UsnJournal::serial() const {
  DWORD serial = 0;
  if (!GetVolumeInformationW(root_.c_str(), nullptr, 0, &serial, nullptr, nullptr, nullptr, 0)) return {};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08lx", static_cast<unsigned long>(serial));
  return buf;
}

}  // namespace gb
