// The page's files (core/ui/web/), compiled into the binary by the build
// (cmake/embed_files.cmake writes ui_files.cpp from them).
#pragma once
#include <cstddef>
#include <cstdint>

namespace gb {

struct UiFile {
  const char* name;  // "index.html"
  const unsigned char* data;
  size_t size;
};

extern const UiFile kUiFiles[];
extern const size_t kUiFileCount;

}  // namespace gb
