#include "crossdock/connect/redshift_check.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <libpq-fe.h>

#include <chrono>
#include <optional>

#include "crossdock/aws/redshift/data_api_client.h"
#include "crossdock/aws/redshift/serverless_client.h"
#include "crossdock/iam/operations.h"

namespace crossdock::connect {
namespace {

namespace rs = aws::redshift;
using Millis = std::chrono::milliseconds;

std::string Quoted(const std::string& identifier) {
  std::string out = "\"";
  for (char ch : identifier) {
    if (ch == '"') out.push_back('"');
    out.push_back(ch);
  }
  return out + "\"";
}

std::string SqlLiteral(const std::string& text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'') out.push_back('\'');
    out.push_back(ch);
  }
  return out + "'";
}

// The action the operation table names for an API ("redshift-data:ExecuteStatement").
std::string TableAction(std::string_view api) {
  const iam::OperationDef* def = iam::FindOperation(api);
  if (def == nullptr || def->requirements.empty()) return std::string(api);
  return def->requirements.front().action;
}

class RedshiftChecker {
 public:
  RedshiftChecker(const Connection& c, const aws::CredentialsProviderPtr& creds,
                  const RedshiftCheckEnvironment& env, const DiagnosisContext& ctx,
                  std::vector<CheckResult>& out)
      : c_(c),
        env_(env),
        ctx_(ctx),
        out_(out),
        clock_(env.clock != nullptr ? *env.clock : SystemClock::Instance()),
        aws_(std::make_shared<aws::AwsClient>(env.transport, creds, clock_, env.retry)),
        target_{c.redshift.workgroup, "", c.redshift.database},
        dbuser_(c.auth_method == AuthMethod::kIamRole ? RedshiftDbUser(c.role_arn) : "") {
    poll_.initial_delay = Millis(50);
    poll_.max_delay = Millis(1000);
    poll_.timeout = std::chrono::minutes(2);
  }

  void Run() {
    rs::RedshiftDataOptions options;
    options.region = c_.region;
    options.endpoint_override = env_.data_endpoint;
    auto data = rs::RedshiftDataClient::Create(aws_, options);
    if (!data.ok()) {
      Add(Failed("redshift_execute_statement", "Prepare the Redshift Data API client", data.error(),
                 "Check the connection's region and the Data API endpoint."));
      return;
    }
    data_.emplace(std::move(data).value());
    if (!IdentityProbes()) return;
    if (c_.redshift.access == RedshiftAccess::kVpcEndpoint) VpcEndpointProbes();
    GrantChecks();
  }

 private:
  void Add(CheckResult r) { out_.push_back(std::move(r)); }

  CheckResult Failed(const char* id, std::string title, const Error& error, std::string fix) {
    CheckResult r;
    r.id = id;
    r.title = std::move(title);
    r.status = CheckStatus::kFail;
    RecordError(error, r);
    r.fix = std::move(fix);
    return r;
  }

  void Skip(const char* id, const char* why) {
    CheckResult r;
    r.id = id;
    r.title = id;
    r.status = CheckStatus::kSkip;
    r.message = why;
    Add(std::move(r));
  }

  // A failed Data API or Redshift Serverless call: the action to grant when IAM denied it,
  // the workgroup or database to correct otherwise.
  void Diagnose(const Error& error, std::string_view api, CheckResult& r) {
    RecordError(error, r);
    r.status = CheckStatus::kFail;
    const std::string action = TableAction(api);
    switch (error.code()) {
      case ErrorCode::kAccessDenied:
        r.diagnosis =
            fmt::format("{} is not allowed {}.",
                        ctx_.role_arn.empty() ? "The access key's user" : "The role", action);
        r.fix = iam::GrantFix(action, "*", ctx_.role_arn.empty() ? "user's" : "role's");
        break;
      case ErrorCode::kNotFound:
        r.diagnosis =
            fmt::format("The workgroup {} was not found in {}.", c_.redshift.workgroup, c_.region);
        r.fix =
            "Check the workgroup name on the connection (redshift.workgroup) and that the "
            "connection's region is the workgroup's.";
        break;
      default:
        r.diagnosis = fmt::format("The call needing {} did not complete.", action);
        r.fix = "Retry; if it persists, check the workgroup and the Redshift endpoints.";
        break;
    }
  }

