#include "core/cli/json.h"

#include <cmath>

namespace gb {

std::string json_text(const Json& value) { return value.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace); }

std::string json_string(std::string_view s) { return json_text(Json(std::string(s))); }

double json_seconds(double seconds) { return std::round(seconds * 1000) / 1000; }

}  // namespace gb
