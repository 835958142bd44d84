/**
 * Child processes for the CLI tests: `npm run ...` in the project root, output kept in memory (never written out:
 * it may hold tokens), and every child killed and awaited by the end of the file.
 */
import { type ChildProcess, execFile, type SpawnOptions, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { scanLogOutput } from '../support/leak-scan';

const execFileAsync = promisify(execFile);

/** What a finished command printed, and its exit code. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a program nobody here wrote (the AWS CLI, python3 with boto3) to its end; its stderr joins the leak scan.
 * Resolves with the exit code and output, never rejects.
 */
export async function runCommand(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await execFileAsync(file, [...args], { env, maxBuffer: 64 * 1024 * 1024 });
    scanLogOutput(stderr);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    scanLogOutput(String(failure.stderr ?? ''));
    return { code: failure.code ?? -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

/** The project root, where `npm start` and `npm run token` run. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');

/** A running child and what it has written so far. */
export interface Child {
  readonly process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once the child has exited. */
  readonly exited: Promise<number | string>;
  /** Resolves once stdout contains `text`; rejects if the child exits first or `timeoutMs` passes. */
  waitForStdout(text: string, timeoutMs?: number): Promise<void>;
}

const running = new Set<Child>();

/** Spawns `npm <args>` in the project root, with `env` added to the test process's environment. */
export function spawnNpm(args: readonly string[], env: Readonly<Record<string, string>>): Child {
  return track(spawn('npm', [...args], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, ...DETACHED }), {
    stdoutIsLog: args[0] === 'start',
  });
}

/**
 * Runs a package.json script's command (`tsx sandbox/start.ts`) with `args`, from node_modules/.bin, without npm and
 * its shell in between, so that the exit code is the script's own: npm answers Ctrl-C with 130 whatever the script
 * did, and a non-interactive sh dies of the SIGINT meant for its child.
 */
export function spawnScript(
  name: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Child {
  const scripts = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).scripts;
  const script = scripts[name];
  if (typeof script !== 'string') throw new Error(`package.json has no "${name}" script`);
  const [command = '', ...scriptArgs] = script.split(/\s+/);
  return track(
    spawn(join(PROJECT_ROOT, 'node_modules', '.bin', command), [...scriptArgs, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      ...DETACHED,
    }),
    { stdoutIsLog: name === 'start' },
  );
}

/** Its own process group, as a terminal runs a foreground job: a signal to the group reaches every process. */
const DETACHED: SpawnOptions = { stdio: ['ignore', 'pipe', 'pipe'], detached: true };

/**
 * Follows a child. Its stderr (and its stdout, when that is a log, as for `npm start`) joins the leak scan once it
 * exits; stdout that carries a token by design (`npm run token`) does not.
 */
function track(child: ChildProcess, options: { stdoutIsLog: boolean }): Child {
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = new Promise<number | string>((resolveExit) => {
    child.on('close', (code, signal) => {
      scanLogOutput(err);
      if (options.stdoutIsLog) scanLogOutput(out);
      resolveExit(code ?? signal ?? -1);
    });
  });
  const handle: Child = {
    process: child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForStdout: (text, timeoutMs = 20_000) =>
      new Promise<void>((resolveWait, reject) => {
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`"${text}" did not appear on stdout within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          if (out.includes(text)) {
            cleanup();
            resolveWait();
          }
        };
        const onExit = () => {
          cleanup();
          // Only the shape of the failure: the output may hold a token.
          reject(new Error(`the child exited before "${text}" appeared (stderr: ${err.length} characters)`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.off('close', onExit);
        };
        child.stdout?.on('data', check);
        child.once('close', onExit);
        check();
      }),
  };
  running.add(handle);
  void exited.then(() => running.delete(handle));
  return handle;
}

/** Sends `signal` to the child's whole process group, as Ctrl-C in a terminal does. */
export function signalGroup(child: Child, signal: NodeJS.Signals): void {
  const pid = child.process.pid;
  if (pid !== undefined) process.kill(-pid, signal);
}

/** Kills every child still running and waits for them; call from `afterAll`. */
export async function killAll(): Promise<void> {
  const children = [...running];
  for (const child of children) {
    try {
      signalGroup(child, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await Promise.all(children.map((child) => child.exited));
}
