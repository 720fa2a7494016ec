// Evaluation: the golden cases of tests/data/iam/eval_cases.json (each names the AWS page
// it follows in "doc"), plus explanations and the helpers of each operator family.
#include "crossdock/iam/evaluate.h"

#include <gtest/gtest.h>

#include "crossdock/iam/condition.h"
#include "test_data.h"

namespace crossdock::iam {
namespace {

Request FromCase(const nlohmann::json& c) {
  Request r(c["principal"].get<std::string>(), c["action"].get<std::string>(),
            c["resource"].get<std::string>());
  for (auto it = c["context"].begin(); it != c["context"].end(); ++it) {
    if (it.value().is_array()) {
      r.Set(it.key(), it.value().get<std::vector<std::string>>());
    } else {
      r.Set(it.key(), it.value().get<std::string>());
    }
  }
  return r;
}

TEST(EvaluateGoldenTest, EveryCaseDecidesAsAwsDocuments) {
  nlohmann::json cases = nlohmann::json::parse(testing::ReadData("eval_cases.json"));
  ASSERT_GE(cases.size(), 90u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c["name"].get<std::string>() + " (" + c["doc"].get<std::string>() + ")");
    std::vector<NamedPolicy> policies;
    int i = 0;
    for (const auto& doc : c["policies"]) {
      auto p = ParsePolicy(doc.dump());
      ASSERT_TRUE(p.ok()) << p.error().message();
      policies.push_back({"policy" + std::to_string(i++), std::move(*p)});
    }
    Request r = FromCase(c);
    std::string expect = c["expect"];
    EXPECT_EQ(DecisionName(Decide(policies, r)), expect);
    Evaluation ev = Explain(policies, r);
    EXPECT_EQ(DecisionName(ev.decision), expect);
    if (expect == "Allow" || expect == "ExplicitDeny") {
      EXPECT_FALSE(ev.deciding.empty());
    } else {
      EXPECT_TRUE(ev.deciding.empty());
    }
  }
}

Policy Parse(const std::string& text) {
  auto p = ParsePolicy(text);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message());
  return p.ok() ? std::move(*p) : Policy{};
}

// Trust policy with an External ID (seed 000; AWS "How to use an external ID",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html).
TEST(ExplainTest, ExternalIdMismatchNamesTheCondition) {
  std::vector<NamedPolicy> policies = {
      {"trust.json", Parse(testing::ReadData("seeds/seed000_trust_external_id.json"))}};
  Request r("arn:aws:iam::568237466542:root", "sts:AssumeRole",
            "arn:aws:iam::111122223333:role/polytomic");
  r.Set("sts:ExternalId", "1111");
  Evaluation ev = Explain(policies, r);
  EXPECT_EQ(ev.decision, Decision::kImplicitDeny);
  ASSERT_EQ(ev.nearest.size(), 1u);
  const StatementTrace& t = ev.nearest[0];
  EXPECT_EQ(t.policy, "trust.json");
  EXPECT_EQ(t.index, 0);
  EXPECT_TRUE(t.principal_matched);
  EXPECT_TRUE(t.action_matched);
  EXPECT_FALSE(t.conditions_matched);
  EXPECT_EQ(t.explanation,
            "Principal matched, Action matched, no Resource (applies to the resource it is "
            "attached to), Condition StringEquals sts:ExternalId expected \"0000\", request had "
            "\"1111\" (not matched)");
  auto json = ToJson(ev, r);
  EXPECT_EQ(json["decision"], "ImplicitDeny");
  EXPECT_EQ(json["nearest"][0]["conditions"][0]["expected"][0], "0000");
  EXPECT_EQ(json["nearest"][0]["conditions"][0]["actual"][0], "1111");
  EXPECT_NE(FormatEvaluation(ev).find("Nearest statements"), std::string::npos);
}

TEST(ExplainTest, MissingExternalIdSaysSo) {
  std::vector<NamedPolicy> policies = {
      {"trust.json", Parse(testing::ReadData("seeds/seed004_redshift_trust.json"))}};
  Request r("arn:aws:iam::568237466542:role/worker", "sts:AssumeRole",
            "arn:aws:iam::111122223333:role/x");
  Evaluation ev = Explain(policies, r);
  ASSERT_EQ(ev.nearest.size(), 1u);
  EXPECT_NE(ev.nearest[0].explanation.find("request had no sts:ExternalId"), std::string::npos)
      << ev.nearest[0].explanation;
}

TEST(ExplainTest, StopsAtTheFirstElementThatDidNotMatch) {
  std::vector<NamedPolicy> policies = {
      {"p", Parse(testing::ReadData("seeds/seed000_s3_permission.json"))}};
  Request r("arn:aws:iam::111122223333:role/x", "s3:GetObject", "arn:aws:s3:::other/k");
  Evaluation ev = Explain(policies, r);
  ASSERT_EQ(ev.nearest.size(), 1u);
  EXPECT_EQ(ev.nearest[0].sid, "PolytomicBucket");
  EXPECT_EQ(ev.nearest[0].explanation.rfind("Action matched, Resource did not match", 0), 0u)
      << ev.nearest[0].explanation;
  EXPECT_NE(ev.summary.find("nearest is p statement 0 (Sid PolytomicBucket)"), std::string::npos);
}

