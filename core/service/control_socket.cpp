#include "core/service/control_socket.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <vector>

#include "core/common/posix_error.h"

namespace gb {

namespace {

// A request or an answer is one short line; anything longer is not ours.
constexpr size_t kMaxLine = 1 << 20;
constexpr int kServerTimeoutSeconds = 5, kClientTimeoutSeconds = 10;

Result<sockaddr_un> socket_address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path))
    return make_error(ErrorKind::InvalidArgument,
                      fmt::format("the control socket's path {} is longer than a Unix socket's {} bytes; use a shorter state dir", path,
                                  sizeof(addr.sun_path) - 1));
  path.copy(addr.sun_path, path.size());
  return addr;
}

// A stream socket that no child process inherits (the agent, hooks).
int unix_socket() {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd >= 0) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  return fd;
}

void set_timeouts(int fd, int seconds) {
  timeval tv{seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// Reads up to the first newline (or the end); the line without it. errno is
// EAGAIN when the peer said nothing within the socket's timeout.
std::optional<std::string> read_line(int fd) {
  std::string line;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) return line;
    line.append(buf, static_cast<size_t>(n));
    if (size_t nl = line.find('\n'); nl != std::string::npos) return line.substr(0, nl);
    if (line.size() > kMaxLine) {
      errno = EMSGSIZE;
      return std::nullopt;
    }
  }
}

bool send_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

ControlPeer peer_of(int fd) {
  ControlPeer peer;
#ifdef SO_PEERCRED
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
    peer.uid = cred.uid;
    peer.pid = cred.pid;
  }
#else
  uid_t uid;
  gid_t gid;
  if (::getpeereid(fd, &uid, &gid) == 0) peer.uid = uid;
#endif
  peer.user = peer.uid >= 0 ? user_name_of(peer.uid) : "an unknown user";
  return peer;
}

