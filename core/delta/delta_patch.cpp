#include "core/delta/delta_patch.h"

#include "core/delta/delta_patcher.h"

namespace gb {

Status apply_delta(int base_fd, ByteView delta, int out_fd) {
  DeltaPatcher patcher(base_fd, out_fd);
  GB_CHECK(patcher.update(delta));
  return patcher.finish();
}

}  // namespace gb
