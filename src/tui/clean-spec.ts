// The cleanup pane's filter line: the same filters as `sessions clean`,
// typed as they are on the command line (`--older-than 90d --keep-last 3`,
// the dashes optional). The search box narrows what they apply to.
import bytes from 'bytes';
import type { CleanFilters } from '../actions/clean.js';
import { parseAge } from '../search/query.js';

export const CLEAN_SPEC_HELP = 'older-than 90d  empty  smaller-than 10kb  larger-than 1mb  keep-last 3  except-renamed';

export function parseCleanSpec(text: string): { filters: CleanFilters; error: string | null } {
  const f: CleanFilters = {};
  const words = text.trim().split(/\s+/).filter(Boolean).map((w) => w.replace(/^--?/, ''));
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const value = (): string | null => words[i + 1] ?? null;
    switch (w) {
      case 'empty':
        f.empty = true;
        break;
      case 'except-renamed':
        f.exceptRenamed = true;
        break;
      case 'older-than': {
        const age = parseAge(value() ?? '');
        if (age === null) return { filters: f, error: 'older-than takes an age: 90d, 12h, 2w, 3m, 1y' };
        f.olderThanMs = age;
        i++;
        break;
      }
      case 'smaller-than':
      case 'larger-than': {
        const n = bytes.parse(value() ?? '');
        if (n === null || Number.isNaN(n)) return { filters: f, error: `${w} takes a size: 10kb, 5mb` };
        if (w === 'smaller-than') f.smallerThan = n;
        else f.largerThan = n;
        i++;
        break;
      }
      case 'keep-last': {
        const v = value() ?? '';
        if (!/^\d+$/.test(v)) return { filters: f, error: 'keep-last takes a whole number' };
        f.keepLast = Number(v);
        i++;
        break;
      }
      default:
        return { filters: f, error: `unknown filter '${w}' (${CLEAN_SPEC_HELP})` };
    }
  }
  return { filters: f, error: null };
}
