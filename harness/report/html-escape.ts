/**
 * Text as HTML character data or a quoted attribute value. Scenario names, failure messages and
 * protocol labels come from peers and captures: every one goes through here. Characters HTML
 * cannot hold (C0 controls other than tab and newline, lone surrogates) become U+FFFD.
 */
export function escapeHtml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A string safe inside an id attribute and a URL fragment: [a-z0-9-] only. */
export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}
