import { RunningApp, StackEnv, dropDatabase, stackEnv, startApp, waitFor, withDb } from '../support/stack';
import { adminClient } from '../support/admin-client';

/**
 * Role tokens and the admin audit log on the real ingest-api: a token is shown once and stored hashed, a revoked
 * token stops working within seconds, every change appends a row (configuration with a masked diff), the
 * database refuses to change or remove rows, and GET /admin/audit-log filters and pages.
 */
jest.setTimeout(120_000);

describe('role tokens and the admin audit log', () => {
  let env: StackEnv;
  let api: RunningApp;
  let call: ReturnType<typeof adminClient>;

  beforeAll(async () => {
    env = stackEnv('admin_audit_log');
    api = await startApp('ingest-api', env);
    call = adminClient(`http://127.0.0.1:${env.INGEST_PORT}`);
  });

  afterAll(async () => {
    await api?.stop();
    await dropDatabase(env.DATABASE_URL);
  });

  it('shows a token once, stores only its hash, lists it without the secret, and revokes it', async () => {
    const created = await call('POST', '/admin/tokens', env.ADMIN_TOKEN, { name: 'ci auditor', role: 'auditor' });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^fsd_[A-Za-z0-9_-]{43}$/);
    const stored = await withDb(env.DATABASE_URL, (c) => c.query(`SELECT token_hash FROM admin_tokens`));
    expect(stored.rows).toHaveLength(1);
    expect(JSON.stringify(stored.rows)).not.toContain(token);

    const list = await call('GET', '/admin/tokens', env.ADMIN_TOKEN);
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(token);
    expect(list.body.tokens).toEqual([
      expect.objectContaining({ id: created.body.id, name: 'ci auditor', role: 'auditor', revokedAt: null }),
    ]);

    expect((await call('GET', '/admin/sources', token)).status).toBe(200);
    expect((await call('POST', '/admin/sources', token, { name: 'nope' })).status).toBe(403);
    expect((await call('GET', '/admin/tokens', token)).status).toBe(403);

    const revoked = await call('DELETE', `/admin/tokens/${created.body.id as string}`, env.ADMIN_TOKEN);
    expect(revoked.status).toBe(200);
    expect(typeof revoked.body.revokedAt).toBe('string');
    await waitFor(
      'the revoked token to be refused',
      async () => {
        return (await call('GET', '/admin/sources', token)).status === 401;
      },
      5000,
    );
  });

  it('refuses an admin token limited to a scope, and an expiry in the past', async () => {
    const scoped = await call('POST', '/admin/tokens', env.ADMIN_TOKEN, {
      name: 'x',
      role: 'admin',
      destinationIds: ['00000000-0000-4000-8000-000000000001'],
    });
    expect(scoped.status).toBe(400);
    const past = await call('POST', '/admin/tokens', env.ADMIN_TOKEN, {
      name: 'x',
      role: 'operator',
      expiresAt: '2020-01-01T00:00:00Z',
    });
    expect(past.status).toBe(400);
  });

  it('appends a row for each change, with a masked before/after diff for configuration', async () => {
    const operator = await call('POST', '/admin/tokens', env.ADMIN_TOKEN, { name: 'ops on call', role: 'operator' });
    expect(operator.status).toBe(201);
    const source = await call('POST', '/admin/sources', env.ADMIN_TOKEN, { name: 'Web' });
    expect(source.status).toBe(201);
    const dest = await call('POST', '/admin/destinations', env.ADMIN_TOKEN, {
      name: 'FS',
      apiKey: 'secret-fullstory-key-1',
      sourceIds: [source.body.id],
    });
    expect(dest.status).toBe(201);
    const destId = dest.body.id as string;
    const rekey = await call('PATCH', `/admin/destinations/${destId}`, env.ADMIN_TOKEN, {
      name: 'FS prod',
      apiKey: 'secret-fullstory-key-2',
    });
    expect(rekey.status).toBe(200);
    const disable = await call('PATCH', `/admin/destinations/${destId}`, operator.body.token as string, {
      enabled: false,
    });
    expect(disable.status).toBe(200);
    const rename = await call('PATCH', `/admin/destinations/${destId}`, operator.body.token as string, { name: 'no' });
    expect(rename.status).toBe(403);

    const log = await call('GET', `/admin/audit-log?action=destination.update`, env.ADMIN_TOKEN);
    expect(log.status).toBe(200);
    expect(log.text).not.toContain('secret-fullstory-key');
    const entries = log.body.entries as Array<Record<string, unknown>>;
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      tokenId: 'bootstrap',
      tokenName: 'ADMIN_TOKEN',
      clientAddress: '127.0.0.1',
      via: 'api',
      action: 'destination.update',
      targetType: 'destination',
      targetId: destId,
      details: {
        diff: {
          name: { before: 'FS', after: 'FS prod' },
          api_key_encrypted: { before: '[secret]', after: '[secret changed]' },
        },
      },
    });
    expect(entries[1]).toMatchObject({
      tokenId: operator.body.id,
      tokenName: 'ops on call',
      details: { diff: { enabled: { before: true, after: false } } },
    });

    const byToken = await call('GET', `/admin/audit-log?tokenId=${operator.body.id as string}`, env.ADMIN_TOKEN);
    expect((byToken.body.entries as unknown[]).map((e) => (e as { action: string }).action)).toEqual([
      'destination.update',
    ]);
  });

  it('pages with a cursor and is in the export', async () => {
    const all = await call('GET', '/admin/audit-log', env.ADMIN_TOKEN);
    const actions = (all.body.entries as Array<{ action: string }>).map((e) => e.action);
    expect(actions).toEqual([
      'token.create',
      'token.revoke',
      'token.create',
      'source.create',
      'destination.create',
      'destination.update',
      'destination.update',
    ]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call('GET', `/admin/audit-log?limit=3${cursor ? `&cursor=${cursor}` : ''}`, env.ADMIN_TOKEN);
      expect(page.status).toBe(200);
      seen.push(...(page.body.entries as Array<{ action: string }>).map((e) => e.action));
      cursor = page.body.next as string | null;
    } while (cursor !== null);
    expect(seen).toEqual(actions);

    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    const exported = await call('GET', `/admin/export?from=${from}&to=${to}`, env.ADMIN_TOKEN);
    expect(exported.status).toBe(200);
    const audit = exported.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, { action?: string }>)
      .filter((l) => l.adminAudit)
      .map((l) => l.adminAudit.action);
    expect(audit).toEqual(actions);
  });

  it('is append-only: the database refuses UPDATE and DELETE', async () => {
    await withDb(env.DATABASE_URL, async (c) => {
      await expect(c.query(`UPDATE admin_audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
      await expect(c.query(`DELETE FROM admin_audit_log`)).rejects.toThrow(/append-only/);
      await expect(c.query(`TRUNCATE admin_audit_log`)).rejects.toThrow(/append-only/);
      const { rows } = await c.query(`SELECT count(*)::int AS n FROM admin_audit_log`);
      expect(rows[0].n).toBe(7);
    });
  });
});
