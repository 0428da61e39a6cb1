#include "core/cli/listen_address.h"

#include <fmt/format.h>

#include "core/common/number_text.h"

namespace gb {

Result<std::pair<std::string, int>> listen_address(const std::string& text, const std::string& option) {
  std::string host = text, port_text = "0";
  size_t colon = text.rfind(':');
  if (colon != std::string::npos && (text.front() != '[' || text[colon - 1] == ']')) {
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  auto port = parse_uint(port_text, 65535);
  if (!port || host.empty())
    return make_error(ErrorKind::InvalidArgument, fmt::format("--{} takes HOST:PORT (as 127.0.0.1:8080), not '{}'", option, text));
  return std::pair<std::string, int>(host, static_cast<int>(*port));
}

}  // namespace gb
