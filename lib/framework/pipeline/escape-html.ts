/**
 * HTML escaping for the pages the framework writes itself (the technical
 * 404/500 pages). Everything that comes from the request, the environ, the
 * URLconf or an error message goes through it: an error page that reflects
 * a crafted path unescaped is an XSS.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
};

/** `escapeHtml('<a href="x">')` is `'&lt;a href=&quot;x&quot;&gt;'` (Django's `escape`). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}
