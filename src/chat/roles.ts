import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, configDir, parseYamlFile } from '../config.ts';

/** viewer < archivist < admin; expert is its own grant (for the knowledge base's reviews). */
const ROLES = ['viewer', 'archivist', 'admin', 'expert'] as const;
export type Role = (typeof ROLES)[number];

const ROLE_RANK: Record<Exclude<Role, 'expert'>, number> = { viewer: 1, archivist: 2, admin: 3 };

const role = z.enum(ROLES);

const schema = z.strictObject({
  /** The role of anyone not listed. */
  defaultRole: z.enum(['none', 'viewer', 'archivist', 'admin']).default('viewer'),
  users: z
    .array(
      z.strictObject({
        platform: z.enum(['slack', 'teams', 'mattermost', 'shell']),
        /** The platform's user id (Slack U…, Teams 29:… or AAD object id, Mattermost user id, shell login name), or * */
        user: z.string().min(1),
        roles: z.array(role).min(1),
        /** Only in these channels; absent = everywhere. */
        channels: z.array(z.string().min(1)).optional(),
        name: z.string().optional(),
      }),
    )
    .default([]),
});

export type RolesConfig = z.output<typeof schema>;

/** The shell is the operator's own terminal: admin unless roles.yaml says otherwise. */
const BUILT_IN: RolesConfig['users'] = [{ platform: 'shell', user: '*', roles: ['admin'] }];

export class Roles {
  constructor(readonly config: RolesConfig) {}

  /** roles.yaml in the configuration folder (or the file ARCHIEFBOT_ROLES names); without one, everyone is a viewer and the shell is admin. */
  static load(env: NodeJS.ProcessEnv = process.env): Roles {
    const file = env.ARCHIEFBOT_ROLES ?? path.join(configDir(env), 'roles.yaml');
    if (!existsSync(file)) {
      if (env.ARCHIEFBOT_ROLES)
        throw new ConfigError(`${file}: the roles file (ARCHIEFBOT_ROLES) does not exist`);
      return new Roles({ defaultRole: 'viewer', users: BUILT_IN });
    }
    const parsed = { data: parseYamlFile(file, schema) };
    const users = parsed.data.users.some((u) => u.platform === 'shell')
      ? parsed.data.users
      : [...parsed.data.users, ...BUILT_IN];
    return new Roles({ ...parsed.data, users });
  }

  /** Every role this user holds in this channel. */
  rolesOf(platform: string, user: string, channel: string): Role[] {
    const out = new Set<Role>();
    for (const u of this.config.users) {
      if (u.platform !== platform || (u.user !== user && u.user !== '*')) continue;
      if (u.channels && !u.channels.includes(channel)) continue;
      for (const r of u.roles) out.add(r);
    }
    if (!out.size && this.config.defaultRole !== 'none') out.add(this.config.defaultRole);
    return [...out];
  }

  /** viewer < archivist < admin; expert is its own grant (admins hold it too). */
  allows(held: Role[], needed: Role): boolean {
    if (needed === 'expert') return held.includes('expert') || held.includes('admin');
    const rank = Math.max(
      0,
      ...held.filter((r): r is Exclude<Role, 'expert'> => r !== 'expert').map((r) => ROLE_RANK[r]),
    );
    return rank >= ROLE_RANK[needed];
  }
}
