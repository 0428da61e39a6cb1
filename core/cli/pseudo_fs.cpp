#include "core/cli/pseudo_fs.h"

#include <linux/magic.h>
#include <sys/vfs.h>

namespace gb {

std::optional<std::string> pseudo_filesystem(const std::string& path) {
  struct statfs st;
  if (::statfs(path.c_str(), &st) != 0) return std::nullopt;  // the scan says why it cannot be read
  // tmpfs and devtmpfs are not here: they hold real files and device nodes.
  switch (static_cast<unsigned long>(st.f_type)) {
    case PROC_SUPER_MAGIC: return "proc";
    case SYSFS_MAGIC: return "sysfs";
    case DEBUGFS_MAGIC: return "debugfs";
    case TRACEFS_MAGIC: return "tracefs";
    case SECURITYFS_MAGIC: return "securityfs";
    case CGROUP_SUPER_MAGIC: return "cgroup";
    case CGROUP2_SUPER_MAGIC: return "cgroup2";
    case PSTOREFS_MAGIC: return "pstore";
    case EFIVARFS_MAGIC: return "efivarfs";
    case SELINUX_MAGIC: return "selinuxfs";
    case SMACK_MAGIC: return "smackfs";
    case BINFMTFS_MAGIC: return "binfmt_misc";
    case DEVPTS_SUPER_MAGIC: return "devpts";
    case NSFS_MAGIC: return "nsfs";
    case BPF_FS_MAGIC: return "bpf";
    case 0x62656570: return "configfs";  // CONFIGFS_MAGIC, not in <linux/magic.h>
    case 0x65735543: return "fusectl";   // FUSE_CTL_SUPER_MAGIC, likewise
    case 0x19800202: return "mqueue";    // MQUEUE_MAGIC, likewise
    default: return std::nullopt;
  }
}

}  // namespace gb
