// Accepts client connections on one address for one worker. Registered once, level-triggered, in
// the worker's epoll set; each wake accepts a batch with accept4 (non-blocking, close-on-exec, the
// peer's address in the same call) and hands every socket on at once. On EMFILE/ENFILE/ENOBUFS/
// ENOMEM it stops listening for a moment instead of spinning. Closing accepts what the kernel has
// already queued first: those clients completed their handshake and would otherwise be reset.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "io/event_loop.h"
#include "io/unique_fd.h"
#include "proxy/tcp_sockets.h"

namespace snigate::proxy {

class Listener final : public io::EventLoop::Watcher, public io::EventLoop::Timer {
 public:
  class Sink {
   public:
    // `scope`: the routes the client may reach, the listener's (ListenerSocketOptions::scope).
    virtual void on_accepted(io::UniqueFd client, const boost::asio::ip::tcp::endpoint& peer,
                             bool expects_proxy_header, routing::ListenScope scope) = 0;
    virtual void on_accept_paused() = 0;

   protected:
    ~Sink() = default;
  };

  // Binds and listens at once (throws with the reason); accepts nothing before start().
  Listener(io::EventLoop& loop, Sink& sink, const boost::asio::ip::tcp::endpoint& endpoint,
           const ListenerSocketOptions& options = {});
  ~Listener() override;

  void start();
  // Accepts the connections already queued, then closes the socket.
  void close();
  bool is_open() const { return static_cast<bool>(fd_); }
  boost::asio::ip::tcp::endpoint endpoint() const { return local_endpoint(fd_.get()); }

 private:
  void on_ready(std::uint32_t events, unsigned tag) override;
  void on_timer() override;  // the end of a pause
  enum class Batch { full, drained, out_of_resources };
  Batch accept_batch(std::size_t most);
  void pause();

  io::EventLoop& loop_;
  Sink& sink_;
  io::UniqueFd fd_;
  bool expects_proxy_header_;
  routing::ListenScope scope_;
  bool registered_ = false;
};

}  // namespace snigate::proxy
