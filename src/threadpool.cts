// libuv's thread pool runs every argon2id hash (@node-rs/argon2 queues its work
// there), beside async fs, dns and zlib. Its size is read once, when the pool
// first starts, and libuv's default of 4 caps hashing at 4 cores whatever the
// machine has. On Node 20 the ES module loader reads every module file through
// that pool, so it has started before the first line of an ES module entry
// runs: this file is CommonJS, loaded first by the CommonJS production entry
// (start.cts), which is read without the pool. The ES module entries (main.ts
// under tsx, the CLI) import it first too; there it only helps where nothing
// has started the pool yet. An operator's own UV_THREADPOOL_SIZE is kept.
import os = require('node:os');

const LIBUV_DEFAULT = 4;

/** At least libuv's default (the pool also serves fs and dns), else one thread per core. */
function threadPoolSize(cores: number): number {
  return Math.max(LIBUV_DEFAULT, cores);
}

process.env.UV_THREADPOOL_SIZE ??= String(threadPoolSize(os.availableParallelism()));

export = { threadPoolSize };
