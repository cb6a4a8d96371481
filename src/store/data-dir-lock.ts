/**
 * An exclusive lock on the embedded database's folder: PGlite is one process's database, and two bots on
 * one folder would both run and corrupt it. The lock is a pid file created with O_EXCL next to the folder;
 * a lock whose process is gone (a crash, a SIGKILL) is taken over. Liveness is checked with `kill(pid, 0)`
 * and the process's start time, so a reused pid does not keep a dead bot's lock.
 */
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';

export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holder: number,
  ) {
    super(`the embedded database ${dir} is in use by another process (pid ${holder}); stop it first, or give this one another DATA_DIR`);
    this.name = 'DataDirLockedError';
  }
}

interface LockOwner {
  pid: number;
  host: string;
  /** The process's start time in clock ticks since boot (Linux /proc), to tell a reused pid apart. */
  started: string | null;
}

function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces: fields after its closing parenthesis are fixed
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return true; // another machine's lock (a shared folder): never taken over
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const started = startTimeOf(owner.pid);
  return !(owner.started && started && started !== owner.started);
}

function readOwner(file: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' ? owner : null;
  } catch {
    return null;
  }
}

/** Takes the lock for `dir` (the file `<dir>.lock`); returns its release. Throws DataDirLockedError when a live process holds it. */
export function lockDataDir(dir: string): () => void {
  const file = `${dir}.lock`;
  const me: LockOwner = { pid: process.pid, host: os.hostname(), started: startTimeOf(process.pid) };
  // the owner is written to a private file first, then linked into place: link() is atomic and refuses an
  // existing name, so nobody ever reads a half-written lock
  const mine = `${file}.${process.pid}`;
  writeFileSync(mine, JSON.stringify(me));
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(mine, file);
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          process.off('exit', release);
          if (readOwner(file)?.pid === process.pid) rmSync(file, { force: true });
        };
        // a process.exit() without close() (a fatal error, a signal during start-up) still frees the folder
        process.on('exit', release);
        return release;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = readOwner(file);
      if (owner && (owner.pid === process.pid || isAlive(owner))) throw new DataDirLockedError(dir, owner.pid);
      // stale: move it aside; if what was moved is not the stale lock (another starter took over meanwhile), put it back
      const aside = `${file}.stale-${process.pid}`;
      try {
        renameSync(file, aside);
      } catch {
        continue;
      }
      const moved = readOwner(aside);
      if (moved && owner && moved.pid !== owner.pid) {
        try {
          linkSync(aside, file);
        } catch {
          /* a third starter holds it now */
        }
        rmSync(aside, { force: true });
        throw new DataDirLockedError(dir, moved.pid);
      }
      rmSync(aside, { force: true });
    }
  } finally {
    rmSync(mine, { force: true });
  }
  throw new DataDirLockedError(dir, readOwner(file)?.pid ?? -1);
}
