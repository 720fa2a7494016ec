-- wrk script for bench/server_load.sh: POST /v1/policies/simulate with a trust policy that
-- requires an External ID, evaluated for the vendor with the right External ID.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = [[{"policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole",
  "Condition": {"StringEquals": {"sts:ExternalId": "cdx-benchmarkexternalid0000"}}}]},
  "principal": "arn:aws:iam::123456789012:root", "action": "sts:AssumeRole",
  "resource": "arn:aws:iam::111122223333:role/crossdock",
  "context": {"sts:ExternalId": "cdx-benchmarkexternalid0000"}}]]
