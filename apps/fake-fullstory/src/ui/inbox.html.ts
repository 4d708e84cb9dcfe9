/**
 * The inbox page: static markup only; behaviour in inbox.js, style in inbox.css (the CSP allows nothing inline).
 * It names its own icon: a browser's default /favicon.ico request would be captured as a FullStory API call.
 */
export const INBOX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Fake FullStory inbox</title>
<link rel="stylesheet" href="/__fake/ui/inbox.css">
<link rel="icon" href="/__fake/ui/icon.svg" type="image/svg+xml">
<script src="/__fake/ui/inbox.js" defer></script>
</head>
<body>
<header>
  <h1>Fake FullStory inbox</h1>
  <nav aria-label="Views">
    <button type="button" data-view="requests" aria-pressed="true">Requests</button>
    <button type="button" data-view="data" aria-pressed="false">Users &amp; events</button>
    <button type="button" data-view="settings" aria-pressed="false">Keys, faults &amp; settings</button>
  </nav>
  <p id="live" role="status" data-state="connecting">Connecting…</p>
</header>
<main>
<section id="view-requests" aria-labelledby="requests-title">
  <h2 id="requests-title">Requests</h2>
  <form id="filters" role="search" aria-label="Filter requests">
    <label for="f-endpoint">Endpoint</label>
    <select id="f-endpoint" name="endpoint"><option value="">Any endpoint</option></select>
    <label for="f-user">User (uid or id contains)</label>
    <input id="f-user" name="user" autocomplete="off">
    <label for="f-status">Status</label>
    <input id="f-status" name="status" placeholder="200, 4xx, dropped, pending" autocomplete="off">
    <label for="f-key">API key</label>
    <input id="f-key" name="key" autocomplete="off" spellcheck="false" aria-describedby="f-key-help">
    <button type="submit">Apply filters</button>
    <button type="reset">Clear filters</button>
    <p id="f-key-help" class="help">The key is hashed in this page (SHA-256) and matched against the redacted Authorization header.</p>
  </form>
  <p id="filter-error" class="err" role="alert"></p>
  <div class="split">
    <div class="list">
      <table id="requests">
        <caption>Newest first; updates live</caption>
        <thead><tr><th scope="col">#</th><th scope="col">Time</th><th scope="col">Endpoint</th><th scope="col">User</th><th scope="col">Status</th><th scope="col">Key</th></tr></thead>
        <tbody></tbody>
      </table>
      <p id="requests-empty" class="empty">No requests captured yet. Send one to this fake's FullStory API (e.g. <code>POST /v2/events</code>).</p>
      <button type="button" id="clear-requests">Clear captured requests</button>
    </div>
    <section id="detail" aria-labelledby="detail-title" aria-live="polite">
      <h2 id="detail-title">Request and response</h2>
      <p id="detail-empty" class="empty">Open a request to see what was sent and what the fake answered.</p>
      <p id="detail-error" class="err" role="alert"></p>
      <div class="side-by-side" hidden>
        <div><h3>Request</h3><pre id="detail-request" tabindex="0"></pre></div>
        <div><h3>Response</h3><pre id="detail-response" tabindex="0"></pre></div>
      </div>
    </section>
  </div>
</section>
<section id="view-data" aria-labelledby="data-title" hidden>
  <h2 id="data-title">Users and events as FullStory holds them</h2>
  <button type="button" id="data-refresh">Refresh</button>
  <p id="data-error" class="err" role="alert"></p>
  <h3>Users</h3>
  <table id="users"><thead><tr><th scope="col">Id</th><th scope="col">uid</th><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Identified</th><th scope="col">Origin</th><th scope="col">Properties</th></tr></thead><tbody></tbody></table>
  <p id="users-empty" class="empty">No users yet.</p>
  <h3>Events</h3>
  <form id="events-filter" role="search" aria-label="Filter events">
    <label for="e-uid">uid</label><input id="e-uid" name="uid" autocomplete="off">
    <button type="submit">Show events</button>
  </form>
  <table id="events"><thead><tr><th scope="col">Id</th><th scope="col">Source</th><th scope="col">uid</th><th scope="col">Name</th><th scope="col">Time</th><th scope="col">Properties</th></tr></thead><tbody></tbody></table>
  <p id="events-empty" class="empty">No events yet.</p>
