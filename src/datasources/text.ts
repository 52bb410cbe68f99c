// Control characters in a saved parameter end up in log lines, pg_stat_activity, connection strings
// and the console's table: a CR or LF there can forge a log line, a NUL truncates the value in C code
// (libpq, PostgreSQL itself), and C1 characters (U+0080–U+009F) are read as escape sequences by some
// terminals. So no field accepts them, except that remarks may hold line breaks and tabs.

const isControl = (codePoint: number) => codePoint <= 0x1f || (codePoint >= 0x7f && codePoint <= 0x9f);

/** The first C0, DEL or C1 control character of `value` that is not in `allowed`, as U+XXXX. */
export function firstControlCharacter(value: string, allowed: readonly string[] = []): string | undefined {
  for (const character of value) {
    const codePoint = character.codePointAt(0) ?? 0;
    if (isControl(codePoint) && !allowed.includes(character)) {
      return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
    }
  }
  return undefined;
}

/** The field message for a control character, or null when there is none. */
export function controlCharacterProblem(value: string): string | null {
  const found = firstControlCharacter(value);
  return found === undefined ? null : `must not contain control characters (found ${found})`;
}
