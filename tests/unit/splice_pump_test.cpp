// SplicePump and PipePool over socket pairs: bytes move without user space, pipes are held only
// while bytes are in flight, and running out of descriptors is a pause, not a failure.
#include "proxy/splice_pump.h"

#include <sys/resource.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <csignal>
#include <string>

namespace snigate::proxy {
namespace {

struct SocketPair {
  SocketPair() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
    near = io::UniqueFd(fds[0]);
    far = io::UniqueFd(fds[1]);
  }
  io::UniqueFd near;
  io::UniqueFd far;
};

std::string receive(int fd) {
  std::string data(1 << 20, '\0');
  ssize_t count = ::recv(fd, data.data(), data.size(), MSG_DONTWAIT);
  data.resize(count > 0 ? static_cast<std::size_t>(count) : 0);
  return data;
}

TEST(SplicePump, MovesWhatArrivesThenWantsToReadAndGivesItsPipeBack) {
  io::PipePool pool(4);
  SocketPair source, sink;  // source.far writes in, sink.far reads out
  SplicePump pump(pool, source.near.get(), sink.near.get());
  ASSERT_EQ(::send(source.far.get(), "hello", 5, 0), 5);
  std::uint64_t moved = 0;
  EXPECT_EQ(pump.transfer(moved), SplicePump::Status::want_read);
  EXPECT_EQ(moved, 5u);
  EXPECT_EQ(receive(sink.far.get()), "hello");
  EXPECT_EQ(pool.idle(), 1u) << "an idle direction holds no pipe";
}

TEST(SplicePump, EndOfStreamFinishesAfterEveryByteIsDelivered) {
  io::PipePool pool(4);
  SocketPair source, sink;
  SplicePump pump(pool, source.near.get(), sink.near.get());
  ASSERT_EQ(::send(source.far.get(), "bye", 3, 0), 3);
  source.far.reset();
  std::uint64_t moved = 0;
  EXPECT_EQ(pump.transfer(moved), SplicePump::Status::finished);
  EXPECT_TRUE(pump.finished());
  EXPECT_EQ(receive(sink.far.get()), "bye");
}

// The access log's closed_by: a failure says which socket it came from.
TEST(SplicePump, ADestinationGoneIsAFailureAtTheDestination) {
  std::signal(SIGPIPE, SIG_IGN);  // as the dataplane does
  io::PipePool pool(4);
  SocketPair source, sink;
  SplicePump pump(pool, source.near.get(), sink.near.get());
  sink.far.reset();
  ASSERT_EQ(::send(source.far.get(), "late", 4, 0), 4);
  std::uint64_t moved = 0;
  EXPECT_EQ(pump.transfer(moved), SplicePump::Status::failed);
  EXPECT_EQ(pump.error(), EPIPE);
  EXPECT_EQ(pump.failed_at(), SplicePump::FailedAt::destination);
}

TEST(SplicePump, ASourceThatCannotBeReadIsAFailureAtTheSource) {
  io::PipePool pool(4);
  SocketPair sink;
  io::UniqueFd listening(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));  // not connected: ENOTCONN or EINVAL
  SplicePump pump(pool, listening.get(), sink.near.get());
  std::uint64_t moved = 0;
  EXPECT_EQ(pump.transfer(moved), SplicePump::Status::failed);
  EXPECT_EQ(pump.failed_at(), SplicePump::FailedAt::source);
}

TEST(SplicePump, FullDestinationWantsToWriteAndKeepsTheBytesInItsPipe) {
  io::PipePool pool(4);
  SocketPair source, sink;
  SplicePump pump(pool, source.near.get(), sink.near.get());
  std::string chunk(64 * 1024, 'x');
  std::uint64_t moved = 0;
  SplicePump::Status status = SplicePump::Status::want_read;
  for (int i = 0; i < 64 && status != SplicePump::Status::want_write; ++i) {
    ::send(source.far.get(), chunk.data(), chunk.size(), 0);
    status = pump.transfer(moved);
  }
  ASSERT_EQ(status, SplicePump::Status::want_write);
  EXPECT_TRUE(pump.holds_bytes());
  EXPECT_EQ(pool.idle(), 0u);
}

// Issue 13, defect 4: pipe2 failing with EMFILE reset the transfer (outcome "reset"); the bytes
// now wait in the socket until a pipe can be had.
TEST(SplicePump, NoDescriptorForAPipeIsAPauseNotAFailure) {
  io::PipePool pool(4);
  SocketPair source, sink;
  SplicePump pump(pool, source.near.get(), sink.near.get());
  ASSERT_EQ(::send(source.far.get(), "later", 5, 0), 5);
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit tight = saved;
  tight.rlim_cur = static_cast<rlim_t>(sink.far.get());  // no descriptor above those taken
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &tight), 0);
  std::uint64_t moved = 0;
  auto status = pump.transfer(moved);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
  EXPECT_EQ(status, SplicePump::Status::want_pipe);
  EXPECT_EQ(pump.transfer(moved), SplicePump::Status::want_read);
  EXPECT_EQ(receive(sink.far.get()), "later");
}

TEST(PipePool, KeepsAtMostItsIdleCapAndReusesPipes) {
  io::PipePool pool(1);
  auto first = pool.acquire();
  auto second = pool.acquire();
  ASSERT_TRUE(first && second);
  int reused = first->read_end.get();
  pool.release(std::move(*first));
  pool.release(std::move(*second));
  EXPECT_EQ(pool.idle(), 1u);
  EXPECT_EQ(pool.acquire()->read_end.get(), reused);
}

}  // namespace
}  // namespace snigate::proxy
