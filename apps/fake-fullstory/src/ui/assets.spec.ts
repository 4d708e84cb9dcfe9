import { Script } from 'vm';
import { INBOX_CSS, INBOX_HTML, INBOX_JS } from './assets';

const ids = (html: string): Set<string> => new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));

describe('inbox page assets', () => {
  it('the script is valid JavaScript', () => {
    expect(() => new Script(INBOX_JS, { filename: 'inbox.js' })).not.toThrow();
  });

  it('every element the script looks up by id exists in the page', () => {
    const wanted = [...INBOX_JS.matchAll(/\$\('#([\w-]+)'\)/g)].map((m) => m[1]);
    expect(wanted.length).toBeGreaterThan(20);
    const present = ids(INBOX_HTML);
    expect(wanted.filter((id) => !present.has(id))).toEqual([]);
  });

  it('every form control has a label, every button a type', () => {
    const present = ids(INBOX_HTML);
    const labelled = new Set([...INBOX_HTML.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1]));
    const controls = [...INBOX_HTML.matchAll(/<(?:input|select|textarea)\b[^>]*\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(controls.length).toBeGreaterThan(15);
    expect(controls.filter((id) => !labelled.has(id))).toEqual([]);
    expect([...labelled].filter((id) => !present.has(id))).toEqual([]);
    const buttons = [...INBOX_HTML.matchAll(/<button\b[^>]*>/g)].map((m) => m[0]);
    expect(buttons.filter((b) => !/\stype="(button|submit|reset)"/.test(b))).toEqual([]);
  });

  it('has nothing inline or remote for the CSP to refuse', () => {
    expect(INBOX_HTML).not.toMatch(/<script(?![^>]*\ssrc=)/);
    expect(INBOX_HTML).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    for (const text of [INBOX_HTML, INBOX_JS, INBOX_CSS]) expect(text).not.toMatch(/https?:\/\/|url\(/);
  });
});