// Whether something answers on `path` now: another service's socket, not a
// stale file left by a kill -9.
bool answered(const sockaddr_un& addr) {
  int fd = unix_socket();
  if (fd < 0) return false;
  bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// "user nobody (uid 65534)", or "uid 1234" for a uid with no name.
std::string who(int64_t uid) {
  std::string name = user_name_of(uid);
  return name == fmt::format("uid {}", uid) ? name : fmt::format("user {} (uid {})", name, uid);
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string control_socket_path(const std::string& state_dir) { return state_dir + "/" + kControlSocketName; }

std::string user_name_of(int64_t uid) {
  passwd pw{}, *found = nullptr;
  std::vector<char> buf(16384);
  if (::getpwuid_r(static_cast<uid_t>(uid), &pw, buf.data(), buf.size(), &found) == 0 && found && found->pw_name) return found->pw_name;
  return fmt::format("uid {}", uid);
}

Result<std::unique_ptr<ControlServer>> ControlServer::start(const std::string& state_dir, ControlHandler handler,
                                                            std::function<void(const std::string&)> log) {
  std::string path = control_socket_path(state_dir);
  GB_ASSIGN(sockaddr_un addr, socket_address(path));
  if (answered(addr))
    return make_error(ErrorKind::InvalidArgument,
                      fmt::format("another service runs with the state dir {} (it answers on {}); stop it first", state_dir, path));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return posix_error(fmt::format("cannot remove the stale control socket {}", path), errno);
  int fd = unix_socket();
  if (fd < 0) return posix_error("cannot make the control socket", errno);
  // The state dir is 0700 already; the socket is made 0600 as well, before
  // it listens, so it never accepts anyone the mode would keep out.
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 || ::chmod(path.c_str(), 0600) != 0 || ::listen(fd, 8) != 0) {
    Error e = posix_error(fmt::format("cannot listen on the control socket {}", path), errno);
    ::close(fd);
    return e;
  }
  return std::unique_ptr<ControlServer>(new ControlServer(fd, path, std::move(handler), std::move(log)));
}

ControlServer::ControlServer(int fd, std::string path, ControlHandler handler, std::function<void(const std::string&)> log)
    : fd_(fd), path_(std::move(path)), handler_(std::move(handler)), log_(std::move(log)) {
  thread_ = std::thread([this] { serve(); });
}

ControlServer::~ControlServer() {
  stopping_ = true;
  ::shutdown(fd_, SHUT_RDWR);  // wakes the accept
  if (thread_.joinable()) thread_.join();
  ::close(fd_);
  ::unlink(path_.c_str());
}

void ControlServer::serve() {
  while (!stopping_) {
    int client = ::accept(fd_, nullptr, nullptr);
    if (client < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (stopping_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // out of descriptors: try again soon
      continue;
    }
    ::fcntl(client, F_SETFD, FD_CLOEXEC);
    answer(client);
    ::close(client);
  }
}

void ControlServer::answer(int client) {
  set_timeouts(client, kServerTimeoutSeconds);
  ControlPeer peer = peer_of(client);
  // The request is read before anything is said, even to a peer that is
  // refused: closing on unread data would reset the connection and lose
  // the answer.
  auto line = read_line(client);
  nlohmann::json reply;
  const int64_t owner = static_cast<int64_t>(::geteuid());
  if (peer.uid != 0 && peer.uid != owner) {
    reply = {
        {"error", fmt::format("{} may not control this service: only root and the user it runs as ({}) may", who(peer.uid), user_name_of(owner))},
        {"refused", true}};
    log_(fmt::format("refused a control request from {}{}", who(peer.uid), peer.pid ? fmt::format(", pid {}", peer.pid) : ""));
  } else if (!line) {
    return;  // the client went away or said nothing: no one to answer
  } else {
    auto request = nlohmann::json::parse(*line, nullptr, false);
    if (!request.is_object()) {
      reply = {{"error", "the control request is not a JSON object"}};
    } else {
      try {
        reply = handler_(request, peer);
      } catch (const nlohmann::json::exception& e) {
        reply = {{"error", fmt::format("the control request is malformed: {}", e.what())}};
      }
    }
  }
  (void)send_all(client, reply.dump() + "\n");
}

Result<nlohmann::json> control_request(const std::string& state_dir, const nlohmann::json& request) {
  std::string path = control_socket_path(state_dir);
  GB_ASSIGN(sockaddr_un addr, socket_address(path));
  Fd s{unix_socket()};
  if (s.fd < 0) return posix_error("cannot make a socket to reach the service", errno);
  set_timeouts(s.fd, kClientTimeoutSeconds);
  if (::connect(s.fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    if (err == ENOENT || err == ECONNREFUSED || err == ENOTDIR)
      return make_error(ErrorKind::NotFound, fmt::format("no service runs with the state dir {} (nothing answers on {})", state_dir, path));
    if (err == EACCES || err == EPERM)
      return make_error(ErrorKind::Io, fmt::format("{} may not control the service of the state dir {}: only root and the user it runs as may",
                                                   who(::geteuid()), state_dir))
          .because(Cause::Permission);
    return posix_error(fmt::format("cannot reach the service's control socket {}", path), err);
  }
  if (!send_all(s.fd, request.dump() + "\n")) return posix_error(fmt::format("cannot send to the service's control socket {}", path), errno);
  auto line = read_line(s.fd);
  if (!line) {
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return make_error(ErrorKind::Transient,
                        fmt::format("the service with the state dir {} did not answer within {} s", state_dir, kClientTimeoutSeconds));
    return posix_error(fmt::format("no answer on the service's control socket {}", path), errno);
  }
  auto reply = nlohmann::json::parse(*line, nullptr, false);
  if (!reply.is_object()) return make_error(ErrorKind::Corrupt, fmt::format("the service on {} answered something that is not a JSON object", path));
  if (auto e = reply.find("error"); e != reply.end()) {
    std::string sentence = e->is_string() ? e->get<std::string>() : e->dump();
    auto r = reply.find("refused");
    bool refused = r != reply.end() && r->is_boolean() && r->get<bool>();
    if (refused) return make_error(ErrorKind::Io, sentence).because(Cause::Permission);
    return make_error(ErrorKind::InvalidArgument, sentence);
  }
  return reply;
}

}  // namespace gb
