// node --import tsx bench/huge-bench.ts <home> <cache>
// The manager's preview of the huge session at its match, in-process through
// the same Effects the manager runs: search for the needle, then time
// reading the window around the match and laying it out (median of 5).
// Prints one JSON line.
import { Catalog } from '../src/catalog/catalog.js';
import { SummaryCache } from '../src/catalog/summary-cache.js';
import { resolveHomes } from '../src/sources/homes.js';
import { Effects } from '../src/tui/effects.js';
import { layoutPreview } from '../src/tui/preview-layout.js';
import { HUGE_ID, HUGE_NEEDLE } from './huge.js';

const [home, cache] = process.argv.slice(2) as [string, string];
const homes = resolveHomes({ HOME: home }, {});
const dir = `${cache}/sessions`;
const effects = new Effects({ homes, catalog: () => new Catalog({ homes, report: () => {}, cache: () => SummaryCache.load(dir) }), indexDir: dir, cwd: home, now: () => Date.now() });
effects.load();
await effects.startIndex(() => {});
const results = await effects.search(HUGE_NEEDLE);
if (results.type !== 'results') throw new Error('no results');
const row = results.rows.find((r) => r.session.id === HUGE_ID);
const at = row?.matches[0]?.messageIndex;
if (!row || at === undefined) throw new Error(`the huge session is not found by its needle (${results.rows.length} rows)`);
const times: number[] = [];
let shown = 0;
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const msg = effects.preview(row.session, { at });
  if (msg.type !== 'preview') throw new Error('no preview');
  const t = msg.transcript;
  const layout = layoutPreview(t, { width: 60, tools: false, thinking: false });
  const first = t.window?.first ?? 0;
  if (!(at >= first && at < first + t.messages.length) || layout.starts[at - first]! < 0) throw new Error('the match is not in what was read');
  times.push(performance.now() - t0);
  shown = t.messages.length;
}
times.sort((a, b) => a - b);
const t0 = performance.now();
effects.preview(row.session, { whole: true });
const wholeMs = performance.now() - t0;
console.log(JSON.stringify({ previewAtMatchMs: Math.round(times[2]!), windowMessages: shown, wholeMs: Math.round(wholeMs), matchIndex: at }));
