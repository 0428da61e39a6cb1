#include "core/cli/qr_text.h"

#include <qrencode.h>

#include <memory>

namespace gb {
namespace {

constexpr int kQuietZone = 4;

struct CodeFree {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

}  // namespace

Result<std::vector<std::string>> qr_text_lines(std::string_view text) {
  // Version 0: the smallest that holds the text; libqrencode picks the modes
  // (a share is all QR "alphanumeric" characters, 5.5 bits each).
  std::unique_ptr<QRcode, CodeFree> code(QRcode_encodeString(std::string(text).c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (!code) return make_error(ErrorKind::Unsupported, "the share is too long for a QR code");
  const int width = code->width, size = width + 2 * kQuietZone;
  auto dark = [&](int x, int y) {
    x -= kQuietZone;
    y -= kQuietZone;
    return x >= 0 && y >= 0 && x < width && y < width && (code->data[y * width + x] & 1);
  };
  std::vector<std::string> lines;
  for (int y = 0; y < size; y += 2) {
    std::string line;
    for (int x = 0; x < size; ++x) {
      const bool top = dark(x, y), bottom = dark(x, y + 1);
      line += top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ";
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace gb