TEST(ExplainTest, ExplicitDenyListsTheDenyingStatement) {
  std::vector<NamedPolicy> policies = {{"p", Parse(R"({"Version": "2012-10-17", "Statement": [
    {"Sid": "All", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}]})")}};
  Request r("arn:aws:iam::111122223333:role/x", "s3:DeleteObject", "arn:aws:s3:::b/k");
  Evaluation ev = Explain(policies, r);
  EXPECT_EQ(ev.decision, Decision::kExplicitDeny);
  ASSERT_EQ(ev.deciding.size(), 1u);
  EXPECT_EQ(ev.deciding[0].sid, "NoDelete");
  EXPECT_EQ(ev.deciding[0].effect, Effect::kDeny);
}

TEST(RequestTest, DerivesGlobalKeysFromThePrincipal) {
  Request user("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "*");
  EXPECT_EQ(user.Find("aws:username")->front(), "alice");
  EXPECT_EQ(user.Find("aws:principalaccount")->front(), "111122223333");
  Request account("111122223333", "s3:GetObject", "*");
  EXPECT_EQ(account.Find("aws:principalarn")->front(), "arn:aws:iam::111122223333:root");
  Request service("redshift.amazonaws.com", "sts:AssumeRole", "*");
  EXPECT_EQ(service.Find("aws:principalservicename")->front(), "redshift.amazonaws.com");
  EXPECT_EQ(service.principal_account(), "");
}

TEST(RequestTest, MakeRequestValidatesAndReadsContext) {
  auto ok = MakeRequest("arn:aws:iam::111122223333:role/r", "s3:GetObject", "arn:aws:s3:::bkt/k",
                        nlohmann::json::parse(R"({"aws:TagKeys": ["a", "b"], "s3:max-keys": 5,
                                                   "aws:SecureTransport": true})"));
  ASSERT_TRUE(ok.ok()) << ok.error().message();
  EXPECT_EQ(ok->Find("aws:tagkeys")->size(), 2u);
  EXPECT_EQ(ok->Find("s3:max-keys")->front(), "5");
  EXPECT_EQ(ok->Find("aws:securetransport")->front(), "true");
  auto bad_ctx = MakeRequest("111122223333", "s3:GetObject", "*",
                             nlohmann::json::parse(R"({"k": {"nested": 1}})"));
  ASSERT_FALSE(bad_ctx.ok());
  EXPECT_EQ(bad_ctx.error().field(), "context.k");
  auto bad_action = MakeRequest("111122223333", "GetObject", "*", nullptr);
  ASSERT_FALSE(bad_action.ok());
  EXPECT_EQ(bad_action.error().field(), "action");
  auto bad_principal =
      MakeRequest("arn:aws:iam:::123456789012:role/demo-role", "sts:AssumeRole", "*", nullptr);
  ASSERT_FALSE(bad_principal.ok());
  EXPECT_EQ(bad_principal.error().field(), "principal");
  auto bad_resource = MakeRequest("111122223333", "s3:GetObject", "arn:aws:s3:::b/*", nullptr);
  ASSERT_FALSE(bad_resource.ok());
  EXPECT_EQ(bad_resource.error().field(), "resource");
}

// Value conversions of the Numeric, Date and IpAddress families
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
TEST(ConditionValueTest, Conversions) {
  EXPECT_EQ(*ParseNumber("10"), 10.0);
  EXPECT_EQ(*ParseNumber("-2.5"), -2.5);
  EXPECT_FALSE(ParseNumber("ten"));
  EXPECT_FALSE(ParseNumber(""));
  EXPECT_EQ(*ParseDate("1970-01-02"), 86400.0);
  EXPECT_EQ(*ParseDate("2020-02-29T12:00:00Z"), 1582977600.0);
  EXPECT_EQ(*ParseDate("2020-02-29T13:00:00+01:00"), 1582977600.0);
  EXPECT_EQ(*ParseDate("1582977600"), 1582977600.0);
  EXPECT_DOUBLE_EQ(*ParseDate("2020-02-29T12:00:00.250Z"), 1582977600.25);
  EXPECT_FALSE(ParseDate("2020-13-01"));
  EXPECT_FALSE(ParseDate("yesterday"));
  EXPECT_FALSE(ParseDate("2020-01-01T25:00:00Z"));
  EXPECT_TRUE(IpInCidr("10.0.0.0/8", "10.255.1.2"));
  EXPECT_FALSE(IpInCidr("10.0.0.0/8", "11.0.0.1"));
  EXPECT_TRUE(IpInCidr("0.0.0.0/0", "192.0.2.1"));
  EXPECT_TRUE(IpInCidr("2001:db8::/32", "2001:DB8:ffff::1"));
  EXPECT_FALSE(IpInCidr("2001:db8::/32", "10.0.0.1"));
  EXPECT_FALSE(IpInCidr("10.0.0.0/33", "10.0.0.1"));
  EXPECT_FALSE(IpInCidr("not-an-ip", "10.0.0.1"));
}

TEST(ConditionValueTest, Variables) {
  Request r("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "*");
  EXPECT_EQ(*SubstituteVariables("home/${aws:username}/", r), "home/alice/");
  EXPECT_EQ(*SubstituteVariables("${AWS:UserName}", r), "alice");
  EXPECT_EQ(*SubstituteVariables("${aws:PrincipalTag/x, 'dflt'}", r), "dflt");
  EXPECT_EQ(*SubstituteVariables("a${$}b${?}", r), "a$b?");
  EXPECT_FALSE(SubstituteVariables("${aws:PrincipalTag/x}", r));
  EXPECT_EQ(*SubstituteVariables("no variables", r), "no variables");
}

}  // namespace
}  // namespace crossdock::iam

