#include "core/journal/change_spool.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#ifdef _WIN32
#include <io.h>
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "core/common/number_text.h"

namespace gb {
namespace {

constexpr std::string_view kSegmentSuffix = ".gbcr";

bool is_segment_name(const std::string& name) {
  return name.size() == 20 + kSegmentSuffix.size() && name.compare(20, kSegmentSuffix.size(), kSegmentSuffix) == 0 &&
         std::all_of(name.begin(), name.begin() + 20, [](char c) { return c >= '0' && c <= '9'; });
}

bool sync(std::FILE* f) {
  if (std::fflush(f) != 0) return false;
#ifdef _WIN32
  return _commit(_fileno(f)) == 0;
#else
  return fsync(fileno(f)) == 0;
#endif
}

}  // namespace

std::vector<std::string> list_spool_segments(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (is_segment_name(name)) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());  // fixed-width numbers sort in order
  return out;
}

Result<std::unique_ptr<ChangeSpoolWriter>> ChangeSpoolWriter::open(const std::string& dir, uint64_t segment_bytes) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
#ifndef _WIN32
  ::chmod(dir.c_str(), 0700);  // local state is private (it names every changed path)
#endif
  auto segments = list_spool_segments(dir);
  uint64_t seq = 1;
  if (!segments.empty()) {
    // is_segment_name admitted only 20 digits before the suffix.
    GB_ASSIGN(uint64_t last, parse_uint(std::filesystem::path(segments.back()).filename().string().substr(0, 20)));
    seq = last + 1;
  }
  std::unique_ptr<ChangeSpoolWriter> w(new ChangeSpoolWriter);
  w->dir_ = dir;
  w->segment_bytes_ = segment_bytes;
  if (!w->start(seq)) return make_error(ErrorKind::Io, "cannot create a spool segment in " + dir);
  return w;
}

ChangeSpoolWriter::~ChangeSpoolWriter() {
  if (file_) std::fclose(file_);
}

bool ChangeSpoolWriter::start(uint64_t seq) {
  if (file_) std::fclose(file_);
  std::string name = std::to_string(seq);
  name = std::string(20 - std::min<size_t>(20, name.size()), '0') + name + std::string(kSegmentSuffix);
  seq_ = seq;
  path_ = (std::filesystem::path(dir_) / name).string();
#ifdef _WIN32
  file_ = std::fopen(path_.c_str(), "wb");
#else
  int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  file_ = fd < 0 ? nullptr : ::fdopen(fd, "wb");
  if (fd >= 0 && !file_) ::close(fd);
#endif
  if (!file_) return false;
  size_ = kChangeStreamMagic.size();
  return std::fwrite(kChangeStreamMagic.data(), 1, kChangeStreamMagic.size(), file_) == kChangeStreamMagic.size() && sync(file_);
}

bool ChangeSpoolWriter::append(const std::vector<ChangeRecord>& records) {
  if (!file_) return false;
  if (records.empty()) return true;
  if (size_ >= segment_bytes_ && !rotate()) return false;
  std::string bytes;
  for (const auto& r : records) append_change_record(r, bytes);
  size_ += bytes.size();
  return std::fwrite(bytes.data(), 1, bytes.size(), file_) == bytes.size() && sync(file_);
}

bool ChangeSpoolWriter::rotate() { return start(seq_ + 1); }

Status read_spool_segment(const std::string& path, std::vector<ChangeRecord>& out, uint64_t offset, uint64_t* end) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::Io, "cannot read " + path);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t pos = offset;
  if (pos == 0) {
    if (data.size() < kChangeStreamMagic.size()) {  // the agent is still writing the magic
      if (end) *end = 0;
      if (kChangeStreamMagic.substr(0, data.size()) == data) return {};
      return make_error(ErrorKind::Corrupt, path + " is not a change-record stream");
    }
    if (data.compare(0, kChangeStreamMagic.size(), kChangeStreamMagic) != 0)
      return make_error(ErrorKind::Corrupt, path + " is not a change-record stream");
    pos = kChangeStreamMagic.size();
  }
  // One record at a time, each parsed as a stream of its own, so the offset
  // after the last complete record is known.
  std::string one;
  while (pos <= data.size() && data.size() - pos >= 4) {
    uint32_t n = 0;
    for (int i = 0; i < 4; ++i) n |= static_cast<uint32_t>(static_cast<uint8_t>(data[pos + i])) << (8 * i);
    if (data.size() - pos - 4 < n) break;  // incomplete: still being written, or torn
    one.assign(kChangeStreamMagic);
    one.append(data, pos, 4 + static_cast<size_t>(n));
    if (!parse_change_stream(one, out)) {
      if (end) *end = pos;
      return make_error(ErrorKind::Corrupt, path + " is damaged at byte " + std::to_string(pos));
    }
    pos += 4 + n;
  }
  if (end) *end = pos;
  return {};
}

}  // namespace gb
