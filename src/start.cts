// The production entry (`npm start`: node dist/server/start.cjs). CommonJS on
// purpose: it sizes libuv's thread pool (threadpool.cts) before anything can
// start it, then loads the server (main.ts), whose ES modules are read through
// the pool. An ES module entry cannot: on Node 20 its own file is read through
// the pool, which then keeps libuv's default of 4 threads.
import threadpool = require('./threadpool.cts');

void threadpool;
void import('./main.ts');
