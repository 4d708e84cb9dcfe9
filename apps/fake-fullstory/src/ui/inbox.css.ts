/** Style of the inbox page (served as /__fake/ui/inbox.css; the CSP allows no inline style). */
export const INBOX_CSS = `
[hidden]{display:none!important}
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{display:flex;flex-wrap:wrap;gap:16px;align-items:center;padding:8px 16px;background:#1d2330;color:#fff}
h1{font-size:18px;margin:0}h2{font-size:16px;margin:0 0 8px}h3{font-size:14px;margin:12px 0 4px}
header button{color:#fff;background:none;border:1px solid #fff6;border-radius:4px;padding:4px 10px;cursor:pointer}
header button[aria-pressed=true]{background:#fff;color:#1d2330}
#live{margin:0 0 0 auto;font-size:12px}#live[data-state=live]::before{content:"● ";color:#12b76a}
#live[data-state=down]::before{content:"● ";color:#f04438}
main{padding:12px 16px}section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 16px}
section section{border:0;padding:0}
form{display:flex;flex-wrap:wrap;gap:6px 8px;align-items:center;margin:8px 0}
label{font-size:12px;color:#4b5563}input,select,button{font:inherit;padding:3px 6px}
:focus-visible{outline:3px solid #2e90fa;outline-offset:1px}
.help{flex-basis:100%;margin:0;font-size:12px;color:#6b7280}
.split{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eceff3;padding:3px 6px;text-align:left;vertical-align:top}
caption{text-align:left;font-size:12px;color:#6b7280}
tr.selected{background:#eef4ff}td button{padding:1px 6px}
.s2{color:#067647}.s4{color:#b54708}.s5,.s0{color:#b42318;font-weight:600}
.side-by-side{display:grid;grid-template-columns:1fr 1fr;gap:12px}
pre{background:#f6f7f9;border:1px solid #eceff3;padding:8px;margin:0;overflow:auto;max-height:70vh;white-space:pre-wrap;word-break:break-all;font-size:12px}
.empty{color:#6b7280;font-style:italic}.err{color:#b42318;white-space:pre-wrap}.err:empty,.ok:empty{display:none}
.ok{color:#067647}.props{font-family:monospace;font-size:12px;white-space:pre-wrap}
`;

/** The page's icon (an inbox tray), so the browser never asks the API routes for /favicon.ico. */
export const INBOX_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1" y="3" width="14" height="10" rx="2" fill="#1d2330"/><path d="M1 9h4l1 2h4l1-2h4" stroke="#fff" fill="none"/></svg>`;
