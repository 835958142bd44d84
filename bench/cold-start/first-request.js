// Runs in a fresh Node.js process: loads a bundled handler, serves one request, reports the timings on stdout.
const start = performance.now();
const bundle = require(process.env.BENCH_BUNDLE);
const loaded = performance.now();
bundle.handler(JSON.parse(process.env.BENCH_EVENT ?? '{}')).then((result) => {
  const done = performance.now();
  process.stdout.write(
    `${JSON.stringify({ status: result.statusCode, initMs: loaded - start, firstRequestMs: done - loaded })}\n`,
  );
});
