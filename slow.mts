import { timeQueries } from './bench/search-bench.js';
const f = timeQueries('/work/main/.bench/cache-10000', '/work/main/.bench/home-10000');
for (const t of [...f.timings].sort((a, b) => b.ms - a.ms).slice(0, 15)) console.log(t.ms.toFixed(1), t.results, t.query);
console.log('p50', f.p50.toFixed(1), 'p95', f.p95.toFixed(1));
