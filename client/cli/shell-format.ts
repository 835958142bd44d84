/** Renders environment variables for `eval` in a shell, or as a dotenv file. */

/** The output formats of `credvend env` and `credvend container-env`. */
export const SHELL_FORMATS = ['sh', 'fish', 'powershell', 'dotenv'] as const;
export type ShellFormat = (typeof SHELL_FORMATS)[number];

/** How each format assigns a variable, with the value quoted so the shell takes it literally. */
const ASSIGN: Readonly<Record<ShellFormat, (name: string, value: string) => string>> = {
  // POSIX sh: nothing is special inside single quotes; close, escape the quote, reopen.
  sh: (name, value) => `export ${name}='${value.replaceAll("'", `'\\''`)}'`,
  fish: (name, value) => `set -gx ${name} '${value.replace(/[\\']/g, '\\$&')}';`,
  powershell: (name, value) => `$Env:${name} = '${value.replaceAll("'", "''")}'`,
  dotenv: (name, value) => `${name}="${value.replace(/[\\"$]/g, '\\$&').replaceAll('\n', '\\n')}"`,
};

/** One line per variable, in the given format. */
export function renderEnvironment(variables: Readonly<Record<string, string>>, format: ShellFormat): string {
  const assign = ASSIGN[format];
  return `${Object.entries(variables)
    .map(([name, value]) => assign(name, value))
    .join('\n')}\n`;
}
