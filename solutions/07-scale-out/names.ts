// names.ts: which usernames the server accepts, and the one form it stores.
// Two names that look the same on screen must be the same name, or one user can
// pass for another: "alice" with an invisible character after it, "аlice" with a
// Cyrillic а, or "ａｌｉｃｅ" in fullwidth letters.
const MAX_USERNAME_CHARS = 32;

// NFKC turns every way of writing a character into one: fullwidth letters into
// ASCII, an e plus a combining accent into é, a no-break space into a space.
export function normalizeName(name: string): string {
  return name.normalize('NFKC').trim();
}

// A problem with a (normalized) name, or undefined if it is fine. The caller
// answers INVALID_ARGUMENT with this text.
export function checkUsername(name: string): string | undefined {
  if (name === '') return 'username is empty';
  if ([...name].length > MAX_USERNAME_CHARS) return `username is longer than ${MAX_USERNAME_CHARS} characters`;
  if (/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u.test(name)) return 'username contains control characters';
  if (/\s/.test(name)) return 'username must be one word, without spaces';
  return lookalikeProblem(name);
}

// What could make a name pass for another one on screen, or undefined.
export function lookalikeProblem(name: string): string | undefined {
  // Characters that print as nothing: format characters (Unicode category Cf,
  // e.g. a zero-width space), and the "default ignorable" ones such as the Hangul
  // fillers (U+3164), variation selectors and tags.
  if (/[\p{Cf}\p{Default_Ignorable_Code_Point}]/u.test(name)) return 'username contains invisible characters';
  // Latin, Cyrillic and Greek share letters that look identical (a/а, o/ο).
  const scripts = [
    /\p{Script=Latin}/u.test(name) && 'Latin',
    /\p{Script=Cyrillic}/u.test(name) && 'Cyrillic',
    /\p{Script=Greek}/u.test(name) && 'Greek',
  ].filter(Boolean);
  if (scripts.length > 1) return `username mixes ${scripts.join(' and ')} letters, which can look alike`;
  return undefined;
}
