/**
 * Parsers for the values proxies send, for `proxyFix()`: RFC 7239
 * `Forwarded` elements, node names (`for=`), hosts and ports. Each returns
 * `undefined` for a value it cannot trust, so a malformed header is ignored
 * rather than half-applied.
 */
import { isIP } from 'node:net';

/** One `Forwarded` element: its parameters, names lower-cased, values unquoted. */
export type ForwardedElement = Record<string, string>;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The elements of a `Forwarded` value (RFC 7239 §4), in order; `undefined`
 * when any part is malformed, since the hop count would then be unreliable.
 */
export function parseForwarded(value: string): ForwardedElement[] | undefined {
  const elements: ForwardedElement[] = [];
  let element: ForwardedElement = {};
  let index = 0;
  for (;;) {
    while (value[index] === ' ' || value[index] === '\t') index++;
    const nameMatch = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/.exec(value.slice(index));
    if (nameMatch) {
      const name = nameMatch[0].toLowerCase();
      index += name.length;
      if (value[index] !== '=') return undefined;
      index++;
      let param: string;
      if (value[index] === '"') {
        // quoted-string (RFC 9110 §5.6.4): a backslash escapes the next character.
        param = '';
        index++;
        while (index < value.length && value[index] !== '"') {
          if (value[index] === '\\') index++;
          if (index >= value.length) return undefined;
          param += value[index++];
        }
        if (value[index] !== '"') return undefined;
        index++;
      } else {
        const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]*/.exec(value.slice(index))![0];
        if (!TOKEN.test(token)) return undefined;
        param = token;
        index += token.length;
      }
      // RFC 7239 §4: a parameter name appears at most once per element.
      if (name in element) return undefined;
      element[name] = param;
    }
    while (value[index] === ' ' || value[index] === '\t') index++;
    if (index >= value.length) {
      if (Object.keys(element).length > 0) elements.push(element);
      return elements;
    }
    const separator = value[index++];
    if (separator === ',') {
      // Empty list elements are not hops (RFC 9110 §5.6.1): skip them.
      if (Object.keys(element).length > 0) elements.push(element);
      element = {};
    } else if (separator !== ';') {
      return undefined;
    }
  }
}

/**
 * The IP address of a node (`192.0.2.1`, `192.0.2.1:8080`, `2001:db8::1`,
 * `[2001:db8::1]:80`), without port or brackets; `undefined` for `unknown`,
 * obfuscated identifiers (`_hidden`) and anything that is not an IP.
 */
export function parseNodeAddress(node: string): string | undefined {
  if (isIP(node) !== 0) return node;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(node);
  if (bracketed) return isIP(bracketed[1]!) === 6 && validPort(bracketed[2]) ? bracketed[1] : undefined;
  const v4 = /^([\d.]+):(\d{1,5})$/.exec(node);
  if (v4) return isIP(v4[1]!) === 4 && validPort(v4[2]) ? v4[1] : undefined;
  return undefined;
}

/** True for `undefined` (no port) or a decimal port 1–65535. */
function validPort(port: string | undefined): boolean {
  return port === undefined || parsePort(port) !== undefined;
}

/** A port 1–65535 as its decimal string without leading zeros, or `undefined`. */
export function parsePort(value: string): string | undefined {
  if (!/^\d{1,5}$/.test(value)) return undefined;
  const port = Number(value);
  return port >= 1 && port <= 65535 ? String(port) : undefined;
}

/**
 * A `Host`-style value split into name and optional port (RFC 9110 §7.2):
 * a reg-name or IPv4 (letters, digits and `-._~`) or a bracketed IPv6
 * literal, which keeps its brackets. `undefined` when anything else is in it.
 */
export function parseHost(value: string): { name: string; port: string | undefined } | undefined {
  const match = /^([A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/.exec(value);
  if (!match) return undefined;
  const name = match[1]!;
  if (name.startsWith('[') && isIP(name.slice(1, -1)) !== 6) return undefined;
  if (match[2] === undefined) return { name, port: undefined };
  const port = parsePort(match[2]);
  return port === undefined ? undefined : { name, port };
}
