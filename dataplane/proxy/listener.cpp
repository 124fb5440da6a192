#include "proxy/listener.h"

#include <sys/socket.h>

#include <cerrno>

namespace snigate::proxy {
namespace {

// Out of descriptors or memory: retrying at once would spin, so accepting pauses this long.
constexpr auto kResourcePause = std::chrono::milliseconds(100);
// Connections accepted per wake, so that a flood of new clients cannot starve established ones.
constexpr std::size_t kAcceptBatch = 64;

bool is_resource_exhaustion(int error) {
  return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
}

}  // namespace

Listener::Listener(io::EventLoop& loop, Sink& sink, const boost::asio::ip::tcp::endpoint& endpoint,
                   const ListenerSocketOptions& options)
    : loop_(loop), sink_(sink), fd_(open_listener(endpoint, options)), expects_proxy_header_(options.expects_proxy_header),
      scope_(options.scope) {}

Listener::~Listener() { loop_.disarm(*this); }

void Listener::start() {
  // Level-triggered: a batch that stops before EAGAIN is woken again by the next wait.
  registered_ = loop_.add(fd_.get(), EPOLLIN, *this);
}

void Listener::close() {
  if (!fd_) return;
  loop_.disarm(*this);
  // A listener in an SO_REUSEPORT group resets the connections in its own accept queue when it
  // closes; those clients have done nothing wrong, so they are taken in and served first.
  while (accept_batch(kAcceptBatch) == Batch::full) {
  }
  if (registered_) loop_.remove(fd_.get());
  fd_.reset();
}

void Listener::on_ready(std::uint32_t, unsigned) {
  if (fd_ && accept_batch(kAcceptBatch) == Batch::out_of_resources) pause();
}

void Listener::on_timer() {
  if (fd_ && !registered_) registered_ = loop_.add(fd_.get(), EPOLLIN, *this);
}

Listener::Batch Listener::accept_batch(std::size_t most) {
  for (std::size_t accepted = 0; accepted < most; ++accepted) {
    boost::asio::ip::tcp::endpoint peer;
    socklen_t size = static_cast<socklen_t>(peer.capacity());
    int client = ::accept4(fd_.get(), peer.data(), &size, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EPERM || errno == EPROTO) continue;
      return is_resource_exhaustion(errno) ? Batch::out_of_resources : Batch::drained;
    }
    peer.resize(size);
    sink_.on_accepted(io::UniqueFd(client), peer, expects_proxy_header_, scope_);
  }
  return Batch::full;
}

void Listener::pause() {
  sink_.on_accept_paused();
  if (registered_) {
    loop_.remove(fd_.get());
    registered_ = false;
  }
  loop_.arm(*this, loop_.now() + kResourcePause);
}

}  // namespace snigate::proxy
