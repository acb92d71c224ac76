// oidc-provider's storage adapter on Latchkey's own database (SQLite or
// PostgreSQL through Kysely): one row per model instance in oidc_models, with
// its account when the model has one (so the account's sessions and its
// grants end together: revokeAccountSessions); clients come from oidc_clients
// (registered by the CLI).
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { AppContext } from '../app/context.ts';
import type { Executor } from '../storage/executor.ts';
import { clientMetadata } from './clients.ts';

function expiresAt(now: Date, expiresIn: number | undefined): string | null {
  return expiresIn ? new Date(now.getTime() + expiresIn * 1000).toISOString() : null;
}

export function kyselyAdapter(ctx: AppContext): new (model: string) => Adapter {
  const db: Executor = ctx.storage.db;
  return class KyselyAdapter implements Adapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const row = {
        payload: JSON.stringify(payload),
        grant_id: payload.grantId ?? null,
        account_id: payload.accountId ?? null,
        uid: payload.uid ?? null,
        user_code: payload.userCode ?? null,
        expires_at: expiresAt(ctx.clock.now(), expiresIn),
      };
      await db
        .insertInto('oidc_models')
        .values({ model: this.model, id, consumed_at: null, ...row })
        .onConflict((c) => c.columns(['model', 'id']).doUpdateSet(row))
        .execute();
    }

    async #findWhere(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return column === 'id' ? clientMetadata(ctx, value) : undefined;
      const row = await db
        .selectFrom('oidc_models')
        .select(['payload', 'expires_at', 'consumed_at'])
        .where('model', '=', this.model)
        .where(column, '=', value)
        .executeTakeFirst();
      if (!row) return undefined;
      if (row.expires_at && row.expires_at <= ctx.clock.now().toISOString()) return undefined;
      const payload = JSON.parse(row.payload) as AdapterPayload;
      return row.consumed_at ? { ...payload, consumed: Math.floor(Date.parse(row.consumed_at) / 1000) } : payload;
    }

    find(id: string) {
      return this.#findWhere('id', id);
    }

    findByUid(uid: string) {
      return this.#findWhere('uid', uid);
    }

    findByUserCode(userCode: string) {
      return this.#findWhere('user_code', userCode);
    }

    async consume(id: string): Promise<void> {
      await db
        .updateTable('oidc_models')
        .set({ consumed_at: ctx.clock.now().toISOString() })
        .where('model', '=', this.model)
        .where('id', '=', id)
        .where('consumed_at', 'is', null)
        .execute();
    }

    async destroy(id: string): Promise<void> {
      await db.deleteFrom('oidc_models').where('model', '=', this.model).where('id', '=', id).execute();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.deleteFrom('oidc_models').where('grant_id', '=', grantId).execute();
    }
  };
}
