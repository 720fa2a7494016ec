// Fills a kinesalite stream for bench/kinesis_source.sh: COUNT JSON records of about 200 bytes
// over SHARDS shards, put 500 at a time. Usage: node producer.mjs STREAM ENDPOINT COUNT SHARDS
import {KinesisClient, CreateStreamCommand, PutRecordsCommand} from '@aws-sdk/client-kinesis';
import {NodeHttpHandler} from '@smithy/node-http-handler';

const [stream, endpoint, countArg, shardsArg] = process.argv.slice(2);
const count = Number(countArg), shards = Number(shardsArg);
const kinesis = new KinesisClient({endpoint, requestHandler: new NodeHttpHandler()});
await kinesis.send(new CreateStreamCommand({StreamName: stream, ShardCount: shards}));
await new Promise((resolve) => setTimeout(resolve, 500));
const inflight = [];
for (let i = 0; i < count; i += 500) {
  const records = [];
  for (let k = i; k < Math.min(count, i + 500); ++k) {
    const doc = {id: k, user: `user-${k % 9973}`, event: k % 3 ? 'view' : 'click',
                 path: `/products/${k % 1000}/details`, ts: 1714550400000 + k, amount: (k % 10000) / 100};
    records.push({PartitionKey: `pk-${k}`, Data: Buffer.from(JSON.stringify(doc))});
  }
  inflight.push(kinesis.send(new PutRecordsCommand({StreamName: stream, Records: records})).then((r) => {
    if (r.FailedRecordCount) throw new Error(`${r.FailedRecordCount} records failed`);
  }));
  if (inflight.length >= 8) await inflight.shift();
}
await Promise.all(inflight);
