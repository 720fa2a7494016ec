#include "crossdock/core/text.h"

#include <gtest/gtest.h>

namespace crossdock {
namespace {

TEST(TextTest, DisplayNamesArePrintableUtf8) {
  EXPECT_TRUE(CheckDisplayName("orders nightly", "name").ok());
  EXPECT_TRUE(CheckDisplayName("commandes d\xc3\xa9j\xc3\xa0", "name").ok());
  for (std::string bad :
       {std::string("a\x1b[31mred"), std::string("line\nbreak"), std::string("tab\there"),
        std::string("del\x7f"), std::string("c1 \xc2\x9b"), std::string("bidi \xe2\x80\xae"),
        std::string("bad \xff utf8"), std::string(""), std::string(1001, 'a'),
        std::string("nul\0x", 5)}) {
    Status st = CheckDisplayName(bad, "name");
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_EQ(st.error().field(), "name");
  }
}

TEST(TextTest, EscapesControlCharactersForATerminal) {
  EXPECT_EQ(EscapeForTerminal("plain d\xc3\xa9j\xc3\xa0"), "plain d\xc3\xa9j\xc3\xa0");
  EXPECT_EQ(EscapeForTerminal("a\x1b[2Jb"), "a\\x1b[2Jb");
  EXPECT_EQ(EscapeForTerminal("x\ny\r"), "x\\x0ay\\x0d");
  EXPECT_EQ(EscapeForTerminal("c1\xc2\x9b"), "c1\\xc2\\x9b");
  EXPECT_EQ(EscapeForTerminal("bad\xff"), "bad\\xff");
  EXPECT_EQ(EscapeForTerminal("back\\slash"), "back\\\\slash");
}

}  // namespace
}  // namespace crossdock