namespace crossdock::iam {
namespace {

// Documentation ARNs that break service naming rules (upper-case bucket names, underscores)
// are simulated, not refused: IAM matches the resource as text
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html).
TEST(RequestTest, MakeRequestTakesDocumentationArns) {
  EXPECT_TRUE(
      MakeRequest("111122223333", "s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/x", nullptr).ok());
  EXPECT_TRUE(
      MakeRequest("111122223333", "s3:ListBucket", "arn:aws:s3:::Bucket_AccountAudit", nullptr)
          .ok());
  auto not_arn = MakeRequest("111122223333", "s3:GetObject", "bucket/key", nullptr);
  ASSERT_FALSE(not_arn.ok());
  EXPECT_EQ(not_arn.error().field(), "resource");
}

// A role session's aws:PrincipalArn is the role's ARN; the principal type is derived too
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
TEST(RequestTest, SessionPrincipalKeys) {
  Request r("arn:aws:sts::111122223333:assumed-role/app/s1", "s3:GetObject", "*");
  EXPECT_EQ(r.Find("aws:principalarn")->front(), "arn:aws:iam::111122223333:role/app");
  EXPECT_EQ(r.Find("aws:principaltype")->front(), "AssumedRole");
  EXPECT_EQ(r.Find("aws:principalaccount")->front(), "111122223333");
  Request svc("redshift.amazonaws.com", "sts:AssumeRole", "*");
  EXPECT_EQ(svc.Find("aws:principalisawsservice")->front(), "true");
}

TEST(EvaluateTest, NoPolicyIsAnImplicitDeny) {
  Request r("arn:aws:iam::111122223333:role/app", "s3:GetObject", "arn:aws:s3:::b/k");
  EXPECT_EQ(Decide({}, r), Decision::kImplicitDeny);
  Evaluation ev = Explain({}, r);
  EXPECT_EQ(ev.decision, Decision::kImplicitDeny);
  EXPECT_TRUE(ev.deciding.empty());
}

// Numeric operators compare decimals exactly; Date operators read W3C ISO 8601 forms and
// epoch seconds
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
TEST(ConditionValueTest, ExactNumbersAndDates) {
  bool ok = false;
  EXPECT_EQ(CompareNumbers("10", "10.000", &ok), 0);
  EXPECT_TRUE(ok);
  EXPECT_EQ(CompareNumbers("9007199254740993", "9007199254740992", &ok), 1);
  EXPECT_EQ(CompareNumbers("0.1", "0.10000000000000001", &ok), -1);
  EXPECT_EQ(CompareNumbers("-0", "0", &ok), 0);
  EXPECT_EQ(CompareNumbers("-2", "-10", &ok), 1);
  EXPECT_EQ(CompareNumbers("1e3", "999.999", &ok), 1);
  CompareNumbers("ten", "10", &ok);
  EXPECT_FALSE(ok);
  EXPECT_FALSE(ParseNumber("inf"));
  EXPECT_FALSE(ParseNumber("0x10"));
  EXPECT_EQ(*ParseDate("2020-02"), 1580515200.0);
  EXPECT_EQ(*ParseDate("2020-02-29T12:00Z"), 1582977600.0);
  EXPECT_EQ(*ParseDate("2020-02-29T12:00:00-0130"), 1582977600.0 + 5400);
  EXPECT_DOUBLE_EQ(*ParseDate("1582977600.5"), 1582977600.5);
  EXPECT_FALSE(ParseDate("2019-02-29"));  // not a leap year
  EXPECT_FALSE(ParseDate("2020-02-30"));
}

}  // namespace
}  // namespace crossdock::iam
