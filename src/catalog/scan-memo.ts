// What sources remember between runs to skip unchanged work (see ScanMemo):
// a small file of its own, so that commands that need no session summaries
// (search) do not parse the summary cache to get at it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScanMemo } from '../sources/source.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { isRecord } from '../util/text.js';

const FILE = 'scan-memo-v1.json';

export class FileScanMemo implements ScanMemo {
  private dirty = false;

  private constructor(
    private readonly path: string,
    private readonly data: Record<string, unknown>,
  ) {}

  static load(dir: string): FileScanMemo {
    const path = join(dir, FILE);
    try {
      const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
      if (isRecord(data)) return new FileScanMemo(path, data);
    } catch {
      // Missing or corrupt: start empty.
    }
    return new FileScanMemo(path, {});
  }

  get(key: string): unknown {
    return this.data[key];
  }

  set(key: string, value: unknown): void {
    this.data[key] = value;
    this.dirty = true;
  }

  save(): void {
    if (!this.dirty) return;
    try {
      writeFileAtomic(this.path, JSON.stringify(this.data), { mode: 0o600, mkdirMode: 0o700 });
      this.dirty = false;
    } catch {
      // Only costs speed next time.
    }
  }
}
