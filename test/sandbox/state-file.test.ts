/** The sandbox's state file: written atomically and privately, read back validated, refused when stale or missing. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_STATE_FILE,
  readSandboxState,
  removeSandboxState,
  type SandboxState,
  SandboxStateError,
  stateFileFrom,
  writeSandboxState,
} from '../../sandbox/state-file';
import { sampleSandboxState } from '../support/sandbox-state';

const STATE: SandboxState = sampleSandboxState();

function thrownBy(run: () => unknown): SandboxStateError {
  try {
    run();
  } catch (error) {
    if (error instanceof SandboxStateError) return error;
    throw error;
  }
  throw new Error('expected a SandboxStateError');
}

/** A pid that no process has any more: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

describe('the sandbox state file', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'credvend-state-'));
    file = join(dir, 'nested', 'sandbox.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips, in a 0700 directory as a 0600 file, leaving no temporary file behind', () => {
    const state = {
      ...STATE,
      iamUrl: 'http://127.0.0.1:3005',
      operator: { accessKeyId: 'AKID', secretAccessKey: 's' },
    };

    writeSandboxState(file, state);

    expect(readSandboxState(file)).toEqual(state);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'nested')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['sandbox.json']);
  });

  it('replaces an existing file whole', () => {
    writeSandboxState(file, STATE);
    writeSandboxState(file, { ...STATE, apiUrl: 'http://127.0.0.1:4000' });

    expect(readSandboxState(file).apiUrl).toBe('http://127.0.0.1:4000');
  });

  it('refuses to write a state that does not fit the shape', () => {
    expect(() => writeSandboxState(file, { ...STATE, apiUrl: 'https://example.com' })).toThrow();
  });

  it('says to start the sandbox when the file is missing', () => {
    const error = thrownBy(() => readSandboxState(file));

    expect(error.kind).toBe('missing');
    expect(error.message).toBe(
      `no sandbox is running (${file} does not exist): start the sandbox with npm start first`,
    );
  });

  it('says so when the process that wrote the file is gone', () => {
    const pid = deadPid();
    writeSandboxState(file, { ...STATE, pid });

    const error = thrownBy(() => readSandboxState(file));

    expect(error.kind).toBe('stale');
    expect(error.message).toBe(
      `the sandbox that wrote ${file} (pid ${pid}) is no longer running: start the sandbox with npm start first`,
    );
  });

  it('refuses a file that is not JSON or not of this version', () => {
    writeSandboxState(file, STATE);
    writeFileSync(file, '{ not json');
    const garbled = thrownBy(() => readSandboxState(file));
    writeFileSync(file, JSON.stringify({ ...STATE, version: 2 }));
    const newer = thrownBy(() => readSandboxState(file));

    expect(garbled.kind).toBe('invalid');
    expect(garbled.message).toBe(`${file} is not JSON; delete it and start the sandbox with npm start first`);
    expect(newer.kind).toBe('invalid');
    expect(newer.message).toMatch(/is not a sandbox state file of this version \(version: /);
  });

  it("removes only its own process's file", () => {
    writeSandboxState(file, { ...STATE, pid: 1 });
    removeSandboxState(file);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(1);

    writeSandboxState(file, STATE);
    removeSandboxState(file);
    expect(() => statSync(file)).toThrow();
  });

  it('lives at .credvend/sandbox.json unless CREDVEND_STATE_FILE says otherwise', () => {
    expect(stateFileFrom({})).toBe(DEFAULT_STATE_FILE);
    expect(DEFAULT_STATE_FILE).toMatch(/\/\.credvend\/sandbox\.json$/);
    expect(stateFileFrom({ CREDVEND_STATE_FILE: file })).toBe(file);
  });
});
