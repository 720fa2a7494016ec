// Starts kinesalite (an in-memory Kinesis Data Streams implementation) on 127.0.0.1 only.
// Streams are ACTIVE at once so tests need not poll. kinesalite checks that requests are
// signed but not the signature, so credentials from the External ID front's STS work.
'use strict';
const kinesalite = require('kinesalite');

const port = Number(process.argv[2] || 4567);
const server = kinesalite({createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100});
server.listen(port, '127.0.0.1', () => {
  console.log(`kinesalite listening on http://127.0.0.1:${port}`);
});

// kinesalite rethrows a request's 'error' event, so a client that goes away mid-request (a
// worker killed on purpose by a test, a timed-out call) would stop the whole peer and fail
// every later Kinesis test. Such aborts are the client's business: log and keep serving.
process.on('uncaughtException', (err) => {
  if (err && (err.code === 'ECONNRESET' || err.code === 'EPIPE' || err.message === 'aborted')) {
    console.error(`client went away mid-request (${err.code || err.message}); still serving`);
    return;
  }
  console.error(err);
  process.exit(1);
});
