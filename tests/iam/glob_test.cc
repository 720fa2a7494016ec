// GlobMatch against a reference matcher (dynamic programming over both strings) on random
// patterns, and its cost on the inputs that made the old backtracking matcher quadratic.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "crossdock/iam/arn.h"

namespace crossdock::iam {
namespace {

bool ReferenceMatch(const std::string& pattern, const std::string& text, bool ignore_case) {
  // Tokens: literal (c, false), any-one (0, true), star marked separately.
  struct Tok {
    char c;
    bool any;
    bool star;
  };
  std::vector<Tok> toks;
  for (size_t p = 0; p < pattern.size(); ++p) {
    char c = pattern[p];
    if (c == kGlobEscape && p + 1 < pattern.size()) {
      toks.push_back({pattern[++p], false, false});
    } else if (c == '*') {
      toks.push_back({0, false, true});
    } else {
      toks.push_back({c, c == '?', false});
    }
  }
  auto fold = [ignore_case](char c) {
    return ignore_case && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  // m[i][j]: toks[i..] matches text[j..]
  std::vector<std::vector<char>> m(toks.size() + 1, std::vector<char>(text.size() + 1, 0));
  m[toks.size()][text.size()] = 1;
  for (size_t i = toks.size(); i-- > 0;) {
    for (size_t j = text.size() + 1; j-- > 0;) {
      const Tok& t = toks[i];
      if (t.star) {
        m[i][j] = m[i + 1][j] || (j < text.size() && m[i][j + 1]);
      } else {
        m[i][j] = j < text.size() && (t.any || fold(t.c) == fold(text[j])) && m[i + 1][j + 1];
      }
    }
  }
  return m[0][0];
}

TEST(GlobTest, AgreesWithAReferenceMatcherOnRandomInputs) {
  std::mt19937 rng(1234);
  const std::string pattern_chars = std::string("ab?*A") + kGlobEscape;
  const std::string text_chars = "abAB*?";
  for (int round = 0; round < 20000; ++round) {
    std::string pattern, text;
    int pl = rng() % 9, tl = rng() % 12;
    for (int i = 0; i < pl; ++i) pattern += pattern_chars[rng() % pattern_chars.size()];
    for (int i = 0; i < tl; ++i) text += text_chars[rng() % text_chars.size()];
    bool ic = rng() % 2;
    ASSERT_EQ(GlobMatch(pattern, text, ic), ReferenceMatch(pattern, text, ic))
        << "pattern \"" << pattern << "\" text \"" << text << "\" ignore_case " << ic;
  }
}

TEST(GlobTest, LongSegmentsUseTheBitParallelSearch) {
  std::string seg(150, 'a');
  seg[70] = '?';
  std::string text = std::string(500, 'a') + "b" + std::string(149, 'a') + "c";
  EXPECT_TRUE(GlobMatch("*b" + seg.substr(0, 149) + "*", text));
  EXPECT_TRUE(GlobMatch("*" + seg + "*c", text));
  EXPECT_FALSE(GlobMatch("*" + seg + "b" + seg + "*", text));
  EXPECT_EQ(GlobMatch("*" + seg + "*c", text), ReferenceMatch("*" + seg + "*c", text, false));
}

TEST(GlobTest, AdversarialInputsTakeLinearTime) {
  // 60,000 characters of "*a" against 180,000 "a"s with no final "b": the old matcher
  // backtracked for seconds.
  std::string pattern;
  for (int i = 0; i < 30000; ++i) pattern += "*a";
  pattern += "*b";
  std::string text(180000, 'a');
  std::string long_segment = "*" + std::string(2000, 'a') + "b*";
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(GlobMatch(pattern, text));
  EXPECT_FALSE(GlobMatch(long_segment, text));
  EXPECT_FALSE(GlobMatch("*" + std::string(60, 'a') + "?b*", text));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 1.0);
}

}  // namespace
}  // namespace crossdock::iam
