import { CLIENT_ADMIN } from './client-admin';
import { CLIENT_CORE } from './client-core';
import { CLIENT_REQUESTS } from './client-requests';

export { INBOX_CSS, INBOX_ICON } from './inbox.css';
export { INBOX_HTML } from './inbox.html';

/** The page's one script: the parts share a scope, wrapped so nothing leaks into the page's globals. */
export const INBOX_JS = `(() => {\n'use strict';\n${CLIENT_CORE}\n${CLIENT_REQUESTS}\n${CLIENT_ADMIN}\n})();\n`;
