// A QR code drawn as text (libqrencode, Debian: libqrencode-dev), for the
// recovery sheets: two rows of modules per line with the UTF-8 half blocks
// (▀ ▄ █), dark modules as ink, inside the 4-module quiet zone scanners need.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.h"

namespace gb {

// The lines of the code for `text` (error correction level M: a sheet
// survives a coffee stain). Unsupported when the text is too long for a QR code.
Result<std::vector<std::string>> qr_text_lines(std::string_view text);

}  // namespace gb
