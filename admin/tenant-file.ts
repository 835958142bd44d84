/**
 * Tenant files: JSON or YAML, holding one record or a list of them (YAML may also hold several documents). Parse
 * errors name the line and column. Records come back as parsed, unchecked: `TenantAdmin.validate` checks them.
 */
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { TenantFileError } from './errors';

/** The largest file read: far beyond any real tenant file, small enough to never be a problem to hold. */
export const MAX_TENANT_FILE_BYTES = 1024 * 1024;

/** How a file is parsed: by its extension (`.json`, `.yaml`, `.yml`), else by its first character. */
export type TenantFileFormat = 'json' | 'yaml';

/** Reads `file` and returns its records (at least one). Throws `TenantFileError` saying where and what is wrong. */
export function readTenantFile(file: string): unknown[] {
  let text: string;
  try {
    if (statSync(file).size > MAX_TENANT_FILE_BYTES) {
      throw new TenantFileError(file, `larger than ${MAX_TENANT_FILE_BYTES} bytes; split it`);
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof TenantFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new TenantFileError(
      file,
      code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})`,
    );
  }
  return parseTenantFile(text, file);
}

/** Parses the text of a tenant file named `file` (the name chooses the format and appears in errors). */
export function parseTenantFile(text: string, file: string, format = formatOf(file, text)): unknown[] {
  const values = format === 'json' ? [parseJson(text, file)] : parseYaml(text, file);
  const records = values.flatMap((value) => (Array.isArray(value) ? value : [value]));
  if (records.length === 0) throw new TenantFileError(file, 'holds no tenant record');
  return records;
}

function formatOf(file: string, text: string): TenantFileFormat {
  const extension = extname(file).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  return /^\s*[[{]/.test(text) ? 'json' : 'yaml';
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /at position (\d+)/.exec(message);
    const offset = at === null ? text.length : Number(at[1]);
    const reason = message
      .replace(/\s*in JSON at position \d+.*$/, '')
      .replace(/\s*\(line \d+ column \d+\)$/, '');
    throw new TenantFileError(file, `not valid JSON: ${reason}`, positionOf(text, offset));
  }
}

function parseYaml(text: string, file: string): unknown[] {
  const documents = parseAllDocuments(text, { uniqueKeys: true });
  // `parseAllDocuments` answers an empty stream with an empty list rather than documents.
  const list = Array.isArray(documents) ? documents : [documents];
  for (const document of list) {
    const error = document.errors[0];
    if (error !== undefined) {
      const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
      const position = error.linePos?.[0];
      throw new TenantFileError(
        file,
        `not valid YAML: ${reason}`,
        position === undefined ? undefined : { line: position.line, column: position.col },
      );
    }
  }
  return list.map((document) => document.toJS()).filter((value) => value !== null && value !== undefined);
}

/** The 1-based line and column of character `offset` of `text`. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}
