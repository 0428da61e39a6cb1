#include "agents/macos/fsevents_event.h"

#include "core/journal/flag_names.h"

namespace gb::fsevents {
namespace {

constexpr FlagName kFlagNames[] = {
    {kMustScanSubDirs, "MustScanSubDirs"},
    {kUserDropped, "UserDropped"},
    {kKernelDropped, "KernelDropped"},
    {kEventIdsWrapped, "EventIdsWrapped"},
    {kHistoryDone, "HistoryDone"},
    {kRootChanged, "RootChanged"},
    {kMount, "Mount"},
    {kUnmount, "Unmount"},
    {kItemCreated, "ItemCreated"},
    {kItemRemoved, "ItemRemoved"},
    {kItemInodeMetaMod, "ItemInodeMetaMod"},
    {kItemRenamed, "ItemRenamed"},
    {kItemModified, "ItemModified"},
    {kItemFinderInfoMod, "ItemFinderInfoMod"},
    {kItemChangeOwner, "ItemChangeOwner"},
    {kItemXattrMod, "ItemXattrMod"},
    {kItemIsFile, "ItemIsFile"},
    {kItemIsDir, "ItemIsDir"},
    {kItemIsSymlink, "ItemIsSymlink"},
    {kOwnEvent, "OwnEvent"},
    {kItemIsHardlink, "ItemIsHardlink"},
    {kItemIsLastHardlink, "ItemIsLastHardlink"},
    {kItemCloned, "ItemCloned"},
};

}  // namespace

std::string encode_fsevent(const FsEvent& e) {
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(e.id >> (8 * i)));
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(e.flags >> (8 * i)));
  out += e.path;
  return out;
}

std::optional<FsEvent> decode_fsevent(std::string_view f) {
  if (f.size() < 12) return std::nullopt;
  FsEvent e;
  for (int i = 0; i < 8; ++i) e.id |= static_cast<uint64_t>(static_cast<uint8_t>(f[i])) << (8 * i);
  for (int i = 0; i < 4; ++i) e.flags |= static_cast<uint32_t>(static_cast<uint8_t>(f[8 + i])) << (8 * i);
  e.path = std::string(f.substr(12));
  return e;
}

std::string flag_names(uint32_t flags) { return gb::flag_names(flags, kFlagNames, "None"); }

std::optional<uint32_t> flags_from_names(std::string_view names) { return gb::flags_from_names(names, kFlagNames, "None"); }

}  // namespace gb::fsevents