  // A statement that ran but FAILED: the database's words, and the fix when known.
  void DiagnoseStatement(const rs::StatementDescription& d, CheckResult& r) {
    r.status = CheckStatus::kFail;
    r.message = d.error.empty()
                    ? "the statement ended " + std::string(rs::StatementStatusName(d.status))
                    : d.error;
    if (d.error.find("does not exist") != std::string::npos &&
        d.error.find("database") != std::string::npos) {
      r.diagnosis = fmt::format("The database {} does not exist in workgroup {}.",
                                c_.redshift.database, c_.redshift.workgroup);
      r.fix = "Set the connection's redshift.database to an existing database (e.g. dev).";
    } else {
      r.diagnosis = "Redshift could not run a read-only statement as the role's database user.";
      r.fix = fmt::format("Check that the database user {} may connect to database {}.",
                          dbuser_.empty() ? "of these credentials" : dbuser_, c_.redshift.database);
    }
  }

  template <typename F>
  bool Timed(const char* id, std::string title, F&& body) {
    CheckResult r;
    r.id = id;
    r.title = std::move(title);
    auto start = std::chrono::steady_clock::now();
    body(r);
    r.duration = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - start);
    bool ok = r.status != CheckStatus::kFail;
    Add(std::move(r));
    return ok;
  }

  bool IdentityProbes() {
    const std::string where =
        fmt::format("workgroup {} database {}", c_.redshift.workgroup, c_.redshift.database);
    std::string id;
    bool ok = Timed("redshift_execute_statement",
                    "ExecuteStatement SELECT current_user, current_database() on " + where,
                    [&](CheckResult& r) {
                      rs::ExecuteStatementParams p;
                      p.target = target_;
                      p.sql = "SELECT current_user, current_database()";
                      p.statement_name = "crossdock connection test";
                      auto submitted = data_->ExecuteStatement(p);
                      if (!submitted.ok())
                        return Diagnose(submitted.error(), "redshift-data:ExecuteStatement", r);
                      id = submitted->id;
                      r.status = CheckStatus::kPass;
                      r.message = "submitted statement " + id;
                    });
    if (!ok) {
      Skip("redshift_describe_statement", "skipped: no statement was submitted");
      Skip("redshift_get_statement_result", "skipped: no statement was submitted");
      return false;
    }
    ok = Timed("redshift_describe_statement", "DescribeStatement " + id, [&](CheckResult& r) {
      auto done = data_->WaitForStatement(id, poll_);
      if (done.ok()) {
        r.status = CheckStatus::kPass;
        r.message = "the statement finished";
        return;
      }
      if (done.error().code() == ErrorCode::kAccessDenied &&
          done.error().aws_code().find("AccessDenied") != std::string::npos) {
        return Diagnose(done.error(), "redshift-data:DescribeStatement", r);
      }
      // Ended FAILED or ABORTED: read the database's words.
      auto described = data_->DescribeStatement(id);
      if (described.ok() && described->status != rs::StatementStatus::kFinished) {
        return DiagnoseStatement(*described, r);
      }
      Diagnose(done.error(), "redshift-data:DescribeStatement", r);
    });
    if (!ok) {
      Skip("redshift_get_statement_result", "skipped: the statement did not finish");
      return false;
    }
    return Timed("redshift_get_statement_result", "GetStatementResult " + id, [&](CheckResult& r) {
      auto result = data_->GetStatementResult(id, 10);
      if (!result.ok()) {
        return Diagnose(result.error(), "redshift-data:GetStatementResult", r);
      }
      if (result->rows.empty() || result->rows[0].size() < 2) {
        r.status = CheckStatus::kFail;
        r.message = "the statement returned no row";
        r.diagnosis = "Redshift answered SELECT current_user without a row.";
        r.fix = "Retry; if it persists, check the Data API endpoint.";
        return;
      }
      r.status = CheckStatus::kPass;
      r.message = fmt::format("connected as {} to database {}", result->rows[0][0].ToText(),
                              result->rows[0][1].ToText());
    });
  }

  void VpcEndpointProbes() {
    rs::RedshiftServerlessOptions options;
    options.region = c_.region;
    options.endpoint_override = env_.serverless_endpoint;
    std::optional<rs::DatabaseCredentials> creds;
    bool ok = Timed("redshift_get_credentials",
                    fmt::format("GetCredentials for workgroup {}", c_.redshift.workgroup),
                    [&](CheckResult& r) {
                      auto client = rs::RedshiftServerlessClient::Create(aws_, options);
                      if (!client.ok()) {
                        return Diagnose(client.error(), "redshift-serverless:GetCredentials", r);
                      }
                      rs::GetCredentialsParams p;
                      p.workgroup_name = c_.redshift.workgroup;
                      p.db_name = c_.redshift.database;
                      auto got = client->GetCredentials(p);
                      if (!got.ok()) {
                        return Diagnose(got.error(), "redshift-serverless:GetCredentials", r);
                      }
                      creds = std::move(got).value();
                      r.status = CheckStatus::kPass;
                      r.message = "temporary credentials for " + creds->db_user;
                    });
    if (!ok) {
      Skip("redshift_login", "skipped: no database credentials");
      return;
    }
    const std::string port = std::to_string(c_.redshift.vpc_endpoint_port);
    const std::string database =
        env_.vpc_database.empty() ? c_.redshift.database : env_.vpc_database;
    Timed("redshift_login",
          fmt::format("Log in to {}:{} as {}", c_.redshift.vpc_endpoint_host, port, creds->db_user),
          [&](CheckResult& r) {
            const char* keys[] = {"host",     "port",    "dbname",          "user",
                                  "password", "sslmode", "connect_timeout", nullptr};
            const char* values[] = {c_.redshift.vpc_endpoint_host.c_str(),
                                    port.c_str(),
                                    database.c_str(),
                                    creds->db_user.c_str(),
                                    creds->db_password.c_str(),
                                    "prefer",
                                    "10",
                                    nullptr};
            PGconn* conn = PQconnectdbParams(keys, values, 0);
            if (PQstatus(conn) == CONNECTION_OK) {
              r.status = CheckStatus::kPass;
              r.message = "logged in with the temporary password";
            } else {
              r.status = CheckStatus::kFail;
              std::string message = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
              while (!message.empty() && message.back() == '\n') message.pop_back();
              r.message = message;
              r.diagnosis =
                  fmt::format("The VPC endpoint {}:{} refused or did not answer the login.",
                              c_.redshift.vpc_endpoint_host, port);
              r.fix =
                  "Check redshift.vpc_endpoint (host and port) and that its security group "
                  "admits crossdock's address.";
            }
            PQfinish(conn);
          });
  }

  // Runs one query through the Data API; an Error when it did not finish.
  Result<rs::StatementResult> Query(const std::string& sql) {
    rs::ExecuteStatementParams p;
    p.target = target_;
    p.sql = sql;
    p.statement_name = "crossdock connection test: grants";
    return data_->Query(p, poll_, 200);
  }

  void GrantChecks() {
    const std::string schema = kRedshiftDefaultSchema;
    const std::string grantee = dbuser_.empty() ? "the database user" : dbuser_;
    auto flags =
        Query(fmt::format("SELECT has_database_privilege(current_database(), 'TEMP'), "
                          "has_database_privilege(current_database(), 'CREATE'), "
                          "has_schema_privilege({0}, 'USAGE'), has_schema_privilege({0}, 'CREATE')",
                          SqlLiteral(schema)));
    const char* ids[] = {"redshift_database_temp", "redshift_database_create",
                         "redshift_schema_usage", "redshift_schema_create"};
    if (!flags.ok() || flags->rows.empty() || flags->rows[0].size() < 4) {
      CheckResult r;
      r.id = "redshift_grants";
      r.title = "Read the database user's privileges";
      r.status = CheckStatus::kFail;
      if (!flags.ok()) {
        RecordError(flags.error(), r);
      } else {
        r.message = "the privilege query returned no row";
      }
      r.diagnosis = "crossdock could not read the privileges of " + grantee + ".";
      r.fix = "Retry; if it persists, check the workgroup's logs.";
      Add(std::move(r));
      return;
    }
    const std::string db = Quoted(c_.redshift.database);
    struct Need {
      std::string what;
      std::string privilege;
      std::string on;
      const char* why;
    };
    const Need needs[] = {
        {"TEMP on the database", "TEMP", "DATABASE " + db, "loads stage rows in temporary tables"},
        {"CREATE on the database", "CREATE", "DATABASE " + db,
         "syncs create the schemas they write to"},
        {"USAGE on schema " + schema, "USAGE", "SCHEMA " + Quoted(schema),
         "every sync reads or writes tables in the schema"},
        {"CREATE on schema " + schema, "CREATE", "SCHEMA " + Quoted(schema),
         "syncs create their tables and load logs in the schema"},
    };
    for (size_t i = 0; i < 4; ++i) {
      CheckResult r;
      r.id = ids[i];
      r.title = fmt::format("{} has {}", grantee, needs[i].what);
      if (flags->rows[0][i].ToText() == "true") {
        r.status = CheckStatus::kPass;
        r.message = "granted";
      } else {
        r.status = CheckStatus::kFail;
        r.message = "permission denied: not granted";
        r.diagnosis = fmt::format("{} lacks {}: {}.", grantee, needs[i].what, needs[i].why);
        r.fix = RedshiftGrant(needs[i].privilege, needs[i].on, grantee) +
                " (or grant it to the Redshift role named by the IAM role's RedshiftDbRoles "
                "tag; crossdock connection setup prints both).";
      }
      Add(std::move(r));
    }
    TablePrivileges(schema, grantee);
  }

  void TablePrivileges(const std::string& schema, const std::string& grantee) {
    Timed("redshift_table_privileges",
          fmt::format("{} has SELECT, INSERT, UPDATE, DELETE on the tables of {}", grantee, schema),
          [&](CheckResult& r) {
            const std::string name = "quote_ident(schemaname) || '.' || quote_ident(tablename)";
            auto rows = Query(fmt::format(
                "SELECT tablename, has_table_privilege({0}, 'SELECT'), "
                "has_table_privilege({0}, 'INSERT'), has_table_privilege({0}, 'UPDATE'), "
                "has_table_privilege({0}, 'DELETE') FROM pg_tables WHERE schemaname = {1} "
                "ORDER BY tablename LIMIT 100",
                name, SqlLiteral(schema)));
            if (!rows.ok()) {
              RecordError(rows.error(), r);
              r.status = CheckStatus::kFail;
              r.diagnosis = "crossdock could not read the table privileges.";
              r.fix = RedshiftGrant("USAGE", "SCHEMA " + Quoted(schema), grantee);
              return;
            }
            std::vector<std::string> lacking;
            for (const auto& row : rows->rows) {
              if (row.size() < 5) continue;
              for (size_t i = 1; i < 5; ++i) {
                if (row[i].ToText() != "true") {
                  lacking.push_back(row[0].ToText());
                  break;
                }
              }
            }
            if (lacking.empty()) {
              r.status = CheckStatus::kPass;
              r.message = rows->rows.empty() ? "the schema has no tables yet"
                                             : fmt::format("all {} tables", rows->rows.size());
              return;
            }
            r.status = CheckStatus::kFail;
            r.message = fmt::format("permission denied on {} of {} tables: {}", lacking.size(),
                                    rows->rows.size(), fmt::join(lacking, ", "));
            r.diagnosis = fmt::format(
                "{} cannot read or write every table of {}: syncs into them would fail with "
                "\"permission denied for relation\".",
                grantee, schema);
            r.fix = RedshiftGrant("SELECT, INSERT, UPDATE, DELETE",
                                  "ALL TABLES IN SCHEMA " + Quoted(schema), grantee);
          });
  }

  const Connection& c_;
  const RedshiftCheckEnvironment& env_;
  const DiagnosisContext& ctx_;
  std::vector<CheckResult>& out_;
  Clock& clock_;
  std::shared_ptr<aws::AwsClient> aws_;
  rs::DataApiTarget target_;
  std::string dbuser_;
  rs::PollOptions poll_;
  std::optional<rs::RedshiftDataClient> data_;
};

}  // namespace

std::string RedshiftDbUser(const std::string& role_arn) {
  auto slash = role_arn.rfind('/');
  return "IAMR:" + (slash == std::string::npos ? role_arn : role_arn.substr(slash + 1));
}

std::string RedshiftGrant(const std::string& privileges, const std::string& on,
                          const std::string& dbuser) {
  return fmt::format("GRANT {} ON {} TO {};", privileges, on, Quoted(dbuser));
}

void RunRedshiftChecks(const Connection& c, const aws::CredentialsProviderPtr& creds,
                       const RedshiftCheckEnvironment& env, const DiagnosisContext& ctx,
                       std::vector<CheckResult>& out) {
  RedshiftChecker(c, creds, env, ctx, out).Run();
}

}  // namespace crossdock::connect
