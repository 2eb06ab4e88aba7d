// Which process wrote a row, precisely enough to tell later whether that process is still alive:
// pid, host, and the process's start time. A pid alone is not enough (pids are reused after a
// crash); on Linux the start time comes from /proc/<pid>/stat (clock ticks since boot), so a new
// process that got the same pid is told apart from the one that wrote the row.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ProcessIdentity {
  pid: number;
  host: string;
  /** "ticks:<n>" from /proc on Linux, else "ms:<epoch ms of the start, rounded to seconds>". */
  started: string;
}

export type ProcessLiveness = 'alive' | 'dead' | 'other-host';

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot), or undefined. */
function procStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[19];
    return ticks && /^\d+$/.test(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

let self: ProcessIdentity | undefined;

export function currentProcess(): ProcessIdentity {
  if (!self) {
    const ticks = procStartTicks(process.pid);
    const started = ticks !== undefined ? `ticks:${ticks}` : `ms:${Math.round((Date.now() - process.uptime() * 1000) / 1000) * 1000}`;
    self = { pid: process.pid, host: hostname(), started };
  }
  return self;
}

/** Whether a process with this pid exists on this host (EPERM: it exists but belongs to another user). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the process that wrote a row still runs. Only a process on this host can be checked;
 * another host's is reported as such, never assumed dead.
 */
export function processLiveness(owner: { pid: number; host: string; started: string | null }): ProcessLiveness {
  const me = currentProcess();
  if (owner.host !== me.host) return 'other-host';
  if (owner.pid === me.pid) return owner.started === null || owner.started === me.started ? 'alive' : 'dead';
  if (!pidExists(owner.pid)) return 'dead';
  if (owner.started?.startsWith('ticks:')) {
    const ticks = procStartTicks(owner.pid);
    if (ticks !== undefined && `ticks:${ticks}` !== owner.started) return 'dead';
  }
  return 'alive';
}
