// The bearer token: a token file is read again after a 401 and at least every minute, because the
// kubelet rotates bound service-account tokens.
#include "kube/bearer_token.h"

#include <gtest/gtest.h>

#include <fstream>

#include "backoff.h"

namespace snigate::controller::kube {
namespace {

class TokenFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/snigate-token-XXXXXX";
    folder_ = ::mkdtemp(pattern);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }
  void write_token(const std::string& token) { std::ofstream(folder_ / "token") << token << "\n"; }

  std::filesystem::path folder_;
};

TEST_F(TokenFileTest, RereadAfterInvalidation) {
  write_token("first");
  BearerToken token("", folder_ / "token");
  EXPECT_EQ(token.current(), "first");
  write_token("rotated");
  EXPECT_EQ(token.current(), "first") << "cached within the refresh interval";
  token.invalidate();
  EXPECT_EQ(token.current(), "rotated");
}

TEST_F(TokenFileTest, KeepsThePreviousTokenWhenTheFileVanishes) {
  write_token("first");
  BearerToken token("", folder_ / "token");
  EXPECT_EQ(token.current(), "first");
  std::filesystem::remove(folder_ / "token");
  token.invalidate();
  EXPECT_EQ(token.current(), "first");
}

TEST(FixedToken, IsUsedAsIs) {
  BearerToken token("fixed", "");
  EXPECT_EQ(token.current(), "fixed");
  token.invalidate();
  EXPECT_EQ(token.current(), "fixed");
}

TEST(Backoff, DoublesFromAboutEightHundredMillisecondsToThirtySecondsWithJitter) {
  Backoff backoff;
  std::vector<long> delays;
  for (int i = 0; i < 10; ++i) delays.push_back(backoff.next().count());
  EXPECT_GE(delays[0], 800);
  EXPECT_LE(delays[0], 1000);
  EXPECT_GE(delays[1], 1600);
  EXPECT_LE(delays[1], 2000);
  EXPECT_EQ(delays[9], 30'000) << "capped";
  backoff.reset();
  EXPECT_LE(backoff.next().count(), 1000);
}

}  // namespace
}  // namespace snigate::controller::kube
