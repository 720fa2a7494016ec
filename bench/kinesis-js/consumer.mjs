// The benchmark's baseline: what a user would write with the AWS SDK for JavaScript v3 to do
// what one crossdock Kinesis sync run does: read every shard of a stream from TRIM_HORIZON to
// the tip (at most PARALLEL shards at a time, parents before children), write one JSON Lines
// row per record with the same columns (data embedded when it is JSON, else base64), compress
// with zstd (the zstd program, level 3, as crossdock's default) and upload the file to S3 in a
// streaming multipart upload (@aws-sdk/lib-storage). Kinesis is called over HTTP/1.1 (the SDK
// defaults to HTTP/2 for Kinesis, which kinesalite does not speak; AWS serves both).
//
// Usage: node consumer.mjs STREAM KINESIS_ENDPOINT S3_ENDPOINT BUCKET KEY [PARALLEL]
// Credentials and region from the environment (AWS_ACCESS_KEY_ID, ..., AWS_REGION).
import {spawn} from 'node:child_process';
import {KinesisClient, ListShardsCommand, GetShardIteratorCommand, GetRecordsCommand} from '@aws-sdk/client-kinesis';
import {NodeHttpHandler} from '@smithy/node-http-handler';
import {S3Client} from '@aws-sdk/client-s3';
import {Upload} from '@aws-sdk/lib-storage';

const [stream, kinesisEndpoint, s3Endpoint, bucket, key, parallelArg] = process.argv.slice(2);
const parallel = Number(parallelArg || 8);
const kinesis = new KinesisClient({endpoint: kinesisEndpoint, requestHandler: new NodeHttpHandler()});
const s3 = new S3Client({endpoint: s3Endpoint, forcePathStyle: true});

const zstd = spawn('zstd', ['-3', '-q', '-c'], {stdio: ['pipe', 'pipe', 'inherit']});
const upload = new Upload({client: s3, params: {Bucket: bucket, Key: key, Body: zstd.stdout},
                           partSize: 8 << 20, queueSize: 4});
const uploaded = upload.done();

function write(text) {
  if (!zstd.stdin.write(text)) return new Promise((resolve) => zstd.stdin.once('drain', resolve));
  return null;
}

function render(data) {
  const text = Buffer.from(data).toString('utf8');
  try {
    JSON.parse(text);
    if (Buffer.from(text, 'utf8').equals(Buffer.from(data))) {
      return ['json', JSON.stringify(JSON.parse(text))];
    }
  } catch (e) { /* not JSON */ }
  return ['base64', JSON.stringify(Buffer.from(data).toString('base64'))];
}

const started = Date.now();
let rows = 0;
async function readShard(shardId) {
  let {ShardIterator: it} = await kinesis.send(new GetShardIteratorCommand(
      {StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON'}));
  while (it) {
    const page = await kinesis.send(new GetRecordsCommand({ShardIterator: it, Limit: 10000}));
    let out = '';
    for (const r of page.Records) {
      if (r.ApproximateArrivalTimestamp.getTime() > started) return;  // the run's tip
      const [encoding, data] = render(r.Data);
      out += `{"stream":${JSON.stringify(stream)},"shard_id":${JSON.stringify(shardId)},` +
          `"partition_key":${JSON.stringify(r.PartitionKey)},"sequence_number":"${r.SequenceNumber}",` +
          `"sub_sequence_number":0,"approximate_arrival":"${r.ApproximateArrivalTimestamp.toISOString()}",` +
          `"data_encoding":"${encoding}","data":${data}}\n`;
      ++rows;
    }
    if (out) await write(out);
    if (page.Records.length === 0 && page.MillisBehindLatest === 0) return;
    it = page.NextShardIterator;
  }
}

const shards = [];
let token;
do {
  const page = await kinesis.send(new ListShardsCommand(token ? {NextToken: token} : {StreamName: stream}));
  shards.push(...page.Shards);
  token = page.NextToken;
} while (token);
const listed = new Set(shards.map((s) => s.ShardId));
const drained = new Set();
const pending = [...shards];
const ready = () => pending.filter((s) => [s.ParentShardId, s.AdjacentParentShardId].every(
    (p) => !p || !listed.has(p) || drained.has(p)));
const running = new Set();
while (pending.length || running.size) {
  for (const s of ready()) {
    if (running.size >= parallel) break;
    pending.splice(pending.indexOf(s), 1);
    const p = readShard(s.ShardId).then(() => {
      if (s.SequenceNumberRange.EndingSequenceNumber) drained.add(s.ShardId);
      running.delete(p);
    });
    running.add(p);
  }
  if (running.size) await Promise.race(running);
  else if (pending.length) throw new Error('shards whose parents never drain');
}
zstd.stdin.end();
await uploaded;
console.log(JSON.stringify({rows, seconds: (Date.now() - started) / 1000}));
