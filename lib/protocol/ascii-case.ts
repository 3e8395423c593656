/**
 * ASCII helpers without regexes or copies: case-insensitive comparison of a
 * header name with an ASCII lower-case one, without making a lower-case copy
 * of the name (`toLowerCase()` allocates a new string for every comparison
 * that reaches it), and a check that a string is all ASCII.
 */

/**
 * True when `name` lower-cased is `lower`, which must be ASCII and lower
 * case (a header name). Only a name of the same length can match: every
 * character whose lower case is ASCII is one code unit, as its lower case is.
 */
export function equalsAsciiLowerCase(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  for (let i = 0; i < name.length; i += 1) {
    let code = name.charCodeAt(i);
    if (code >= 0x41 && code <= 0x5a) code += 0x20;
    // Outside ASCII (the Kelvin sign lower-cases to 'k'), leave the rules to toLowerCase().
    else if (code > 0x7f) return name.toLowerCase() === lower;
    if (code !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** True when every code unit of `value` is ASCII (a scan, cheaper than a regex test on short strings). */
export function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) if (value.charCodeAt(i) > 0x7f) return false;
  return true;
}
