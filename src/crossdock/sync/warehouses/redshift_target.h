// RedshiftTarget: what the Redshift Serverless connector needs to reach one workgroup: the
// Data API client (signed with the customer role crossdock assumed with the organization's
// External ID), the workgroup and database, the IAM role Redshift itself assumes for COPY
// and UNLOAD (a comma-separated chain is allowed), the workgroup's region, and how
// statements are polled. Built by the connector (jobs/connector.h) from a stored
// redshift-serverless connection; shared by the source and the destination.
#pragma once

#include <memory>
#include <string>

#include "crossdock/aws/redshift/data_api_client.h"

namespace crossdock::sync::warehouse {

struct RedshiftTarget {
  std::shared_ptr<aws::redshift::RedshiftDataClient> data;
  std::shared_ptr<aws::AwsClient> aws;  // the same signed client, for GetCredentials
  aws::redshift::DataApiTarget target;  // workgroup and database
  std::string iam_role;                 // COPY / UNLOAD IAM_ROLE value
  std::string region;                   // the workgroup's region
  aws::redshift::PollOptions poll;      // cancelled is set per run

  // "Redshift Serverless workgroup W, database D".
  std::string Describe() const {
    return "Redshift Serverless workgroup " + target.workgroup_name + ", database " +
           target.database;
  }
};

}  // namespace crossdock::sync::warehouse
