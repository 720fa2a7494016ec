// The strict JSON reader: positions, repairs and defects. Grammar per RFC 8259
// (https://www.rfc-editor.org/rfc/rfc8259); IAM requires policies to be valid JSON
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html).
#include "crossdock/iam/json_doc.h"

#include <gtest/gtest.h>

#include "test_data.h"

namespace crossdock::iam {
namespace {

TEST(JsonDocTest, ReadsValuesWithPositions) {
  JsonDocument doc = ReadJson("{\n  \"a\": [1, true, null],\n  \"b\": \"x\\u00e9\\n\"\n}");
  ASSERT_TRUE(doc.clean());
  ASSERT_TRUE(doc.root);
  const JsonValue* a = doc.root->Find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->kind, JsonValue::Kind::kArray);
  EXPECT_EQ(a->position.line, 2);
  EXPECT_EQ(a->position.column, 8);
  ASSERT_EQ(a->items.size(), 3u);
  EXPECT_EQ(a->items[0].text, "1");
  EXPECT_TRUE(a->items[1].boolean);
  EXPECT_EQ(a->items[2].kind, JsonValue::Kind::kNull);
  const JsonValue* b = doc.root->Find("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->text, "x\xc3\xa9\n");
  EXPECT_EQ(doc.root->members[1].key_position.line, 3);
  EXPECT_EQ(doc.root->members[1].key_position.column, 3);
}

TEST(JsonDocTest, DecodesSurrogatePairs) {
  JsonDocument doc = ReadJson("\"\\ud83d\\ude00\"");
  ASSERT_TRUE(doc.clean());
  EXPECT_EQ(doc.root->text, "\xf0\x9f\x98\x80");
}

TEST(JsonDocTest, RepairsMissingCommaBetweenArrayElements) {
  std::string src = "[\"a\"\n\"b\"]";
  JsonDocument doc = ReadJson(src);
  ASSERT_EQ(doc.diagnostics.size(), 1u);
  EXPECT_EQ(doc.diagnostics[0].kind, JsonDiagnostic::Kind::kMissingComma);
  EXPECT_EQ(doc.diagnostics[0].position.line, 1);
  EXPECT_EQ(doc.diagnostics[0].position.column, 5);
  ASSERT_TRUE(doc.root);
  EXPECT_EQ(doc.root->items.size(), 2u);
  EXPECT_EQ(doc.Corrected(src), "[\"a\",\n\"b\"]");
}

TEST(JsonDocTest, RepairsMissingCommaBetweenMembers) {
  std::string src = "{\"a\": 1 \"b\": 2}";
  JsonDocument doc = ReadJson(src);
  ASSERT_EQ(doc.diagnostics.size(), 1u);
  EXPECT_EQ(doc.diagnostics[0].kind, JsonDiagnostic::Kind::kMissingComma);
  EXPECT_EQ(doc.Corrected(src), "{\"a\": 1, \"b\": 2}");
}

TEST(JsonDocTest, RepairsTrailingCommas) {
  std::string src = "{\"a\": [1, 2,],\n}";
  JsonDocument doc = ReadJson(src);
  ASSERT_EQ(doc.diagnostics.size(), 2u);
  EXPECT_EQ(doc.diagnostics[0].kind, JsonDiagnostic::Kind::kTrailingComma);
  EXPECT_EQ(doc.diagnostics[0].position.column, 12);
  EXPECT_EQ(doc.diagnostics[1].kind, JsonDiagnostic::Kind::kTrailingComma);
  EXPECT_EQ(doc.diagnostics[1].position.line, 1);
  EXPECT_EQ(doc.diagnostics[1].position.column, 14);
  EXPECT_EQ(doc.Corrected(src), "{\"a\": [1, 2]\n}");
  ASSERT_TRUE(ReadJson(doc.Corrected(src)).clean());
}

TEST(JsonDocTest, ReportsDuplicateKeysWithBothPositions) {
  JsonDocument doc = ReadJson("{\"Effect\": \"Allow\",\n \"Effect\": \"Deny\"}");
  ASSERT_EQ(doc.diagnostics.size(), 1u);
  EXPECT_EQ(doc.diagnostics[0].kind, JsonDiagnostic::Kind::kDuplicateKey);
  EXPECT_EQ(doc.diagnostics[0].position.line, 2);
  EXPECT_NE(doc.diagnostics[0].message.find("line 1, column 2"), std::string::npos);
  EXPECT_EQ(doc.root->Find("Effect")->text, "Deny");
}

struct SyntaxCase {
  const char* source;
  int line;
  int column;
  const char* message_part;
};

class JsonSyntaxTest : public ::testing::TestWithParam<SyntaxCase> {};

TEST_P(JsonSyntaxTest, StopsWithPosition) {
  const SyntaxCase& c = GetParam();
  JsonDocument doc = ReadJson(c.source);
  ASSERT_FALSE(doc.diagnostics.empty()) << c.source;
  const JsonDiagnostic& d = doc.diagnostics.back();
  EXPECT_EQ(d.kind, JsonDiagnostic::Kind::kSyntax) << c.source;
  EXPECT_EQ(d.position.line, c.line) << c.source;
  EXPECT_EQ(d.position.column, c.column) << c.source;
  EXPECT_NE(d.message.find(c.message_part), std::string::npos) << d.message;
  EXPECT_FALSE(doc.root);
}

INSTANTIATE_TEST_SUITE_P(Defects, JsonSyntaxTest,
                         ::testing::Values(SyntaxCase{"", 1, 1, "end of input"},
                                           SyntaxCase{"{\"a\": 1", 1, 8, "expected ',' or '}'"},
                                           SyntaxCase{"{\n  'a': 1}", 2, 3, "single quotes"},
                                           SyntaxCase{"{\"a\": \"x\n\"}", 1, 9, "not closed"},
                                           SyntaxCase{"[01]", 1, 3, "leading zeros"},
                                           SyntaxCase{"[1.]", 1, 4, "decimal point"},
                                           SyntaxCase{"{\"a\" 1}", 1, 6, "expected ':'"},
                                           SyntaxCase{"[True]", 1, 2, "expected a value"},
                                           SyntaxCase{"{} {}", 1, 4, "after the end"},
                                           SyntaxCase{"[\"\\x\"]", 1, 3, "invalid escape"},
                                           SyntaxCase{"[\"\\ud800\"]", 1, 9, "low one"},
                                           SyntaxCase{"{\"a\": 1,, \"b\": 2}", 1, 9,
                                                      "member name"}));

TEST(JsonDocTest, LimitsNesting) {
  std::string deep(100, '[');
  JsonDocument doc = ReadJson(deep);
  ASSERT_FALSE(doc.diagnostics.empty());
  EXPECT_NE(doc.diagnostics.back().message.find("nesting"), std::string::npos);
}

// Seed 004 prints a Redshift permission policy with a missing comma after
// "redshift-data:DescribeStatement" (line 8) and a trailing comma after
// "redshift-serverless:GetCredentials" (line 15).
TEST(JsonDocTest, Seed004RedshiftPolicyBothDefects) {
  std::string src = testing::ReadData("seeds/seed004_redshift_permission_broken.json");
  ASSERT_FALSE(src.empty());
  JsonDocument doc = ReadJson(src);
  ASSERT_EQ(doc.diagnostics.size(), 2u);
  EXPECT_EQ(doc.diagnostics[0].kind, JsonDiagnostic::Kind::kMissingComma);
  EXPECT_EQ(doc.diagnostics[0].position.line, 8);
  EXPECT_EQ(doc.diagnostics[1].kind, JsonDiagnostic::Kind::kTrailingComma);
  EXPECT_EQ(doc.diagnostics[1].position.line, 15);
  std::string fixed = doc.Corrected(src);
  EXPECT_NE(fixed.find("\"redshift-data:DescribeStatement\",\n"), std::string::npos);
  EXPECT_NE(fixed.find("\"redshift-serverless:GetCredentials\"\n]"), std::string::npos);
  EXPECT_TRUE(ReadJson(fixed).clean());
}

}  // namespace
}  // namespace crossdock::iam

namespace crossdock::iam {
namespace {

TEST(JsonDocTest, RejectsInvalidUtf8InStrings) {
  JsonDocument doc = ReadJson("[\"ok \xc3\xa9\", \"bad \xd2\x45\"]");
  ASSERT_EQ(doc.diagnostics.size(), 1u);
  EXPECT_EQ(doc.diagnostics[0].position.column, 16);
  EXPECT_NE(doc.diagnostics[0].message.find("UTF-8"), std::string::npos);
  EXPECT_FALSE(ReadJson("\"\xed\xa0\x80\"").clean());  // encoded surrogate
  EXPECT_FALSE(ReadJson("\"\xc0\xaf\"").clean());      // overlong
  EXPECT_TRUE(ReadJson("\"\xf0\x9f\x98\x80\"").clean());
  JsonDocument outside = ReadJson("[\xff]");
  ASSERT_FALSE(outside.diagnostics.empty());
  EXPECT_NE(outside.diagnostics[0].message.find("byte 0xff"), std::string::npos);
}

}  // namespace
}  // namespace crossdock::iam