</section>
<section id="view-settings" aria-labelledby="settings-title" hidden>
  <h2 id="settings-title">Keys, faults and runtime settings</h2>
  <p id="settings-error" class="err" role="alert"></p>
  <p id="settings-ok" class="ok" role="status"></p>
  <h3>API keys</h3>
  <table id="keys"><thead><tr><th scope="col">Key</th><th scope="col">Role</th><th scope="col">Email</th></tr></thead><tbody></tbody></table>
  <form id="key-form" aria-label="Register a key">
    <label for="k-key">Key</label><input id="k-key" name="key" required autocomplete="off">
    <label for="k-role">Role</label>
    <select id="k-role" name="role"><option>standard</option><option>architect</option><option selected>admin</option></select>
    <label for="k-email">Email (optional)</label><input id="k-email" name="email" type="email" autocomplete="off">
    <button type="submit">Register key</button>
  </form>
  <h3>Faults</h3>
  <table id="faults"><thead><tr><th scope="col">Id</th><th scope="col">Match</th><th scope="col">Effect</th><th scope="col">Times</th><th scope="col">Seen</th><th scope="col">Applied</th></tr></thead><tbody></tbody></table>
  <p id="faults-empty" class="empty">No faults: every request gets the normal answer.</p>
  <form id="fault-form" aria-label="Add a fault">
    <label for="x-method">Method</label>
    <select id="x-method" name="method"><option value="">Any</option><option>GET</option><option>POST</option><option>DELETE</option></select>
    <label for="x-path">Path (exact, or prefix ending in *)</label><input id="x-path" name="path" placeholder="/v2/events" autocomplete="off">
    <label for="x-status">Status</label><input id="x-status" name="status" type="number" min="100" max="599">
    <label for="x-retry">Retry-After (s)</label><input id="x-retry" name="retryAfter" type="number" min="0">
    <label for="x-latency">Latency (ms)</label><input id="x-latency" name="latencyMs" type="number" min="0">
    <label for="x-times">Times</label><input id="x-times" name="times" type="number" min="1">
    <label for="x-ratio">Ratio (0–1)</label><input id="x-ratio" name="ratio" type="number" min="0" max="1" step="any">
    <label for="x-drop"><input id="x-drop" name="dropConnection" type="checkbox"> Drop the connection</label>
    <button type="submit">Add fault</button>
  </form>
  <button type="button" id="faults-clear">Remove all faults</button>
  <h3>Runtime settings</h3>
  <form id="config-form" aria-label="Runtime settings">
    <label for="c-rate">Rate limit (requests/s, empty = off)</label><input id="c-rate" name="rateLimit" type="number" min="0" step="any">
    <label for="c-burst">Burst (empty = rate)</label><input id="c-burst" name="rateLimitBurst" type="number" min="1">
    <label for="c-naming">Naming mode</label>
    <select id="c-naming" name="namingMode"><option>lenient</option><option>strict</option></select>
    <label for="c-session"><input id="c-session" name="enforceSessionUserExclusive" type="checkbox"> Refuse session.id with user</label>
    <label for="c-delay">Processing delay (ms)</label><input id="c-delay" name="processingDelayMs" type="number" min="0" required>
    <label for="c-delete">Deleting an unknown user answers</label>
    <select id="c-delete" name="deleteUnknownUserStatus"><option>200</option><option>404</option></select>
    <label for="c-ttl">Idempotency TTL (ms)</label><input id="c-ttl" name="idempotencyTtlMs" type="number" min="1" required>
    <button type="submit">Save settings</button>
  </form>
  <h3>Reset</h3>
  <button type="button" id="reset">Reset the fake (requests, users, events, keys, faults, settings)</button>
</section>
</main>
</body>
</html>
`;
