// Preloaded (NODE_OPTIONS=--require) into every node process of a `cdk synth`
// run by the tests: records and refuses any network connection or DNS lookup,
// so the test can prove the synth needs none. Unix sockets and pipes (IPC
// between the CLI, tsx and esbuild) stay allowed.
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');
const log = process.env.PATGATE_NETWORK_LOG;
const note = (what) => {
  if (log) fs.appendFileSync(log, `${process.pid} ${what}\n`);
};
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // net.connect() passes its normalized [options, callback] as one array.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const opts = typeof first === 'object' && first !== null ? first : { port: first, host: args[1], path: typeof first === 'string' ? first : undefined };
  if (opts.path === undefined && (opts.port !== undefined || opts.host !== undefined)) {
    note(`connect ${opts.host ?? 'localhost'}:${opts.port}`);
    process.nextTick(() => this.destroy(new Error('network access refused by the offline test')));
    return this;
  }
  return connect.apply(this, args);
};
const refuseLookup = (name) => (hostname, ...rest) => {
  note(`${name} ${hostname}`);
  const cb = rest[rest.length - 1];
  if (typeof cb === 'function') process.nextTick(() => cb(Object.assign(new Error('DNS refused by the offline test'), { code: 'ENOTFOUND' })));
};
dns.lookup = refuseLookup('lookup');
dns.resolve = refuseLookup('resolve');
