// `crossdock s3 ls|rm` and the registration of the s3 group (cp is in s3_cp_command.cc).
//
// ls lists one level (PRE for common prefixes) or, with --recursive, every key under the
// prefix, in the aws CLI's layout. rm deletes one object or, with --recursive, every object
// under a prefix through DeleteObjects in batches of 1,000; keys S3 refuses are reported one
// per line on stderr and make the command exit 3.
#include <fmt/format.h>

#include <iostream>

#include "crossdock/cli/commands.h"
#include "crossdock/cli/s3_cli.h"

namespace crossdock::cli {

void AddS3CpCommand(CLI::App& s3);  // s3_cp_command.cc

namespace {

// "2024-01-02T03:04:05.000Z" -> "2024-01-02 03:04:05".
std::string ShortTime(const std::string& iso) {
  if (iso.size() < 19) return iso;
  std::string out = iso.substr(0, 19);
  out[10] = ' ';
  return out;
}

int RunLs(const std::string& target, const S3CliOptions& o) {
  auto arg = ParseS3Arg(target);
  if (!arg.ok()) return ReportS3Error("ls", arg.error());
  if (arg->kind != S3Arg::kS3) {
    return ReportS3Error("ls", Error(ErrorCode::kInvalidArgument,
                                     fmt::format("'{}' is not an s3:// URL; write "
                                                 "s3://BUCKET[/PREFIX]",
                                                 target),
                                     "target"));
  }
  auto client = MakeCliS3Client(o);
  if (!client.ok()) return ReportS3Error("ls", client.error());
  aws::s3::ListObjectsV2Params params;
  params.prefix = arg->key;
  if (!o.recursive) params.delimiter = "/";
  // Non-recursive listings print names relative to the "directory" being listed.
  size_t strip = o.recursive ? 0 : arg->key.rfind('/') + 1;
  Status st =
      (*client)->ListObjects(arg->bucket, params, [&](const aws::s3::ListObjectsV2Page& page) {
        for (const auto& p : page.common_prefixes) {
          std::cout << fmt::format("{:>30} {}\n", "PRE", p.substr(strip));
        }
        for (const auto& obj : page.objects) {
          std::cout << fmt::format("{} {:>10} {}\n", ShortTime(obj.last_modified), obj.size,
                                   obj.key.substr(std::min(strip, obj.key.size())));
        }
        return OkStatus();
      });
  std::cout.flush();
  if (!st.ok()) return ReportS3Error("ls", st.error());
  return kExitOk;
}

int RunRm(const std::string& target, const S3CliOptions& o) {
  auto arg = ParseS3Arg(target);
  if (!arg.ok()) return ReportS3Error("rm", arg.error());
  if (arg->kind != S3Arg::kS3) {
    return ReportS3Error("rm", Error(ErrorCode::kInvalidArgument,
                                     fmt::format("'{}' is not an s3:// URL; write "
                                                 "s3://BUCKET/KEY",
                                                 target),
                                     "target"));
  }
  auto client = MakeCliS3Client(o);
  if (!client.ok()) return ReportS3Error("rm", client.error());
  if (!o.recursive) {
    if (arg->key.empty()) {
      return ReportS3Error("rm", Error(ErrorCode::kInvalidArgument,
                                       "no key given; name the object or use --recursive "
                                       "to delete everything under a prefix",
                                       "target"));
    }
    Status st = (*client)->DeleteObject(arg->bucket, arg->key);
    if (!st.ok()) return ReportS3Error("rm", st.error());
    if (!o.quiet) std::cout << "delete: " << arg->ToString() << "\n";
    return kExitOk;
  }
  auto objects = (*client)->ListAllObjects(arg->bucket, arg->key);
  if (!objects.ok()) return ReportS3Error("rm", objects.error());
  std::vector<std::string> keys;
  for (const auto& obj : *objects) keys.push_back(obj.key);
  if (keys.empty()) return kExitOk;
  auto result = (*client)->DeleteObjects(arg->bucket, keys);
  if (!result.ok()) return ReportS3Error("rm", result.error());
  if (!o.quiet) {
    for (const auto& k : result->deleted) {
      std::cout << "delete: s3://" << arg->bucket << "/" << k << "\n";
    }
  }
  for (const auto& e : result->errors) {
    std::cerr << "crossdock s3 rm: s3://" << arg->bucket << "/" << e.key << ": " << e.code
              << (e.message.empty() ? "" : ": " + e.message) << "\n";
  }
  return result->errors.empty() ? kExitOk : kExitFailure;
}

}  // namespace

void RegisterS3Commands(CLI::App& app) {
  CLI::App* s3 = app.add_subcommand("s3", "List, copy and delete S3 objects");
  s3->require_subcommand(1);

  auto ls_opts = std::make_shared<S3CliOptions>();
  auto ls_target = std::make_shared<std::string>();
  CLI::App* ls = s3->add_subcommand("ls", "List objects under s3://BUCKET[/PREFIX]");
  ls->add_option("target", *ls_target, "s3://BUCKET[/PREFIX]")->required();
  ls->add_flag("--recursive,-r", ls_opts->recursive, "Every key under the prefix");
  AddCredentialsFlags(*ls, ls_opts->credentials);
  ls->callback([=] { ExitWith(RunLs(*ls_target, *ls_opts)); });

  auto rm_opts = std::make_shared<S3CliOptions>();
  auto rm_target = std::make_shared<std::string>();
  CLI::App* rm = s3->add_subcommand("rm", "Delete s3://BUCKET/KEY (or a prefix, --recursive)");
  rm->add_option("target", *rm_target, "s3://BUCKET/KEY")->required();
  rm->add_flag("--recursive,-r", rm_opts->recursive, "Delete every object under the prefix");
  rm->add_flag("--quiet,-q", rm_opts->quiet, "Do not print deleted keys");
  AddCredentialsFlags(*rm, rm_opts->credentials);
  rm->callback([=] { ExitWith(RunRm(*rm_target, *rm_opts)); });

  AddS3CpCommand(*s3);
}

}  // namespace crossdock::cli
