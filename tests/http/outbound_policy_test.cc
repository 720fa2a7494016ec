#include "crossdock/http/outbound_policy.h"

#include <gtest/gtest.h>

namespace crossdock::http {
namespace {

AddressClass ClassOf(const std::string& text) {
  auto ip = ParseIp(text);
  EXPECT_TRUE(ip.ok()) << text;
  return ip.ok() ? Classify(*ip) : AddressClass::kPublic;
}

TEST(OutboundPolicyTest, ClassifiesTheAddressesTenantsMustNotReach) {
  EXPECT_EQ(ClassOf("127.0.0.1"), AddressClass::kLoopback);
  EXPECT_EQ(ClassOf("127.8.9.10"), AddressClass::kLoopback);
  EXPECT_EQ(ClassOf("::1"), AddressClass::kLoopback);
  EXPECT_EQ(ClassOf("169.254.169.254"), AddressClass::kLinkLocal);
  EXPECT_EQ(ClassOf("fe80::1"), AddressClass::kLinkLocal);
  EXPECT_EQ(ClassOf("10.1.2.3"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("172.16.0.1"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("172.31.255.255"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("192.168.1.1"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("fd00:ec2::254"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("fc00::1"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("0.0.0.0"), AddressClass::kUnspecified);
  EXPECT_EQ(ClassOf("::"), AddressClass::kUnspecified);
  EXPECT_EQ(ClassOf("100.100.100.200"), AddressClass::kShared);
  EXPECT_EQ(ClassOf("224.0.0.1"), AddressClass::kMulticast);
  EXPECT_EQ(ClassOf("255.255.255.255"), AddressClass::kReserved);
  EXPECT_EQ(ClassOf("0.1.2.3"), AddressClass::kReserved);
}

TEST(OutboundPolicyTest, JudgesIpv4InsideIpv6AsTheIpv4Address) {
  EXPECT_EQ(ClassOf("::ffff:127.0.0.1"), AddressClass::kLoopback);
  EXPECT_EQ(ClassOf("::ffff:169.254.169.254"), AddressClass::kLinkLocal);
  EXPECT_EQ(ClassOf("64:ff9b::a9fe:a9fe"), AddressClass::kLinkLocal);  // NAT64 169.254.169.254
  EXPECT_EQ(ClassOf("2002:7f00:1::"), AddressClass::kLoopback);        // 6to4 127.0.0.1
  EXPECT_EQ(ClassOf("::ffff:8.8.8.8"), AddressClass::kPublic);
}

TEST(OutboundPolicyTest, PublicAddressesPass) {
  EXPECT_EQ(ClassOf("8.8.8.8"), AddressClass::kPublic);
  EXPECT_EQ(ClassOf("172.32.0.1"), AddressClass::kPublic);
  EXPECT_EQ(ClassOf("2606:4700::1111"), AddressClass::kPublic);
  OutboundPolicy policy;
  EXPECT_TRUE(policy.CheckAddress(*ParseIp("8.8.8.8"), "url").ok());
}

TEST(OutboundPolicyTest, RefusalNamesTheFieldAndTheClassNotTheAddress) {
  OutboundPolicy policy;
  Status st = policy.CheckAddress(*ParseIp("169.254.169.254"), "databricks.workspace_url");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(st.error().field(), "databricks.workspace_url");
  EXPECT_NE(st.error().message().find("link-local"), std::string::npos);
  EXPECT_EQ(st.error().message().find("169.254"), std::string::npos);
}

TEST(OutboundPolicyTest, OperatorAllowedNetworksPass) {
  auto policy = OutboundPolicy::FromStrings({"10.20.0.0/16", "127.0.0.1", "fd00::/8"}, "allow");
  ASSERT_TRUE(policy.ok()) << policy.error().ToString();
  EXPECT_TRUE(policy->CheckAddress(*ParseIp("10.20.3.4"), "f").ok());
  EXPECT_FALSE(policy->CheckAddress(*ParseIp("10.21.3.4"), "f").ok());
  EXPECT_TRUE(policy->CheckAddress(*ParseIp("127.0.0.1"), "f").ok());
  EXPECT_TRUE(policy->CheckAddress(*ParseIp("::ffff:127.0.0.1"), "f").ok());
  EXPECT_FALSE(policy->CheckAddress(*ParseIp("127.0.0.2"), "f").ok());
  EXPECT_TRUE(policy->CheckAddress(*ParseIp("fd12::1"), "f").ok());
  EXPECT_FALSE(policy->CheckAddress(*ParseIp("169.254.169.254"), "f").ok());
}

TEST(OutboundPolicyTest, RejectsMalformedNetworks) {
  for (const char* bad :
       {"10.0.0.0/33", "10.0.0.0/", "fd00::/129", "example.com", "10.0.0/8", "10.0.0.0/8x"}) {
    auto p = OutboundPolicy::FromStrings({bad}, "allow-network");
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.error().field(), "allow-network");
  }
}

TEST(OutboundPolicyTest, ResolveChecksLiteralsAndNames) {
  OutboundPolicy policy;
  auto literal = policy.Resolve("127.0.0.1", "host");
  ASSERT_FALSE(literal.ok());
  EXPECT_EQ(literal.error().code(), ErrorCode::kInvalidArgument);
  auto bracketed = policy.Resolve("[::1]", "host");
  EXPECT_FALSE(bracketed.ok());
  // "localhost" resolves (from /etc/hosts) to loopback addresses only.
  auto local = policy.Resolve("localhost", "host");
  ASSERT_FALSE(local.ok());
  EXPECT_EQ(local.error().code(), ErrorCode::kInvalidArgument);
  auto unknown = policy.Resolve("no-such-host.invalid", "host");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  auto allowed = OutboundPolicy::FromStrings({"127.0.0.0/8", "::1"}, "allow");
  ASSERT_TRUE(allowed.ok());
  auto ok = allowed->Resolve("localhost", "host");
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_FALSE(ok->empty());
}

TEST(OutboundPolicyTest, UrlHost) {
  EXPECT_EQ(UrlHost("https://169.254.169.254"), "169.254.169.254");
  EXPECT_EQ(UrlHost("https://dbc-1.cloud.databricks.com/"), "dbc-1.cloud.databricks.com");
  EXPECT_EQ(UrlHost("https://user@[::1]:8443/x?y"), "::1");
  EXPECT_EQ(UrlHost("https://a.example:443#f"), "a.example");
  EXPECT_EQ(UrlHost("no scheme"), "");
}

}  // namespace
}  // namespace crossdock::http
