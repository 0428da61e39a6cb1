#include "core/storage/tahoe_backend.h"

#include <fmt/format.h>
#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/common/number_text.h"
#include "core/storage/object_range.h"
#include "core/storage/remote_options.h"

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

// The meaningful line of an error body, without the cap in it.
std::string error_line(const Bytes& body, const std::string& cap, const std::string& shown_cap) {
  std::string text = tahoe_error_text(to_string(body));
  if (text.size() > 300) text = text.substr(0, 300) + "…";
  for (size_t at; !cap.empty() && (at = text.find(cap)) != std::string::npos;) text.replace(at, cap.size(), shown_cap);
  return text;
}

std::string trimmed(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> nonempty_lines(std::string_view text) {
  std::vector<std::string> out;
  for (size_t at = 0; at <= text.size();) {
    size_t end = std::min(text.find('\n', at), text.size());
    if (std::string line = trimmed(text.substr(at, end - at)); !line.empty()) out.push_back(std::move(line));
    at = end + 1;
  }
  return out;
}

// The text of an HTML page: tags dropped, the common entities decoded.
std::string html_text(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<')
      in_tag = true;
    else if (c == '>')
      in_tag = false;
    else if (!in_tag)
      out += c;
  }
  for (auto [entity, plain] : {std::pair{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&#x27;", "'"}, {"&amp;", "&"}})
    for (size_t at; (at = out.find(entity)) != std::string::npos;) out.replace(at, std::strlen(entity), plain);
  return out;
}

// The first whole number after `marker` in `text`.
std::optional<unsigned> number_after(const std::string& text, const std::string& marker) {
  size_t at = text.find(marker);
  if (at == std::string::npos) return std::nullopt;
  at += marker.size();
  size_t end = text.find_first_not_of("0123456789", at);
  if (end == at) return std::nullopt;
  auto n = parse_uint(std::string_view(text).substr(at, end == std::string::npos ? std::string::npos : end - at), UINT32_MAX);
  if (!n) return std::nullopt;
  return static_cast<unsigned>(*n);
}

}  // namespace

Result<TahoeConfig> parse_tahoe_config(const StorageUrl& url) {
  std::vector<std::string_view> known = {"scheme"};
  for (auto name : remote_option_names(/*with_ca_file=*/true)) known.push_back(name);
  GB_CHECK(url.check_params(known));
  auto invalid = [&](const std::string& why) {
    return make_error(ErrorKind::InvalidArgument, fmt::format("this tahoe:// URL is not usable: {}", why));
  };
  if (!url.user.empty() || url.password) return invalid("it must not contain a user name or password");
  TahoeConfig c;
  std::string scheme = url.param("scheme", "http");
  if (scheme != "http" && scheme != "https") return invalid("scheme must be http or https");
  c.base = scheme + "://" + url.authority();
  const std::string& path = url.path;
  if (path.rfind("/uri/", 0) != 0) return invalid("the path must be /uri/DIRCAP (tahoe://127.0.0.1:3456/uri/URI:DIR2:...)");
  std::string rest = path.substr(5);
  size_t slash = rest.find('/');
  c.dircap = rest.substr(0, slash);
  if (c.dircap.rfind("URI:DIR2", 0) != 0) return invalid(fmt::format("'{}' is not a directory cap (URI:DIR2:...)", redact_cap(c.dircap)));
  if (slash != std::string::npos) {
    c.subpath = rest.substr(slash + 1);
    while (!c.subpath.empty() && c.subpath.back() == '/') c.subpath.pop_back();
  }
  GB_ASSIGN(RemoteOptions remote, read_remote_options(url, invalid));
  c.retry = remote.retry;
  c.http = remote.http;
  return c;
}

namespace {

// The node's answers are read with nlohmann-json (Debian: nlohmann-json3-dev),
// without exceptions; ordered_json keeps a directory's children in document order.
using Json = nlohmann::ordered_json;

Result<Json> parse_answer(std::string_view text) {
  Json root = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return malformed("not JSON");
  return root;
}

// [type, {...}] with a string type, as every t=json answer is.
bool is_node(const Json& v) { return v.is_array() && v.size() == 2 && v[0].is_string() && v[1].is_object(); }

// A file's "size": a non-negative integer that fits 64 bits, read exactly.
std::optional<uint64_t> size_of(const Json& info) {
  auto it = info.find("size");
  if (it == info.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<uint64_t>();
}

}  // namespace

Result<std::vector<TreeEntry>> parse_tahoe_children(std::string_view json) {
  GB_ASSIGN(Json root, parse_answer(json));
  if (!is_node(root) || root[0] != "dirnode") return make_error(ErrorKind::NotFound, "not a Tahoe-LAFS directory");
  auto children = root[1].find("children");
  if (children == root[1].end() || !children->is_object()) return malformed("a directory without \"children\"");
  std::vector<TreeEntry> out;
  for (const auto& [name, node] : children->items()) {
    if (!is_node(node)) return malformed(fmt::format("the child '{}' is not [type, {{...}}]", name));
    TreeEntry e;
    e.name = name;
    e.is_dir = node[0] == "dirnode";
    e.is_file = node[0] == "filenode";
    if (e.is_file) {
      auto n = size_of(node[1]);
      if (!n) return malformed(fmt::format("the file '{}' has no size", name));
      e.size = *n;
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<uint64_t> parse_tahoe_file_size(std::string_view json) {
  GB_ASSIGN(Json root, parse_answer(json));
  if (!is_node(root)) return malformed("not [type, {...}]");
  if (root[0] != "filenode") return make_error(ErrorKind::NotFound, "not a file");
  auto n = size_of(root[1]);
  if (!n) return malformed("a file without a size");
  return *n;
}

std::string tahoe_error_text(std::string_view body) {
  std::string text = trimmed(body);
  if (!text.empty() && text[0] == '<') {
    auto lines = nonempty_lines(html_text(text));
    return lines.empty() ? "" : lines.back();  // Twisted's error page: title, heading, then the message
  }
  auto lines = nonempty_lines(text);
  if (lines.empty()) return "";
  if (lines.front().rfind("Traceback (most recent call last)", 0) == 0) return lines.back();
  return lines.front();
}

// The three forms of allmydata/util/happinessutil.py failure_message().
std::optional<std::string> tahoe_unhappiness(std::string_view line_view) {
  std::string line(line_view);
  if (line.find("UploadUnhappinessError") == std::string::npos) return std::nullopt;
  auto happy = number_after(line, "at least ");
  if (line.find("not spread out evenly") != std::string::npos)
    return happy ? fmt::format("the reachable storage servers cannot hold the shares spread over {} of them", *happy)
                 : std::string("the reachable storage servers cannot hold the shares spread out enough");
  auto placed = number_after(line, "on only ");
  if (!placed || !happy) return std::string("too few storage servers are reachable");
  return fmt::format("only {} of the {} storage servers needed {} reachable", *placed, *happy, *placed == 1 ? "is" : "are");
}

Result<std::unique_ptr<Backend>> TahoeBackend::open(const StorageUrl& url) {
  GB_ASSIGN(TahoeConfig config, parse_tahoe_config(url));
  std::string shown = "tahoe://" + url.authority() + "/uri/" + redact_cap(config.dircap) + (config.subpath.empty() ? "" : "/" + config.subpath);
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
  request.url = config_.base + "/uri/" + encode_cap(config_.dircap) + (below.empty() ? "" : "/") + percent_encode(below, true) +
                (query.empty() ? "" : "?" + query);
  request.label = shown_url_ + (path.empty() ? "" : "/" + path);
  request.headers = std::move(headers);
  // Errors as a line of text rather than an HTML page with a traceback.
  request.headers.emplace_back("Accept", "text/plain");
  request.body = body;
  return config_.retry.run([&]() -> Result<HttpResponse> {
    GB_ASSIGN(HttpResponse response, http_.perform(request));
    if ((response.status >= 200 && response.status < 300) || std::find(accepted.begin(), accepted.end(), response.status) != accepted.end())
      return response;
    // 410 Gone: too few storage servers hold shares right now, which the
    // grid may well fix (servers come back); worth retrying.
    ErrorKind kind = response.status == 410 ? ErrorKind::Transient : http_status_kind(response.status);
    std::string line = error_line(response.body, config_.dircap, redact_cap(config_.dircap));
    // Two 500s that no retry fixes: too few storage servers for shares.happy
    // (the node tried them all already), and a write through a read-only cap.
    if (auto unhappy = tahoe_unhappiness(line)) {
      kind = ErrorKind::Permanent;
      line = *unhappy + " (shares.happy in the node's tahoe.cfg)";
    } else if (line.find("NotWriteableError") != std::string::npos) {
      kind = ErrorKind::Permanent;
      line = "the directory cap is read-only (URI:DIR2-RO:): it can read this repository but not write to it";
    }
    return make_error(kind,
                      fmt::format("Tahoe-LAFS {} {} failed: HTTP {}{}{}", method, request.label, response.status, line.empty() ? "" : ": ", line));
  });
}

Status TahoeBackend::create() {
  if (!config_.subpath.empty()) {
    // Makes the directory and any missing parents; a no-op if it exists.
    GB_CHECK(send("POST", "", "t=mkdir", {}, {}));
  }
  GB_ASSIGN(bool there, exists());
  if (!there) return make_error(ErrorKind::Permanent, fmt::format("{} is not a Tahoe-LAFS directory that this node can open", shown_url_));
  return {};
}

Result<bool> TahoeBackend::exists() {
  GB_ASSIGN(HttpResponse response, send("GET", "", "t=json", {}, {}, {404}));
  if (response.status == 404) return false;
  // A cap the node cannot parse (a character missing, say) is no error to it:
  // it answers 200 ["unknown", {}].
  if (auto root = parse_answer(to_string(response.body)); root && root->is_array() && !root->empty() && (*root)[0] == "unknown")
    return make_error(ErrorKind::InvalidArgument,
                      fmt::format("the Tahoe-LAFS node does not recognise {} as a cap (is it complete?)", redact_cap(config_.dircap)));
  auto children = parse_tahoe_children(to_string(response.body));
  if (!children && children.error().kind != ErrorKind::NotFound) return children.error();
  return children.ok();
}

Status TahoeBackend::ensure_dir(const std::string& dir) {
  if (dir.empty()) return {};  // the repository root: made by create()
  std::mutex* dir_mu;
  {
    std::lock_guard lock(dirs_mu_);
    if (known_dirs_.count(dir)) return {};
    auto& m = dir_mu_[dir];
    if (!m) m = std::make_unique<std::mutex>();
    dir_mu = m.get();
  }
  if (size_t slash = dir.rfind('/'); slash != std::string::npos) GB_CHECK(ensure_dir(dir.substr(0, slash)));
  std::lock_guard making(*dir_mu);  // one maker per directory in this process: the others wait, then find it made
  {
    std::lock_guard lock(dirs_mu_);
    if (known_dirs_.count(dir)) return {};  // another thread made it meanwhile
  }
  // Listed already (an existing repository): a lookup is much cheaper than
  // a write of the parent, which is a mutable file.
  GB_ASSIGN(bool there, is_dir(dir));
  if (!there) {
    // Makes the directory in its (existing) parent with replace=false: the
    // node holds the parent's write lock while it adds the child, so of
    // concurrent makers (other processes, other hosts through this node) the
    // first wins and the others get 409. DIR?t=mkdir would not do: when DIR
    // is missing, each maker links a new directory over the others' and
    // their children are lost.
    size_t slash = dir.rfind('/');
    std::string parent = slash == std::string::npos ? "" : dir.substr(0, slash);
    std::string leaf = slash == std::string::npos ? dir : dir.substr(slash + 1);
    GB_CHECK(send("POST", parent, "t=mkdir&replace=false&name=" + percent_encode(leaf, false), {}, {}, {409}));
    GB_ASSIGN(there, is_dir(dir));
    if (!there) return make_error(ErrorKind::NotFound, fmt::format("{}/{} vanished as it was made", shown_url_, dir));
  }
  std::lock_guard lock(dirs_mu_);
  known_dirs_.insert(dir);
  return {};
}

Result<bool> TahoeBackend::is_dir(const std::string& dir) {
  GB_ASSIGN(HttpResponse listing, send("GET", dir, "t=json", {}, {}, {404}));
  if (listing.status == 404) return false;
  auto children = parse_tahoe_children(to_string(listing.body));
  if (children) return true;
  if (children.error().kind != ErrorKind::NotFound) return children.error();
  return make_error(ErrorKind::Permanent, fmt::format("{}/{} is a file, not a directory: objects cannot be stored below it", shown_url_, dir));
}

void TahoeBackend::forget_dir(const std::string& dir) {
  std::lock_guard lock(dirs_mu_);
  for (std::string d = dir; !d.empty();) {  // its parents too: one of them may have been replaced
    known_dirs_.erase(d);
    size_t slash = d.rfind('/');
    d = slash == std::string::npos ? "" : d.substr(0, slash);
  }
}

Result<bool> TahoeBackend::linked(const std::string& name) {
  GB_ASSIGN(HttpResponse response, send("GET", name, "t=json", {}, {}, {404}));
  if (response.status == 404) return false;
  auto size = parse_tahoe_file_size(to_string(response.body));
  if (!size && size.error().kind != ErrorKind::NotFound) return size.error();
  return size.ok();
}

Status TahoeBackend::put(const std::string& name, ByteView data) {
  size_t slash = name.rfind('/');
  std::string dir = slash == std::string::npos ? "" : name.substr(0, slash);
  for (int attempt = 1;; ++attempt) {
    Status made = ensure_dir(dir);
    // NotFound: a parent vanished between making and listing (replaced by another maker).
    if (!made && made.error().kind != ErrorKind::NotFound) return made;
    if (made) {
      // format=CHK: an immutable file, whatever the node's default for new files.
      GB_CHECK(send("PUT", name, "format=CHK", {}, data));
      GB_ASSIGN(bool listed, linked(name));
      if (listed) return {};
    }
    // Someone linked a new directory over ours meanwhile (another host making it too).
    forget_dir(dir);
    if (attempt >= config_.retry.attempts)
      return make_error(ErrorKind::Transient, fmt::format("Tahoe-LAFS PUT {}/{}: the object is still not linked in its directory after {} "
                                                          "attempts (another process may be making the same directories)",
                                                          shown_url_, name, attempt));
    config_.retry.wait_before(attempt + 1);
  }
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
  return list_tree(
      prefix, [this](const std::string& dir) { return read_dir(dir); }, "");
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
