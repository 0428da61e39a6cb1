#include "agents/windows/usn_translator.h"

namespace gb {
namespace {

using namespace usn;

constexpr uint32_t kDataBits =
    kDataOverwrite | kDataExtend | kDataTruncation | kNamedDataOverwrite | kNamedDataExtend | kNamedDataTruncation | kStreamChange;
constexpr uint32_t kMetadataBits = kEaChange | kSecurityChange | kIndexableChange | kBasicInfoChange | kCompressionChange | kEncryptionChange |
                                   kObjectIdChange | kReparsePointChange | kIntegrityChange | kDesiredStorageClassChange;
// Bits that say nothing by themselves: CLOSE ends a session whose changes were
// reported as their bits appeared; TRANSACTED_CHANGE accompanies other bits.
constexpr uint32_t kQuietBits = kClose | kTransactedChange;
constexpr uint32_t kKnownBits =
    kDataBits | kMetadataBits | kQuietBits | kFileCreate | kFileDelete | kRenameOldName | kRenameNewName | kHardLinkChange;

std::string join(const std::string& dir, const std::string& name) { return !dir.empty() && dir.back() == '\\' ? dir + name : dir + "\\" + name; }

}  // namespace

std::unique_ptr<EventTranslator> make_usn_translator(const std::map<std::string, std::string>& context) {
  return std::make_unique<UsnTranslator>(context);
}

UsnTranslator::UsnTranslator(const std::map<std::string, std::string>& context) {
  auto get = [&](const std::string& k, const std::string& fallback) {
    auto it = context.find(k);
    return it == context.end() ? fallback : it->second;
  };
  volume_ = get("volume", "C:\\");
  fs_id_ = get("fs_id", "");
  root_ = file_id_from_hex(get("root_frn", "0005000000000005")).value_or(FileId{0x0005000000000005, 0});
  forget_all();
  for (const auto& [k, v] : context) {
    if (k.rfind("dir.", 0) != 0) continue;
    if (auto frn = file_id_from_hex(std::string_view(k).substr(4))) entries_[*frn] = Entry{{}, {}, true, v};
  }
}

void UsnTranslator::forget_all() {
  entries_.clear();
  reported_.clear();
  entries_[root_] = Entry{{}, {}, true, volume_};
}

bool UsnTranslator::knows(const FileId& frn) const { return path_of(frn).has_value(); }

std::optional<std::string> UsnTranslator::path_of(const FileId& frn) const {
  std::vector<const Entry*> chain;
  FileId at = frn;
  for (int depth = 0; depth < 4096; ++depth) {  // a stale cache could hold a cycle
    auto it = entries_.find(at);
    if (it == entries_.end()) return std::nullopt;
    if (!it->second.absolute.empty()) {
      std::string path = it->second.absolute;
      for (auto e = chain.rbegin(); e != chain.rend(); ++e) path = join(path, (*e)->name);
      return path;
    }
    chain.push_back(&it->second);
    at = it->second.parent;
  }
  return std::nullopt;
}

void UsnTranslator::translate(std::string_view raw, int64_t time_ns, std::vector<ChangeRecord>& out) {
  if (raw.substr(0, kUsnNotePrefix.size()) == kUsnNotePrefix) return note(raw.substr(kUsnNotePrefix.size()), time_ns, out);
  auto r = parse_usn_record(raw);
  if (!r) {
    // Not a record we can read: we cannot say what changed, nor where.
    out.push_back({fs_id_, volume_, ChangeKind::RescanNeeded, true, time_ns, last_usn_});
    return;
  }
  last_usn_ = static_cast<uint64_t>(r->usn);
  record(*r, time_ns, out);
}

void UsnTranslator::note(std::string_view text, int64_t time_ns, std::vector<ChangeRecord>& out) {
  if (text.substr(0, 4) == "frn ") {
    // "frn <hex> dir|file <path>": an anchor learned from OpenFileById.
    text.remove_prefix(4);
    size_t sp1 = text.find(' '), sp2 = sp1 == std::string_view::npos ? sp1 : text.find(' ', sp1 + 1);
    auto frn = sp1 == std::string_view::npos ? std::nullopt : file_id_from_hex(text.substr(0, sp1));
    if (frn && sp2 != std::string_view::npos && sp2 + 1 < text.size()) {
      entries_[*frn] = Entry{{}, {}, text.substr(sp1 + 1, sp2 - sp1 - 1) == "dir", std::string(text.substr(sp2 + 1))};
      return;
    }
  }
  // journal-reset / unavailable / anything unknown: events were or may have
  // been lost, and renames we never saw make the FRN cache untrustworthy.
  forget_all();
  out.push_back({fs_id_, volume_, ChangeKind::Overflow, true, time_ns, last_usn_});
}

void UsnTranslator::record(const UsnRecord& r, int64_t time_ns, std::vector<ChangeRecord>& out) {
  uint64_t pos = static_cast<uint64_t>(r.usn);
  auto parent = path_of(r.parent_frn);
  if (!parent) {
    // The glue resolves unknown parents (a "frn" note) before this record; if
    // that failed the directory is gone or unreadable, and its place in the
    // tree is unknown: only a rescan of the volume is safe.
    out.push_back({fs_id_, volume_, ChangeKind::RescanNeeded, true, time_ns, pos});
    reported_.erase(r.frn);
    return;
  }
  // The root directory's record names itself as its parent ("." in "C:\"):
  // its path is the volume, and the anchor must stay as it is.
  bool root = r.frn == root_;
  std::string path = root ? volume_ : join(*parent, utf16_to_utf8(r.name));
  bool dir = r.is_dir();
  // NTFS writes a record each time a new reason bit joins the FRN's open
  // session, then one with CLOSE and all bits. We report each bit when it
  // first appears, not only at CLOSE: a file kept open for days (a database,
  // a log) must still reach the next snapshot. Writes after the first one add
  // no record, so the CLOSE record reports content and metadata once more:
  // only then is the final state known. Rename bits describe this record's
  // name (old or new), so they count on every record but the CLOSE one.
  uint32_t fresh = r.reason & ~reported_[r.frn];
  if (r.reason & kClose) {
    fresh |= r.reason & (kDataBits | kMetadataBits);
    reported_.erase(r.frn);
  } else {
    fresh |= r.reason & (kRenameOldName | kRenameNewName);
    reported_[r.frn] |= r.reason;
  }
  auto emit = [&](ChangeKind k, const std::string& p) { out.push_back({fs_id_, p, k, dir, time_ns, pos}); };

  if (fresh & kRenameOldName) emit(ChangeKind::RenamedFrom, path);
  if (fresh & kFileCreate) emit(ChangeKind::Created, path);
  if (fresh & kRenameNewName) emit(ChangeKind::RenamedTo, path);
  if (fresh & kHardLinkChange) {
    // A link added or removed under this name (removing one name of a file
    // that keeps another is no FILE_DELETE on NTFS but this): either way the
    // detector stats the name and its directory. Every other name of the
    // file has a new link count; we know at most the last name we saw.
    auto known = entries_.find(r.frn);
    if (known != entries_.end() && known->second.absolute.empty() &&
        (known->second.parent != r.parent_frn || known->second.name != utf16_to_utf8(r.name)))
      if (auto other = path_of(r.frn)) emit(ChangeKind::Attrib, *other);
    emit(ChangeKind::Created, path);
  }
  if (fresh & kFileDelete) {
    emit(ChangeKind::Deleted, path);
  } else {
    if (fresh & kDataBits) emit(ChangeKind::Modified, path);
    if (fresh & kMetadataBits) emit(ChangeKind::Attrib, path);
  }
  if (fresh & ~kKnownBits) emit(ChangeKind::RescanNeeded, path);  // a reason newer than this agent

  // Remember where the FRN lives now. The old name of a rename and a deleted
  // name are where it no longer is.
  if (root) return;  // an anchor: nothing to learn
  if (r.reason & kFileDelete) {
    auto e = entries_.find(r.frn);
    if (e != entries_.end() && e->second.parent == r.parent_frn && e->second.name == utf16_to_utf8(r.name)) entries_.erase(e);
  } else if (!(r.reason & kRenameOldName) || (r.reason & kRenameNewName)) {
    entries_[r.frn] = Entry{r.parent_frn, utf16_to_utf8(r.name), dir, {}};
  }
}

}  // namespace gb
