// libuv's thread pool runs every argon2id hash (@node-rs/argon2 queues its work
// there), beside async fs, dns and zlib. Its size is read once, when the pool
// first starts, and libuv's default of 4 caps hashing at 4 cores whatever the
// machine has. So each entry point imports this module FIRST, before anything
// that could start the pool; an operator's own UV_THREADPOOL_SIZE is kept.
import os from 'node:os';

const LIBUV_DEFAULT = 4;

/** At least libuv's default (the pool also serves fs and dns), else one thread per core. */
export function threadPoolSize(cores: number): number {
  return Math.max(LIBUV_DEFAULT, cores);
}

process.env.UV_THREADPOOL_SIZE ??= String(threadPoolSize(os.availableParallelism()));
