// Every `crossdock ...` command line that a fix, hint, error message or doc names must exist:
// this reads the sources (where the diagnoses and hints are written) and the docs, finds
// each mention of a command group, and resolves its subcommands and flags in the real
// command tree (cli::BuildApp). A diagnosis that names a command or flag users cannot type
// fails here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "crossdock/cli/app.h"

namespace crossdock::cli {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Words of a mention: "crossdock connection test NAME --permissions FILE" -> tokens.
std::vector<std::string> Tokens(const std::string& text) {
  std::vector<std::string> out;
  static const std::regex kToken("[A-Za-z0-9_.:/=-]+");
  for (std::sregex_iterator it(text.begin(), text.end(), kToken), end; it != end; ++it) {
    out.push_back(it->str());
  }
  return out;
}

CLI::App* Sub(CLI::App* app, const std::string& name) {
  for (CLI::App* s : app->get_subcommands([](CLI::App*) { return true; })) {
    if (s->get_name() == name) return s;
  }
  return nullptr;
}

bool HasOption(CLI::App* app, const std::string& flag) {
  for (CLI::App* a = app; a != nullptr; a = a->get_parent()) {
    if (a->get_option_no_throw(flag) != nullptr) return true;
  }
  return flag == "--help";
}

// Checks one mention; "" when it resolves, else what is wrong.
std::string Resolve(CLI::App& root, const std::string& mention) {
  std::vector<std::string> tokens = Tokens(mention);
  CLI::App* at = &root;
  size_t i = 1;  // tokens[0] == "crossdock"
  bool any_sub = false;
  for (; i < tokens.size(); ++i) {
    CLI::App* next = Sub(at, tokens[i]);
    if (next == nullptr) break;
    at = next;
    any_sub = true;
  }
  if (!any_sub) return "";  // prose: "crossdock has no ..."
  const size_t first_arg = i;
  for (; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (t.starts_with("--")) {
      std::string flag = t.substr(0, t.find('='));
      if (!HasOption(at, flag)) return "no flag " + flag + " on `" + at->get_name() + "`";
      continue;
    }
    // A lower-case word right after a group that needs a subcommand must be one.
    bool group = !at->get_subcommands([](CLI::App*) { return true; }).empty();
    if (group && i == first_arg && std::islower(static_cast<unsigned char>(t[0]))) {
      return "no subcommand `" + t + "` under `" + at->get_name() + "`";
    }
  }
  return "";
}

// The mentions in one file: "crossdock" and what follows on the same line up to a closing
// quote, backtick, parenthesis or the line's end (C++ string pieces are joined first).
std::vector<std::string> Mentions(const std::string& text, bool cpp) {
  std::string joined = text;
  if (cpp) {  // "...crossdock policy generate "\n   "--kms-key ..." -> one string
    joined = std::regex_replace(joined, std::regex("\"\\s*\\n\\s*\""), "");
  }
  std::vector<std::string> out;
  // Words after "crossdock" up to the next mention of it.
  static const std::regex kMention(
      "\\bcrossdock((?: +(?!crossdock\\b)(?:[a-z][a-z0-9-]*|[A-Z][A-Z_]*|--[a-z0-9-]+(?:=[^ "
      "`\"')]*)?))+)");
  for (std::sregex_iterator it(joined.begin(), joined.end(), kMention), end; it != end; ++it) {
    out.push_back("crossdock" + (*it)[1].str());
  }
  return out;
}

TEST(CommandsNamed, EveryCommandAndFlagThatFixesHintsAndDocsNameExists) {
  auto app = BuildApp();
  const fs::path root = CROSSDOCK_SOURCE_DIR;
  std::vector<fs::path> files;
  for (const char* dir : {"src/crossdock", "docs"}) {
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      auto ext = e.path().extension();
      if (ext == ".cc" || ext == ".h" || ext == ".md" || ext == ".js" || ext == ".html") {
        files.push_back(e.path());
      }
    }
  }
  files.push_back(root / "README.md");
  size_t checked = 0;
  std::vector<std::string> wrong;
  for (const fs::path& f : files) {
    bool cpp = f.extension() == ".cc" || f.extension() == ".h";
    for (const std::string& m : Mentions(Read(f), cpp)) {
      std::string problem = Resolve(*app, m);
      ++checked;
      if (!problem.empty()) {
        wrong.push_back(fs::relative(f, root).string() + ": `" + m + "`: " + problem);
      }
    }
  }
  EXPECT_GT(checked, 50u) << "the mentions were not found";
  for (const auto& w : wrong) ADD_FAILURE() << w;
}

TEST(CommandsNamed, TheCheckCatchesAFlagOrCommandThatDoesNotExist) {
  auto app = BuildApp();
  EXPECT_EQ(Resolve(*app, "crossdock identity set --account-id ACCOUNT_ID"), "");
  EXPECT_NE(Resolve(*app, "crossdock identity --set-account ACCOUNT_ID"), "");
  EXPECT_NE(Resolve(*app, "crossdock policy generate --kms-key-arn KEY"), "");
  EXPECT_EQ(Resolve(*app, "crossdock policy generate --kms-key KEY"), "");
  EXPECT_EQ(Resolve(*app, "crossdock has no AWS credentials"), "");
  EXPECT_NE(Resolve(*app, "crossdock org rotate --confirm"), "");
  auto found =
      Mentions("\"(crossdock policy generate \"\n        \"--kms-key-arn adds them).\"", true);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(Resolve(*app, found[0]), "");
}

}  // namespace
}  // namespace crossdock::cli
