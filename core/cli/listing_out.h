// Where a streamed listing's text goes (find, diff): stdout for the command
// line, a string for the web page, piece by piece.
#pragma once
#include <functional>
#include <string_view>

namespace gb {

// Takes the next piece; false: the reader went away, stop.
using ListingOut = std::function<bool(std::string_view)>;

}  // namespace gb
