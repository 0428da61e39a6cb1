#include "core/storage/tahoe_backend.h"

#include <algorithm>
#include <fmt/format.h>

#include "core/storage/json_value.h"
#include "core/storage/object_range.h"

namespace gb {
namespace {

// "URI:DIR2:abcd…": enough to tell caps apart, too little to use one.
std::string redact_cap(const std::string& cap) {
  size_t type_end = cap.find(':', 4);
  if (type_end == std::string::npos) return "URI:…";
  return cap.substr(0, std::min(cap.size(), type_end + 5)) + "…";
}

// The web API takes the cap as one path segment with its colons escaped.
std::string encode_cap(const std::string& cap) { return percent_encode(cap, false); }

Error malformed(const std::string& what) {
  return make_error(ErrorKind::Corrupt, fmt::format("the Tahoe-LAFS node sent an unexpected answer: {}", what));
}

// The first line of a plain-text error body, without the cap in it.
std::string error_line(const Bytes& body, const std::string& cap, const std::string& shown_cap) {
  std::string text = to_string(body);
  text = text.substr(0, text.find('\n'));
  if (text.size() > 300) text = text.substr(0, 300) + "…";
  for (size_t at; !cap.empty() && (at = text.find(cap)) != std::string::npos;) text.replace(at, cap.size(), shown_cap);
  return text;
}

}  // namespace

Result<TahoeConfig> parse_tahoe_config(const StorageUrl& url) {
  GB_CHECK(url.check_params({"scheme", "retries", "timeout", "limit-upload", "ca-file"}));
  auto invalid = [&](const std::string& why) {
    return make_error(ErrorKind::InvalidArgument, fmt::format("this tahoe:// URL is not usable: {}", why));
  };
  if (!url.user.empty() || url.password) return invalid("it must not contain a user name or password");
  TahoeConfig c;
  std::string scheme = url.param("scheme", "http");
  if (scheme != "http" && scheme != "https") return invalid("scheme must be http or https");
  c.base = scheme + "://" + url.authority();
  const std::string& path = url.path;
  if (path.rfind("/uri/", 0) != 0)
    return invalid("the path must be /uri/DIRCAP (tahoe://127.0.0.1:3456/uri/URI:DIR2:...)");
  std::string rest = path.substr(5);
  size_t slash = rest.find('/');
  c.dircap = rest.substr(0, slash);
  if (c.dircap.rfind("URI:DIR2", 0) != 0)
    return invalid(fmt::format("'{}' is not a directory cap (URI:DIR2:...)", redact_cap(c.dircap)));
  if (slash != std::string::npos) {
    c.subpath = rest.substr(slash + 1);
    while (!c.subpath.empty() && c.subpath.back() == '/') c.subpath.pop_back();
  }
  GB_ASSIGN(uint64_t retries, url.number_param("retries", 4));
  if (retries > 20) return invalid("retries must be at most 20");
  c.retry.attempts = static_cast<int>(retries) + 1;
  GB_ASSIGN(uint64_t timeout, url.number_param("timeout", 60));
  if (timeout == 0 || timeout > 3600) return invalid("timeout must be from 1 to 3600 seconds");
  c.http.stall_timeout_seconds = static_cast<long>(timeout);
  c.http.connect_timeout_seconds = std::min<long>(10, static_cast<long>(timeout));
  GB_ASSIGN(uint64_t limit_kib, url.number_param("limit-upload", 0));
  c.http.max_upload_bytes_per_second = limit_kib * 1024;
  c.http.ca_file = url.param("ca-file");
  return c;
}

Result<std::vector<TreeEntry>> parse_tahoe_children(std::string_view json) {
  GB_ASSIGN(JsonValue root, parse_json(json));
  if (root.type != JsonValue::Type::Array || root.items.size() != 2 || root.items[0].text != "dirnode")
    return make_error(ErrorKind::NotFound, "not a Tahoe-LAFS directory");
  const JsonValue* children = root.items[1].get("children");
  if (!children || children->type != JsonValue::Type::Object) return malformed("a directory without \"children\"");
  std::vector<TreeEntry> out;
  for (const auto& [name, node] : children->members) {
    if (node.type != JsonValue::Type::Array || node.items.size() != 2 || !node.items[0].is_string())
      return malformed(fmt::format("the child '{}' is not [type, {{...}}]", name));
    TreeEntry e;
    e.name = name;
    e.is_dir = node.items[0].text == "dirnode";
    e.is_file = node.items[0].text == "filenode";
    if (e.is_file) {
      const JsonValue* size = node.items[1].get("size");
      auto n = size ? size->as_uint() : std::nullopt;
      if (!n) return malformed(fmt::format("the file '{}' has no size", name));
      e.size = *n;
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<uint64_t> parse_tahoe_file_size(std::string_view json) {
  GB_ASSIGN(JsonValue root, parse_json(json));
  if (root.type != JsonValue::Type::Array || root.items.size() != 2 || !root.items[0].is_string())
    return malformed("not [type, {...}]");
  if (root.items[0].text != "filenode") return make_error(ErrorKind::NotFound, "not a file");
  const JsonValue* size = root.items[1].get("size");
  auto n = size ? size->as_uint() : std::nullopt;
  if (!n) return malformed("a file without a size");
  return *n;
}

Result<std::unique_ptr<Backend>> TahoeBackend::open(const StorageUrl& url) {
  GB_ASSIGN(TahoeConfig config, parse_tahoe_config(url));
  std::string shown = "tahoe://" + url.authority() + "/uri/" + redact_cap(config.dircap) +
                      (config.subpath.empty() ? "" : "/" + config.subpath);
  return std::unique_ptr<Backend>(new TahoeBackend(shown, std::move(config)));
}

TahoeBackend::TahoeBackend(std::string shown_url, TahoeConfig config)
    : shown_url_(std::move(shown_url)), config_(std::move(config)), http_(config_.http) {}

Result<HttpResponse> TahoeBackend::send(const std::string& method, const std::string& path, const std::string& query,
                                        std::vector<std::pair<std::string, std::string>> headers, ByteView body,
                                        std::initializer_list<long> accepted) {
  std::string below = config_.subpath;
  if (!path.empty()) below += (below.empty() ? "" : "/") + path;
  HttpRequest request;
  request.method = method;
  request.url = config_.base + "/uri/" + encode_cap(config_.dircap) + (below.empty() ? "" : "/") +
                percent_encode(below, true) + (query.empty() ? "" : "?" + query);
  request.label = shown_url_ + (path.empty() ? "" : "/" + path);
  request.headers = std::move(headers);
  // Errors as a line of text rather than an HTML page with a traceback.
  request.headers.emplace_back("Accept", "text/plain");
  request.body = body;
  return config_.retry.run([&]() -> Result<HttpResponse> {
    GB_ASSIGN(HttpResponse response, http_.perform(request));
    if ((response.status >= 200 && response.status < 300) ||
        std::find(accepted.begin(), accepted.end(), response.status) != accepted.end())
      return response;
    // 410 Gone: too few storage servers hold shares right now, which the
    // grid may well fix (servers come back); worth retrying.
    ErrorKind kind = response.status == 410 ? ErrorKind::Transient : http_status_kind(response.status);
    std::string line = error_line(response.body, config_.dircap, redact_cap(config_.dircap));
    return make_error(kind, fmt::format("Tahoe-LAFS {} {} failed: HTTP {}{}{}", method, request.label, response.status,
                                        line.empty() ? "" : ": ", line));
  });
}

Status TahoeBackend::create() {
  if (!config_.subpath.empty()) {
    // Makes the directory and any missing parents; a no-op if it exists.
    GB_CHECK(send("POST", "", "t=mkdir", {}, {}));
  }
  GB_ASSIGN(bool there, exists());
  if (!there)
    return make_error(ErrorKind::Permanent, fmt::format("{} is not a Tahoe-LAFS directory that this node can open", shown_url_));
  return {};
}

Result<bool> TahoeBackend::exists() {
  GB_ASSIGN(HttpResponse response, send("GET", "", "t=json", {}, {}, {404}));
  if (response.status == 404) return false;
  auto children = parse_tahoe_children(to_string(response.body));
  if (!children && children.error().kind != ErrorKind::NotFound) return children.error();
  return children.ok();
}

Status TahoeBackend::put(const std::string& name, ByteView data) {
  // format=CHK: an immutable file, whatever the node's default for new files.
  GB_CHECK(send("PUT", name, "format=CHK", {}, data));
  return {};
}

Result<Bytes> TahoeBackend::get(const std::string& name) {
  GB_ASSIGN(HttpResponse response, send("GET", name, "", {}, {}));
  return std::move(response.body);
}

Result<Bytes> TahoeBackend::get_range(const std::string& name, uint64_t offset, uint64_t length) {
  if (length == 0) return empty_range(*this, name, offset);
  GB_ASSIGN(HttpResponse response, send("GET", name, "", {{"Range", http_range(offset, length)}}, {}, {416}));
  return http_range_body(response.status, std::move(response.body), name, offset, length);
}

Result<std::vector<TreeEntry>> TahoeBackend::read_dir(const std::string& dir) {
  GB_ASSIGN(HttpResponse response, send("GET", dir, "t=json", {}, {}));
  return parse_tahoe_children(to_string(response.body));
}

Result<std::vector<ObjectInfo>> TahoeBackend::list(const std::string& prefix) {
  return list_tree(prefix, [this](const std::string& dir) { return read_dir(dir); }, "");
}

Result<ObjectInfo> TahoeBackend::stat(const std::string& name) {
  GB_ASSIGN(HttpResponse response, send("GET", name, "t=json", {}, {}));
  auto size = parse_tahoe_file_size(to_string(response.body));
  if (!size && size.error().kind == ErrorKind::NotFound)
    return make_error(ErrorKind::NotFound, fmt::format("{}/{} is a directory, not an object", shown_url_, name));
  if (!size) return size.error();
  return ObjectInfo{name, *size};
}

Status TahoeBackend::remove(const std::string& name) {
  GB_CHECK(send("DELETE", name, "", {}, {}, {404}));
  return {};
}

}  // namespace gb
