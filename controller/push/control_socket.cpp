#include "push/control_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace snigate::controller::push {
namespace {

constexpr std::size_t kMaxAnswerBytes = 64 * 1024 * 1024;

std::string failure(const std::string& what, const std::string& path) {
  return what + " (control socket " + path + "): " + std::strerror(errno);
}

}  // namespace

ControlSocketConnection::ControlSocketConnection(const std::string& path) : path_(path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) throw ControlSocketError("control socket path is too long: " + path);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw ControlSocketError(failure("socket", path));
  timeval timeout{kExchangeTimeout.count(), 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    const std::string message = failure("connect", path);
    ::close(fd_);
    throw ControlSocketError(message);
  }
}

ControlSocketConnection::~ControlSocketConnection() { ::close(fd_); }

void ControlSocketConnection::write_all(const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t written = ::send(fd_, data, size, MSG_NOSIGNAL);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) throw ControlSocketError(failure("write", path_));
    data += written;
    size -= static_cast<std::size_t>(written);
  }
}

void ControlSocketConnection::read_all(char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t got = ::recv(fd_, data, size, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got == 0) throw ControlSocketError("the dataplane closed the control socket " + path_);
    if (got < 0) throw ControlSocketError(failure("read", path_));
    data += got;
    size -= static_cast<std::size_t>(got);
  }
}

std::string ControlSocketConnection::exchange(std::string_view request) {
  const auto length = static_cast<std::uint32_t>(request.size());
  const std::array<char, 4> prefix{static_cast<char>(length >> 24), static_cast<char>(length >> 16),
                                   static_cast<char>(length >> 8), static_cast<char>(length)};
  write_all(prefix.data(), prefix.size());
  write_all(request.data(), request.size());
  std::array<unsigned char, 4> header{};
  read_all(reinterpret_cast<char*>(header.data()), header.size());
  const std::size_t answer_length = (std::size_t{header[0]} << 24) | (std::size_t{header[1]} << 16) |
                                    (std::size_t{header[2]} << 8) | header[3];
  if (answer_length > kMaxAnswerBytes) throw ControlSocketError("answer of " + std::to_string(answer_length) + " bytes is too large");
  std::string answer(answer_length, '\0');
  read_all(answer.data(), answer.size());
  return answer;
}

bool ControlSocketConnection::peer_closed() const {
  pollfd descriptor{fd_, POLLIN | POLLRDHUP, 0};
  if (::poll(&descriptor, 1, 0) <= 0) return false;
  if (descriptor.revents & (POLLHUP | POLLRDHUP | POLLERR)) return true;
  char byte;
  return ::recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

}  // namespace snigate::controller::push
