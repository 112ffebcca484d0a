// The cleanup pane's filter line: the same filters as `sessions clean`,
// typed as they are on the command line (`--older-than 90d --keep-last 3`,
// the dashes optional). The search box narrows what they apply to.
import { parseCleanValue, setCleanValue, type CleanFilters } from '../actions/clean.js';
import { errorText } from '../util/text.js';

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
      case 'older-than':
      case 'smaller-than':
      case 'larger-than':
      case 'keep-last':
        try {
          setCleanValue(f, w, parseCleanValue(w, value() ?? ''));
        } catch (error) {
          return { filters: f, error: errorText(error) };
        }
        i++;
        break;
      default:
        return { filters: f, error: `unknown filter '${w}' (${CLEAN_SPEC_HELP})` };
    }
  }
  return { filters: f, error: null };
}
